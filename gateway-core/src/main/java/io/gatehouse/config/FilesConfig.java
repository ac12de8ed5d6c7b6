package io.gatehouse.config;

import io.gatehouse.internal.config.ConfigValues;
import io.gatehouse.internal.config.Keys;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code files}: serve local files. Self-contained: the same record is the action of a vhost and of a route.
 *
 * @param root          a directory, possibly with lighttpd mod_evhost tokens ({@code %0}-{@code %9}, {@code %_}, {@code %%}, {@code %{M}}, {@code %{M.N}}; see src-docs/files.md)
 * @param fallbackRoot  used when the directory {@code root} resolves to does not exist
 * @param index         file names tried, in order, for a directory request
 * @param deny          path suffixes answered 403 (lighttpd url.access-deny)
 * @param staticExclude lower-case file name extensions ({@code .php}) never sent as files: such a file is answered 403
 *                      (lighttpd static-file.exclude-extensions); empty to send every file
 * @param listing       whether a directory without an index file is listed
 * @param noRanges      regexes of paths served without range support
 * @param mimeTypes     Content-Type by lower-case file name extension (no dot), over the built-in table
 * @param precompressed whether {@code name.br} / {@code name.gz} siblings are served to clients that accept them
 * @param gzip          on-the-fly gzip of compressible responses
 * @param cache         the {@code Cache-Control} of file responses
 * @param dotfiles      whether paths with a segment starting with {@code .} are served
 * @param errorPages    status (400-599) to a page path inside the root, served with that status
 * @param symlinks      which symbolic links are followed
 * @param fastcgi       when given, the files whose names end in its extensions run through FastCGI instead of
 *                      being sent (src-docs/files.md, "PHP through FastCGI")
 */
public record FilesConfig(
        String root,
        Optional<Path> fallbackRoot,
        List<String> index,
        List<String> deny,
        List<String> staticExclude,
        boolean listing,
        List<Pattern> noRanges,
        Map<String, String> mimeTypes,
        boolean precompressed,
        Gzip gzip,
        Cache cache,
        Dotfiles dotfiles,
        Map<Integer, String> errorPages,
        Symlinks symlinks,
        Optional<FastCgiConfig> fastcgi) implements Action {

    /** {@code files.index} when not given. */
    public static final List<String> DEFAULT_INDEX = List.of("index.html");
    /**
     * {@code files.staticExclude} when not given: the scripts lighttpd, Apache and nginx sites run (Debian's lighttpd
     * excludes {@code .php}, {@code .pl} and {@code .fcgi}), whose source would otherwise be sent with whatever
     * password it holds.
     */
    public static final List<String> DEFAULT_STATIC_EXCLUDE = List.of(".php", ".phtml", ".pl", ".fcgi", ".cgi");
    /** Off, as nginx {@code gzip_static} and Caddy {@code precompressed}: a stale sibling would be served silently. */
    public static final boolean DEFAULT_PRECOMPRESSED = false;
    /** {@code files.dotfiles} when not given. */
    public static final Dotfiles DEFAULT_DOTFILES = Dotfiles.DENY;
    /** {@code files.symlinks} when not given. */
    public static final Symlinks DEFAULT_SYMLINKS = Symlinks.INSIDE_ROOT;

    /** {@code dotfiles}: whether a path with a segment starting with {@code .} is served. */
    public enum Dotfiles {
        /** 403, except below {@code /.well-known/} (RFC 8615). */
        DENY,
        /** Served like any other path. */
        ALLOW
    }

    /** {@code symlinks}: which symbolic links below the document root are followed. */
    public enum Symlinks {
        /** None: any link in the path below the root is 403 (nginx {@code disable_symlinks on}, checked per component). */
        NEVER,
        /** Any link whose target stays inside the root's real path. */
        INSIDE_ROOT,
        /** A link whose owner is the owner of its target (nginx {@code disable_symlinks if_not_owner}). */
        OWNER_MATCH
    }

    /**
     * On-the-fly gzip.
     *
     * @param enabled whether responses are compressed at all
     * @param minSize files smaller than this (bytes) are sent as they are
     * @param types   media types compressed (without parameters; {@code text/*} matches every text type)
     */
    public record Gzip(boolean enabled, long minSize, List<String> types) {
        /** {@code gzip.minSize} when not given. */
        public static final long DEFAULT_MIN_SIZE = 1024;
        /** {@code gzip.types} when not given: text and the common structured types that compress well. */
        public static final List<String> DEFAULT_TYPES = List.of("text/*", "application/javascript",
                "application/json", "application/xml", "application/wasm", "image/svg+xml",
                "application/manifest+json", "application/rss+xml", "application/atom+xml");
        /** On-the-fly gzip when {@code gzip} is not given: off. */
        public static final Gzip DEFAULTS = new Gzip(false, DEFAULT_MIN_SIZE, DEFAULT_TYPES);

        /**
         * Copies the types.
         *
         * @param enabled whether responses are compressed at all
         * @param minSize the smallest file compressed, in bytes
         * @param types   media types compressed
         * @throws NullPointerException when {@code types} is null
         */
        public Gzip {
            types = List.copyOf(types);
        }
    }

    /**
     * {@code Cache-Control} for file responses (200, 206, 304); none when {@code maxAge} is empty and not immutable.
     *
     * @param maxAge    {@code max-age}
     * @param immutable adds {@code immutable} (RFC 8246), for file names that change with their content
     */
    public record Cache(Optional<Duration> maxAge, boolean immutable) {
        /** No {@code Cache-Control}, when {@code cache} is not given. */
        public static final Cache DEFAULTS = new Cache(Optional.empty(), false);
    }

    /**
     * Copies the lists and maps; checks the nested settings are given.
     *
     * @param root          a directory, possibly with evhost tokens
     * @param fallbackRoot  used when {@code root} does not exist
     * @param index         file names tried for a directory
     * @param deny          path suffixes answered 403
     * @param staticExclude extensions never sent as files, each a dot and at least one more character, without
     *                      {@code /}, {@code \\}, white space or a trailing dot; compared ignoring case
     * @param listing       whether directories without an index are listed
     * @param noRanges      paths served without range support
     * @param mimeTypes     Content-Type by extension
     * @param precompressed whether {@code .br} and {@code .gz} siblings are served
     * @param gzip          on-the-fly gzip
     * @param cache         the {@code Cache-Control} of file responses
     * @param dotfiles      whether dot segments are served
     * @param errorPages    page path by status
     * @param symlinks      which symbolic links are followed
     * @param fastcgi       the FastCGI servers scripts run on, or empty to run none
     * @throws NullPointerException     when a component is null
     * @throws IllegalArgumentException naming {@code files.staticExclude} when one of its extensions is not one
     */
    public FilesConfig {
        Objects.requireNonNull(fastcgi, "fastcgi");
        index = List.copyOf(index);
        deny = List.copyOf(deny);
        staticExclude = RecordChecks.each(Keys.FILES_STATIC_EXCLUDE, staticExclude, ConfigValues::staticExtension);
        noRanges = List.copyOf(noRanges);
        mimeTypes = Map.copyOf(mimeTypes);
        errorPages = Map.copyOf(errorPages);
        Objects.requireNonNull(gzip, "gzip");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(dotfiles, "dotfiles");
        Objects.requireNonNull(symlinks, "symlinks");
    }

    /**
     * Files with no script run: the constructor before {@code fastcgi} was added.
     *
     * @param root          a directory, possibly with evhost tokens
     * @param fallbackRoot  used when {@code root} does not exist
     * @param index         file names tried for a directory
     * @param deny          path suffixes answered 403
     * @param staticExclude extensions never sent as files
     * @param listing       whether directories without an index are listed
     * @param noRanges      paths served without range support
     * @param mimeTypes     Content-Type by extension
     * @param precompressed whether {@code .br} and {@code .gz} siblings are served
     * @param gzip          on-the-fly gzip
     * @param cache         the {@code Cache-Control} of file responses
     * @param dotfiles      whether dot segments are served
     * @param errorPages    page path by status
     * @param symlinks      which symbolic links are followed
     * @throws NullPointerException     when a component is null
     * @throws IllegalArgumentException naming {@code files.staticExclude} when one of its extensions is not one
     */
    public FilesConfig(String root, Optional<Path> fallbackRoot, List<String> index, List<String> deny,
                       List<String> staticExclude, boolean listing, List<Pattern> noRanges, Map<String, String> mimeTypes,
                       boolean precompressed, Gzip gzip, Cache cache, Dotfiles dotfiles, Map<Integer, String> errorPages,
                       Symlinks symlinks) {
        this(root, fallbackRoot, index, deny, staticExclude, listing, noRanges, mimeTypes, precompressed, gzip, cache,
                dotfiles, errorPages, symlinks, Optional.empty());
    }

    /** Value equality; {@link Pattern} itself compares by identity, so patterns compare by source and flags. */
    @Override
    public boolean equals(Object other) {
        return other instanceof FilesConfig that && root.equals(that.root) && fallbackRoot.equals(that.fallbackRoot)
                && index.equals(that.index) && deny.equals(that.deny) && staticExclude.equals(that.staticExclude)
                && listing == that.listing
                && patternKeys(noRanges).equals(patternKeys(that.noRanges)) && mimeTypes.equals(that.mimeTypes)
                && precompressed == that.precompressed && gzip.equals(that.gzip) && cache.equals(that.cache)
                && dotfiles == that.dotfiles && errorPages.equals(that.errorPages) && symlinks == that.symlinks
                && fastcgi.equals(that.fastcgi);
    }

    @Override
    public int hashCode() {
        return Objects.hash(root, fallbackRoot, index, deny, staticExclude, listing, patternKeys(noRanges), mimeTypes,
                precompressed, gzip, cache, dotfiles, errorPages, symlinks, fastcgi);
    }

    private static List<String> patternKeys(List<Pattern> patterns) {
        return patterns.stream().map(p -> p.flags() + ":" + p.pattern()).toList();
    }

    @Override
    public String kind() {
        return "files";
    }
}
