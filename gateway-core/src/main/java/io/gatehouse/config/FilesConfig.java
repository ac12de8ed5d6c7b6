package io.gatehouse.config;

import java.nio.file.Path;
import java.util.List;
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

    @Override
    public String kind() {
        return "files";
    }
}
