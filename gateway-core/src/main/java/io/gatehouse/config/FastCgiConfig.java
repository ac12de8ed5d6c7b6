package io.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * {@code files.fastcgi}: run the scripts of a document root through FastCGI (php-cgi, php-fpm), as lighttpd's
 * {@code fastcgi.server} does, instead of serving them as files. The file server resolves a request exactly as it
 * resolves a file (document root, deny list, dot files, symbolic links); a path whose first existing file component
 * ends in one of {@code extensions} runs that file, with the rest of the path as {@code PATH_INFO}. See
 * src-docs/files.md, "PHP through FastCGI".
 *
 * @param backends        FastCGI servers as {@code fcgi://host:port} (written {@code host:port} in YAML), over TCP;
 *                        balanced, health-checked passively and pooled like a proxy's backends
 * @param extensions      file name endings that run, matched case-sensitively (lighttpd's extension mapping)
 * @param connectTimeout  opening a connection to a server; past it, 502 (or another server)
 * @param responseTimeout for the script's response head once the whole request was sent; past it, 504
 */
public record FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout,
                            Duration responseTimeout) {

    /** {@code fastcgi.extensions} when not given. */
    public static final List<String> DEFAULT_EXTENSIONS = List.of(".php");

    /**
     * Copies the lists; checks them.
     *
     * @param backends        at least one {@code fcgi://host:port}
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @throws IllegalArgumentException when a list is empty, a backend is not {@code fcgi://host:port}, an
     *                                  extension does not start with a dot, or a timeout is not positive
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig {
        backends = List.copyOf(backends);
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        if (backends.isEmpty()) {
            throw new IllegalArgumentException("fastcgi.backends: list at least one, like [\"127.0.0.1:9000\"]");
        }
        for (URI backend : backends) {
            if (!"fcgi".equals(backend.getScheme()) || backend.getHost() == null || backend.getPort() < 0) {
                throw new IllegalArgumentException("fastcgi.backends: " + backend + " is not fcgi://host:port");
            }
        }
        if (extensions.isEmpty() || extensions.stream().anyMatch(e -> e.length() < 2 || e.charAt(0) != '.')) {
            throw new IllegalArgumentException("fastcgi.extensions: give endings like \".php\", " + extensions);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || responseTimeout.isNegative()
                || responseTimeout.isZero()) {
            throw new IllegalArgumentException("fastcgi: timeouts must be more than 0");
        }
    }

    /**
     * Whether {@code fileName} runs through FastCGI.
     *
     * @param fileName a file's name, or a path ending in it
     * @return whether it ends in one of {@link #extensions()}, case-sensitively
     */
    public boolean runs(String fileName) {
        for (String extension : extensions) {
            if (fileName.endsWith(extension)) {
                return true;
            }
        }
        return false;
    }
}
