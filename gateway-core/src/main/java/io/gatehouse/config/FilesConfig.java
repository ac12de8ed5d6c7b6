package io.gatehouse.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Serve local files.
 *
 * @param root         a directory, possibly with lighttpd mod_evhost tokens ({@code %0 %1 %2 %3 %4 %_ %%})
 * @param fallbackRoot used when the directory {@code root} resolves to does not exist
 * @param index        file names tried, in order, for a directory request
 * @param deny         path suffixes answered 403 (lighttpd url.access-deny)
 * @param listing      whether a directory without an index file is listed
 * @param noRanges     regexes of paths served without range support
 */
public record FilesConfig(
        String root,
        Optional<Path> fallbackRoot,
        List<String> index,
        List<String> deny,
        boolean listing,
        List<Pattern> noRanges) implements Action {

    public static final List<String> DEFAULT_INDEX = List.of("index.html");

    public FilesConfig {
        index = List.copyOf(index);
        deny = List.copyOf(deny);
        noRanges = List.copyOf(noRanges);
    }

    /** Value equality; {@link Pattern} itself compares by identity, so patterns compare by source and flags. */
    @Override
    public boolean equals(Object other) {
        return other instanceof FilesConfig that && root.equals(that.root) && fallbackRoot.equals(that.fallbackRoot)
                && index.equals(that.index) && deny.equals(that.deny) && listing == that.listing
                && patternKeys(noRanges).equals(patternKeys(that.noRanges));
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, fallbackRoot, index, deny, listing, patternKeys(noRanges));
    }

    private static List<String> patternKeys(List<Pattern> patterns) {
        return patterns.stream().map(p -> p.flags() + ":" + p.pattern()).toList();
    }

    @Override
    public String kind() {
        return "files";
    }
}
