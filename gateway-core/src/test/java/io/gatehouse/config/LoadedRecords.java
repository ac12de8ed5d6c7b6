package io.gatehouse.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/** Test helpers: the records the loader makes from a few keys, every other key at its default. */
final class LoadedRecords {

    private LoadedRecords() {
    }

    /** A proxy with these settings and every other key at its default. */
    static ProxyConfig proxy(List<URI> backends, boolean preserveHost, Duration connect, Duration response, int connections,
                             int queue) {
        return new ProxyConfig(backends, preserveHost, connect, response, connections, queue, ProxyConfig.DEFAULT_BALANCE,
                ProxyConfig.Health.DEFAULTS, ProxyConfig.defaultRetries(backends.size()), ProxyConfig.DEFAULT_IDLE_TIMEOUT,
                ProxyConfig.NO_CONNECTION_CAP);
    }

    /** Files with these settings, no listing, and every other key at its default. */
    static FilesConfig files(String root, Optional<Path> fallbackRoot, List<String> index, List<String> deny,
                             List<Pattern> noRanges) {
        return new FilesConfig(root, fallbackRoot, index, deny, FilesConfig.DEFAULT_STATIC_EXCLUDE, false, noRanges, Map.of(),
                FilesConfig.DEFAULT_PRECOMPRESSED, FilesConfig.Gzip.DEFAULTS, FilesConfig.Cache.DEFAULTS,
                FilesConfig.DEFAULT_DOTFILES, Map.of(), FilesConfig.DEFAULT_SYMLINKS);
    }
}
