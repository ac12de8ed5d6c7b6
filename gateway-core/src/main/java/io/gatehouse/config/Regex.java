package io.gatehouse.config;

import java.util.regex.Pattern;

/**
 * A compiled regular expression that compares by its source and flags ({@link Pattern} itself compares by
 * identity), so that records holding one have value equality.
 */
public record Regex(Pattern pattern) {

    public static Regex of(String source) {
        return new Regex(Pattern.compile(source));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Regex that && pattern.pattern().equals(that.pattern.pattern())
                && pattern.flags() == that.pattern.flags();
    }

    @Override
    public int hashCode() {
        return pattern.pattern().hashCode() * 31 + pattern.flags();
    }

    @Override
    public String toString() {
        return pattern.pattern();
    }
}
