package io.gatehouse.config;

import java.util.regex.Pattern;

/**
 * A compiled regular expression that compares by its source and flags ({@link Pattern} itself compares by
 * identity), so that records holding one have value equality. Immutable and thread-safe, as {@link Pattern} is.
 *
 * @param pattern the compiled expression
 */
public record Regex(Pattern pattern) {

    /**
     * Compiles {@code source} with no flags.
     *
     * @param source a {@link Pattern} expression
     * @return the expression
     * @throws java.util.regex.PatternSyntaxException when {@code source} is not a valid expression
     */
    public static Regex of(String source) {
        return new Regex(Pattern.compile(source));
    }

    /** Equal when the other is a {@code Regex} with the same source and flags. */
    @Override
    public boolean equals(Object other) {
        return other instanceof Regex that && pattern.pattern().equals(that.pattern.pattern())
                && pattern.flags() == that.pattern.flags();
    }

    @Override
    public int hashCode() {
        return pattern.pattern().hashCode() * 31 + pattern.flags();
    }

    /** @return the source, as written */
    @Override
    public String toString() {
        return pattern.pattern();
    }
}
