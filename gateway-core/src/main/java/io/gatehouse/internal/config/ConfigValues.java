package io.gatehouse.internal.config;

import io.gatehouse.config.AccessLogConfig;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.internal.files.EvhostPattern;
import io.gatehouse.internal.vhosts.HostNames;
import java.io.File;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parsing and validation of single configuration values. Each method returns the normalised value or throws
 * {@link IllegalArgumentException} whose message says what is wrong and what would be valid. Public for the checks
 * a config record makes of its own values, so that a record built in code is held to the YAML reader's rule.
 */
public final class ConfigValues {



    private static final Pattern STATIC_EXTENSION = Pattern.compile("\\.[^/\\\\\\s\\x00]*[^./\\\\\\s\\x00]");
    private static final String HOST_PATTERNS =
            "expected an exact name (example.com), a wildcard (*.example.com) or * for any host";
    /** The most bytes of a socket path Linux's {@code sockaddr_un} holds, its final NUL aside. */
    private static final int MAX_SOCKET_PATH = 107;

    private ConfigValues() {
    }

    /** {@code "host:port"}, {@code ":port"} (every IPv4 address) or {@code "[v6]:port"}; port 0 picks a free one. */
    static ListenAddress listen(String text) {
        String address = text.trim().split("\\s+", 2)[0];
        int colon = address.lastIndexOf(':');
        String host = colon < 0 ? "" : address.substring(0, colon);
        if (host.startsWith("[") ? HostNames.normalise(host) == null
                : host.indexOf(':') >= 0 || (!host.isEmpty() && HostNames.normalise(host) == null)) {
            throw new IllegalArgumentException("expected \"host:port\", \":port\" or \"[v6]:port\", got \"" + text + "\"");
        }
        return ListenAddress.parse(text);
    }

    /**
     * A vhost's host pattern, lower case and without a trailing dot: an exact name (as {@link HostNames#normalise}
     * accepts it, but without a port), {@code *.suffix}, or {@code *}.
     */
    static String hostPattern(String text) {
        if (text.equals("*")) {
            return "*";
        }
        if (text.startsWith("*.")) {
            return "*." + exactHost(text.substring(2), text);
        }
        if (text.startsWith(".")) {
            throw new IllegalArgumentException("invalid host pattern '" + text + "': " + HOST_PATTERNS
                    + " (nginx's ." + text.substring(1) + " is two entries here: " + text.substring(1) + " and *" + text + ")");
        }
        return exactHost(text, text);
    }

    private static String exactHost(String name, String pattern) {
        if (name.contains("*")) {
            throw new IllegalArgumentException("invalid host pattern '" + pattern + "': " + HOST_PATTERNS
                    + "; '*' is only allowed as the whole first label");
        }
        boolean hasPort = name.startsWith("[") ? name.contains("]:") : name.contains(":");
        if (hasPort) {
            throw new IllegalArgumentException("invalid host pattern '" + pattern
                    + "': no port here; a vhost is bound to ports through 'listen'");
        }
        String normalised = HostNames.normalise(name);
        if (normalised == null) {
            throw new IllegalArgumentException("invalid host pattern '" + pattern + "': " + HOST_PATTERNS
                    + "; names use letters, digits, '-', '_' and dots");
        }
        return normalised;
    }

    /**
     * {@code http://host:port} or {@code https://host:port}; without a port, 80 or 443. Returned with the port, the
     * scheme and host lower case.
     */
    static URI backend(String text) {
        String expected = "expected http://host:port or https://host:port, like http://127.0.0.1:8080";
        if (!text.contains("://")) {
            throw new IllegalArgumentException(expected + " (the scheme http:// or https:// is required)");
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected + "; '" + text + "' is not a valid URI: " + e.getReason());
        }
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("unsupported scheme '" + uri.getScheme() + "'; " + expected);
        }
        if (uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("user info (user@) is not allowed in a backend; " + expected);
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException(expected + "; '" + text + "' has no valid host");
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException("a backend has no query (?) or fragment (#); " + expected);
        }
        String path = uri.getRawPath();
        if (!path.isEmpty() && !path.equals("/")) {
            throw new IllegalArgumentException("a backend path ('" + path + "') is not supported yet: requests go to the "
                    + "backend with their own path unchanged; " + expected);
        }
        int port = uri.getPort() < 0 ? (scheme.equals("https") ? 443 : 80) : uri.getPort();
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("backend port must be 1-65535, got " + port);
        }
        return URI.create(scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port);
    }

    /**
     * A document root with lighttpd mod_evhost tokens, checked by the parser the file server expands it with, so
     * that the configuration accepts exactly what the files action serves.
     */
    static String evhostRoot(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("expected a directory, like /var/www/%0");
        }
        EvhostPattern.parse(text);
        return text;
    }

    /** One of an enum's constants, written in lower case with '-' for '_' ({@code inside-root}). */
    static <E extends Enum<E>> E choice(String value, E[] constants) {
        for (E constant : constants) {
            if (constant.name().replace('_', '-').equalsIgnoreCase(value.replace('_', '-'))) {
                return constant;
            }
        }
        throw new IllegalArgumentException("expected one of " + String.join(", ", java.util.Arrays.stream(constants)
                .map(Keys::spelling).toList()) + ", got '" + value + "'");
    }

    static String notEmpty(String value) {
        if (value.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return value;
    }

    /** An access log format by name, in any case. */
    static AccessLogConfig.Format accessLogFormat(String value) {
        for (AccessLogConfig.Format format : AccessLogConfig.Format.values()) {
            if (format.name().equalsIgnoreCase(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("expected common, combined or json, got '" + value + "'");
    }

    /** An active health check's path: visible ASCII, starting with '/'. */
    static String healthPath(String value) {
        if (!value.startsWith("/") || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("expected a path like /healthz (visible ASCII, starting with /), got '" + value + "'");
        }
        return value;
    }

    /** Like {@code listen}, except that a bare port ({@code ":9901"} or {@code "9901"}) means loopback. */
    static ListenAddress adminListen(String text) {
        String value = text.trim();
        if (value.matches("\\d{1,5}")) {
            value = ":" + value;
        }
        return value.startsWith(":") ? listen("127.0.0.1" + value) : listen(value);
    }

    /** A file name tried for a directory request, like {@code index.html}. */
    static String indexName(String text) {
        if (text.isEmpty() || text.equals(".") || text.equals("..") || text.contains("/") || text.contains("\\")) {
            throw new IllegalArgumentException("expected a file name like index.html, got '" + text + "'");
        }
        return text;
    }

    /** A path suffix answered 403, like {@code ~} or {@code .inc}. */
    static String denySuffix(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("expected a path suffix like \".inc\"; an empty one would deny everything");
        }
        return text;
    }

    /**
     * A FastCGI server: {@code host:port} over TCP, as the URI {@code fcgi://host:port}, or {@code unix:/path} on a
     * Unix-domain socket (nginx {@code fastcgi_pass unix:/path}, lighttpd {@code "socket"}), as the URI
     * {@code unix:/path}. The socket file need not exist yet: the server may start after the gateway.
     *
     * @param text as written
     * @return the server's URI
     * @throws IllegalArgumentException when it is neither host:port nor {@code unix:} and an absolute path that fits
     *                                  in a socket address
     */
    public static URI fastCgiBackend(String text) {
        if (text.startsWith("unix:")) {
            return unixSocket(text.substring("unix:".length()));
        }
        String expected = "expected host:port over TCP, like \"127.0.0.1:9000\", or unix: and a socket's path, like "
                + "\"unix:/run/php/php8.2-fpm.sock\"";
        URI uri;
        try {
            uri = new URI("fcgi://" + text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(expected + "; '" + text + "' is not one");
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPort() > 65535 || !uri.getRawPath().isEmpty()
                || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
            throw new IllegalArgumentException(expected + "; '" + text + "' is not one");
        }
        return uri;
    }

    private static URI unixSocket(String path) {
        String expected = "like \"unix:/run/php/php8.2-fpm.sock\"";
        if (path.isEmpty()) {
            throw new IllegalArgumentException("give the socket's path after unix:, " + expected);
        }
        if (!path.startsWith("/") || path.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("give the socket's absolute path after unix:, " + expected + "; '"
                    + path + "' is not one");
        }
        int bytes = path.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_SOCKET_PATH) {
            throw new IllegalArgumentException("the socket's path is " + bytes + " bytes long; a Unix socket address "
                    + "holds at most " + MAX_SOCKET_PATH + ": give a shorter one");
        }
        try {
            return new URI("unix", null, path, null, null);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("give the socket's path after unix:, " + expected + "; '" + path
                    + "' is not one");
        }
    }

    /**
     * {@code fastcgi.spawn.command}: its program must be an executable file, checked now so that a typo is a
     * configuration error with its line rather than a start that fails. A name without {@code /} is looked up in the
     * gateway's {@code PATH}, as the processes are started with it.
     *
     * @param text the program and its arguments, split at spaces
     * @return {@code text}
     * @throws IllegalArgumentException when it is blank or its program is not an executable file
     */
    public static String spawnCommand(String text) {
        String program = text.trim().split("[ \\t]+")[0];
        if (program.isEmpty()) {
            throw new IllegalArgumentException("name the program, like /usr/bin/php-cgi");
        }
        if (program.indexOf('/') >= 0) {
            if (Files.isRegularFile(Path.of(program)) && Files.isExecutable(Path.of(program))) {
                return text;
            }
        } else {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return text;
                }
            }
        }
        throw new IllegalArgumentException("'" + program + "' is not an executable file; install php-cgi or give its "
                + "path, like /usr/bin/php-cgi");
    }

    /**
     * A file name ending run through FastCGI: a dot and more, kept as written (matched case-sensitively).
     *
     * @param text as written
     * @return the extension
     * @throws IllegalArgumentException when it does not start with a dot or holds a separator or white space
     */
    public static String fastCgiExtension(String text) {
        if (!STATIC_EXTENSION.matcher(text).matches()) {
            throw new IllegalArgumentException("expected a file name extension starting with a dot, like \".php\", got '"
                    + text + "'");
        }
        return text;
    }

    /**
     * A {@code staticExclude} extension like {@code .php}: a dot, then a name without {@code /}, {@code \\}, white
     * space or a trailing dot (file names are matched with trailing dots ignored, so {@code .php.} would be
     * {@code .php}); lower-cased, as file names are compared ignoring case.
     *
     * @param text as written
     * @return {@code text} lower-cased
     * @throws IllegalArgumentException when it is not such an extension
     */
    public static String staticExtension(String text) {
        if (!STATIC_EXTENSION.matcher(text).matches()) {
            throw new IllegalArgumentException("expected a file name extension starting with a dot, like \".php\", got '"
                    + text + "'");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /**
     * A route's {@code path} prefix: decoded, starting with {@code /}, already normalised (requests are matched by
     * their normalised path, so a prefix with {@code //} or a dot segment could never match).
     */
    static String routePrefix(String text) {
        if (!text.startsWith("/")) {
            throw new IllegalArgumentException("expected a path prefix starting with /, like /api/, got '" + text + "'");
        }
        if (text.contains("//") || text.matches(".*/\\.{1,2}(/.*)?")) {
            throw new IllegalArgumentException("'" + text + "' can never match: requests are matched by their normalised path, "
                    + "without //, /./ or /../");
        }
        if (text.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("'" + text + "' holds a control character");
        }
        return text;
    }

    /** An HTTP method, upper-cased: {@code post} is taken to mean {@code POST}. */
    static String method(String text) {
        if (!isToken(text)) {
            throw new IllegalArgumentException("expected a method like GET or POST, got '" + text + "'");
        }
        return text.toUpperCase(Locale.ROOT);
    }

    /** A header name, as a route condition tests it. */
    static String headerName(String text) {
        if (!isToken(text)) {
            throw new IllegalArgumentException("expected a header name like X-Env, got '" + text + "'");
        }
        return text;
    }

    /** A header name a route may set, add or remove: any but the framing headers, which are the gateway's own. */
    static String changeableHeaderName(String text) {
        headerName(text);
        if (text.equalsIgnoreCase("Content-Length") || text.equalsIgnoreCase("Transfer-Encoding")) {
            throw new IllegalArgumentException(text + " is set by the gateway from the body it sends; it cannot be changed here");
        }
        return text;
    }

    /**
     * A request header name a route may set, add or remove: not a framing header, and not one the proxy's forwarded
     * policy owns (its {@code ForwardedHeaders} sets or removes these after the route's changes, so a change here
     * would silently not reach the backend).
     */
    static String changeableRequestHeaderName(String text) {
        changeableHeaderName(text);
        if (ForwardedConfig.POLICY_HEADERS.stream().anyMatch(text::equalsIgnoreCase)) {
            throw new IllegalArgumentException(text + " is set by the proxy's forwarded policy (forwarded.trusted) and cannot "
                    + "be changed by a route; to pass the client address under another name, set e.g. X-Client-IP: '${client_ip}'");
        }
        return text;
    }

    /** A header {@code forwarded.strip} may name: not Host (routing needs it) and not a framing header. */
    static String strippableHeaderName(String text) {
        changeableHeaderName(text);
        if (text.equalsIgnoreCase("Host")) {
            throw new IllegalArgumentException("Host is needed to route the request; it cannot be stripped");
        }
        return text;
    }

    /** An RFC 9110 token: the characters a method or header name may have. */
    private static boolean isToken(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0);
    }

    static Pattern regex(String text) {
        return regex(text, 0);
    }

    /**
     * A route's {@code match}: {@code .} matches every character, a decoded newline ({@code %0A}) included, so that
     * a rule like {@code ^/private/.*} cannot be bypassed by putting one in the path.
     */
    static Pattern routeRegex(String text) {
        return regex(text, Pattern.DOTALL);
    }

    private static Pattern regex(String text, int flags) {
        try {
            return Pattern.compile(text, flags);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regex '" + text + "': " + e.getDescription()
                    + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
        }
    }
    // --- files ----------------------------------------------------------------------------------------------

    private static final Pattern MEDIA_TYPE = Pattern.compile(
            "[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]*(\\s*;\\s*[A-Za-z0-9!#$&^_.+-]+=[^;\\r\\n\\x00]+)*");

    /** A file name extension for {@code mimeTypes}: lower-cased, without a leading dot. */
    static String extension(String text) {
        String ext = text.startsWith(".") ? text.substring(1) : text;
        if (ext.isEmpty() || !ext.matches("[A-Za-z0-9_+~-]+(\\.[A-Za-z0-9_+~-]+)*")) {
            throw new IllegalArgumentException("expected a file name extension like 'webmanifest', got '" + text + "'");
        }
        return ext.toLowerCase(Locale.ROOT);
    }

    /** A Content-Type value like {@code text/plain} or {@code text/plain; charset=iso-8859-1}. */
    static String mediaType(String text) {
        String value = text.strip();
        if (!MEDIA_TYPE.matcher(value).matches()) {
            throw new IllegalArgumentException("expected a media type like 'text/plain' or 'text/plain; charset=utf-8', got '"
                    + text + "'");
        }
        return value;
    }

    /** A media type for {@code gzip.types}: {@code type/subtype} or {@code type/*}, no parameters; lower-cased. */
    static String compressibleType(String text) {
        String value = text.strip().toLowerCase(Locale.ROOT);
        if (!value.matches("[a-z0-9][a-z0-9!#$&^_.+-]*/(\\*|[a-z0-9][a-z0-9!#$&^_.+-]*)")) {
            throw new IllegalArgumentException("expected a media type like 'text/*' or 'application/json', got '" + text + "'");
        }
        return value;
    }

    /** An {@code errorPages} key: an error status, 400 to 599. */
    static Integer errorStatus(String text) {
        if (!text.matches("[45]\\d\\d")) {
            throw new IllegalArgumentException("expected an error status 400-599, got '" + text + "'");
        }
        return Integer.valueOf(text);
    }

    /** An {@code errorPages} value: a path inside the document root, starting with '/'. */
    static String errorPage(String text) {
        return insideRoot(text, "/errors/404.html");
    }

    /**
     * {@code fastcgi.frontController}: a path inside the document root, starting with '/'; that it ends in a FastCGI
     * extension is checked with the extensions.
     */
    static String frontController(String text) {
        return insideRoot(text, "/index.php");
    }

    private static String insideRoot(String text, String example) {
        if (!text.startsWith("/") || text.contains("\\") || text.indexOf('\0') >= 0 || text.contains("?")
                || java.util.Arrays.asList(text.split("/")).contains("..")) {
            throw new IllegalArgumentException("expected a path inside the document root like " + example + ", got '"
                    + text + "'");
        }
        return text;
    }
}
