package io.gatehouse.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code files.fastcgi}: run the scripts of a document root through FastCGI (php-cgi, php-fpm), as lighttpd's
 * {@code fastcgi.server} does, instead of serving them as files. The file server resolves a request exactly as it
 * resolves a file (document root, deny list, dot files, symbolic links); a path whose first existing file component
 * ends in one of {@code extensions} runs that file, with the rest of the path as {@code PATH_INFO}. See
 * src-docs/files.md, "PHP through FastCGI". The servers are either {@code backends} that run on their own, or php-cgi
 * processes that the gateway {@code spawn}s and supervises (src-docs/files.md, "Spawning php-cgi"): exactly one of
 * the two.
 *
 * @param backends        FastCGI servers as {@code fcgi://host:port} (written {@code host:port} in YAML), over TCP,
 *                        or {@code unix:/path} on a Unix-domain socket ({@link #isUnixSocket}); balanced,
 *                        health-checked passively and pooled like a proxy's backends; empty when {@code spawn} is
 *                        given
 * @param extensions      file name endings that run, matched case-sensitively (lighttpd's extension mapping)
 * @param connectTimeout  opening a connection to a server; past it, 502 (or another server)
 * @param responseTimeout for the script's response head once the whole request was sent; past it, 504
 * @param spawn           the php-cgi processes the gateway runs as the servers, instead of {@code backends}
 * @param frontController the script, a URL path below the document root, that runs for a request whose path names
 *                        no file and no directory, instead of a 404 (nginx {@code try_files $uri $uri/ /index.php},
 *                        lighttpd {@code server.error-handler-404}); empty for none. See src-docs/files.md, "Front
 *                        controllers"
 * @param keepAlive       idle connections kept open to each server between requests ({@code FCGI_KEEP_CONN}),
 *                        counted over all of the gateway's IO threads and of the files actions that use the server;
 *                        0 closes each connection after its request. Default {@code maxConnections}: all of them
 *                        when the connections are capped, none when they are not. See src-docs/files.md,
 *                        "Keep-alive connections"
 * @param maxConnections  connections open at once to each server, counted like {@code keepAlive}; a request that
 *                        finds them all busy waits in the gateway, first come first served, for up to
 *                        {@code connectTimeout} (then 503). 0 for no cap. Default {@link #defaultMaxConnections}:
 *                        the workers of each spawned process, no cap for {@code backends}
 * @param readTimeout     between two reads of the script's response body, once its head arrived; past it the
 *                        response is cut off (the client sees it incomplete) and the connection closed
 */
public record FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout,
                            Duration responseTimeout, Optional<Spawn> spawn, Optional<String> frontController,
                            int keepAlive, int maxConnections, Duration readTimeout) {

    /**
     * {@code fastcgi.maxConnections} when not given. With {@code spawn} the workers are known: each process gets as
     * many connections as it has workers ({@link Spawn#workers()}), and the requests beyond them wait in the gateway,
     * where they are served in order, instead of in php-cgi's listen backlog, where a request reusing a kept
     * connection overtakes them. With {@code backends} they are not (php-fpm's {@code pm.max_children}, other
     * clients): no cap, as nginx and lighttpd have none by default.
     *
     * @param spawn the processes the gateway runs, or empty
     * @return {@code spawn}'s {@link Spawn#workers()}, or 0 (no cap)
     */
    public static int defaultMaxConnections(Optional<Spawn> spawn) {
        return spawn.map(Spawn::workers).orElse(0);
    }

    /** {@code fastcgi.extensions} when not given. */
    public static final List<String> DEFAULT_EXTENSIONS = List.of(".php");

    /**
     * Copies the lists; checks them.
     *
     * @param backends        {@code fcgi://host:port} or {@code unix:/path} servers: at least one without {@code spawn},
     *                        none with it
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @param spawn           the processes to run instead of {@code backends}, or empty
     * @param frontController a path starting with {@code /}, with no {@code .} or {@code ..} segment, no backslash,
     *                        NUL or {@code ?}, ending in one of {@code extensions}; or empty
     * @param keepAlive       0 or more; at most {@code maxConnections} when that is above 0; else, with
     *                        {@code spawn}, fewer than each process's workers ({@link Spawn#workers()}), so that one
     *                        worker always takes new connections
     * @param maxConnections  0 (no cap) or more; with {@code spawn}, at most each process's workers
     * @param readTimeout     more than 0
     * @throws IllegalArgumentException when both or neither of backends and spawn are given, a backend is neither
     *                                  {@code fcgi://host:port} nor {@code unix:/path}, an extension does not start
     *                                  with a dot, a timeout is not positive, the front controller is not such a
     *                                  path, keepAlive or maxConnections is negative, keepAlive is above the cap or
     *                                  (uncapped) would pin every spawned worker, or the cap is above the spawned
     *                                  workers
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig {
        backends = List.copyOf(backends);
        extensions = List.copyOf(extensions);
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(readTimeout, "readTimeout");
        Objects.requireNonNull(spawn, "spawn");
        if (backends.isEmpty() == spawn.isEmpty()) {
            throw new IllegalArgumentException("fastcgi: give either backends, like [\"127.0.0.1:9000\"], or spawn, "
                    + "like {command: /usr/bin/php-cgi}; exactly one of the two");
        }
        for (URI backend : backends) {
            boolean tcp = "fcgi".equals(backend.getScheme()) && backend.getHost() != null && backend.getPort() >= 0;
            boolean unix = isUnixSocket(backend) && backend.getPath() != null && backend.getPath().length() > 1
                    && backend.getPath().startsWith("/");
            if (!tcp && !unix) {
                throw new IllegalArgumentException("fastcgi.backends: " + backend + " is neither fcgi://host:port "
                        + "nor unix:/path");
            }
        }
        if (extensions.isEmpty() || extensions.stream().anyMatch(e -> e.length() < 2 || e.charAt(0) != '.')) {
            throw new IllegalArgumentException("fastcgi.extensions: give endings like \".php\", " + extensions);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || responseTimeout.isNegative()
                || responseTimeout.isZero() || readTimeout.isNegative() || readTimeout.isZero()) {
            throw new IllegalArgumentException("fastcgi: timeouts must be more than 0");
        }
        Objects.requireNonNull(frontController, "frontController");
        if (frontController.isPresent() && !isScriptPath(frontController.get(), extensions)) {
            throw new IllegalArgumentException("fastcgi.frontController: give a script path inside the document root "
                    + "ending in one of " + extensions + ", like /index.php; got " + frontController.get());
        }
        if (maxConnections < 0 || (spawn.isPresent() && maxConnections > spawn.get().workers())) {
            throw new IllegalArgumentException("fastcgi.maxConnections: " + maxConnections + " must be 0 or more"
                    + spawn.map(s -> " and at most the " + s.workers() + " workers of each spawned process").orElse(""));
        }
        if (keepAlive < 0 || keepAlive > maxKeepAlive(spawn, maxConnections)) {
            throw new IllegalArgumentException("fastcgi.keepAlive: " + keepAlive + " must be 0 to "
                    + maxKeepAlive(spawn, maxConnections) + (maxConnections > 0 ? " (maxConnections)"
                    : " (each spawned process's workers - 1)"));
        }
    }

    /**
     * The most {@code keepAlive} may be: every connection when they are capped (the gateway queues what the
     * workers cannot take, so an idle connection never keeps a request waiting in the server's backlog); else all
     * but one spawned worker, and anything for {@code backends}, whose workers the gateway does not know.
     *
     * @param spawn          the processes the gateway runs, or empty
     * @param maxConnections the cap, 0 for none
     * @return the largest valid {@code keepAlive}
     */
    public static int maxKeepAlive(Optional<Spawn> spawn, int maxConnections) {
        return maxConnections > 0 ? maxConnections : spawn.map(s -> s.workers() - 1).orElse(Integer.MAX_VALUE);
    }

    /**
     * Scripts run on their servers with the default {@code timeouts.read} ({@link Timeouts#DEFAULT_READ}): the
     * constructor before {@code readTimeout} was added.
     *
     * @param backends        {@code fcgi://host:port} or {@code unix:/path} servers: at least one without
     *                        {@code spawn}, none with it
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @param spawn           the processes to run instead of {@code backends}, or empty
     * @param frontController a script path ending in one of {@code extensions}, or empty
     * @param keepAlive       0 or more, at most {@code maxConnections} when that is above 0
     * @param maxConnections  0 (no cap) or more; with {@code spawn}, at most each process's workers
     * @throws IllegalArgumentException as the canonical constructor
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout, Duration responseTimeout,
                         Optional<Spawn> spawn, Optional<String> frontController, int keepAlive, int maxConnections) {
        this(backends, extensions, connectTimeout, responseTimeout, spawn, frontController, keepAlive, maxConnections,
                Timeouts.DEFAULT_READ);
    }

    /**
     * Scripts run on their servers keeping {@code keepAlive} idle connections, with the default
     * {@code maxConnections}: the constructor before it was added.
     *
     * @param backends        {@code fcgi://host:port} or {@code unix:/path} servers: at least one without
     *                        {@code spawn}, none with it
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @param spawn           the processes to run instead of {@code backends}, or empty
     * @param frontController a script path ending in one of {@code extensions}, or empty
     * @param keepAlive       0 or more; at most {@link #defaultMaxConnections} of {@code spawn} with it
     * @throws IllegalArgumentException as the canonical constructor
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout, Duration responseTimeout,
                         Optional<Spawn> spawn, Optional<String> frontController, int keepAlive) {
        this(backends, extensions, connectTimeout, responseTimeout, spawn, frontController, keepAlive,
                defaultMaxConnections(spawn));
    }

    /**
     * Scripts run on their servers with the default {@code keepAlive} and {@code maxConnections}: the constructor
     * before they were added.
     *
     * @param backends        {@code fcgi://host:port} servers: at least one without {@code spawn}, none with it
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @param spawn           the processes to run instead of {@code backends}, or empty
     * @param frontController a script path ending in one of {@code extensions}, or empty
     * @throws IllegalArgumentException as the canonical constructor
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout, Duration responseTimeout,
                         Optional<Spawn> spawn, Optional<String> frontController) {
        this(backends, extensions, connectTimeout, responseTimeout, spawn, frontController,
                defaultMaxConnections(spawn));
    }


    /**
     * Scripts run on their servers, with no front controller: the constructor before {@code frontController} was
     * added.
     *
     * @param backends        {@code fcgi://host:port} servers: at least one without {@code spawn}, none with it
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @param spawn           the processes to run instead of {@code backends}, or empty
     * @throws IllegalArgumentException when both or neither of backends and spawn are given, a backend is not
     *                                  {@code fcgi://host:port}, an extension does not start with a dot, or a timeout
     *                                  is not positive
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout, Duration responseTimeout,
                         Optional<Spawn> spawn) {
        this(backends, extensions, connectTimeout, responseTimeout, spawn, Optional.empty());
    }

    /**
     * Servers that run on their own: the constructor before {@code spawn} was added.
     *
     * @param backends        at least one {@code fcgi://host:port}
     * @param extensions      at least one, each starting with a dot
     * @param connectTimeout  more than 0
     * @param responseTimeout more than 0
     * @throws IllegalArgumentException when a list is empty, a backend is not {@code fcgi://host:port}, an
     *                                  extension does not start with a dot, or a timeout is not positive
     * @throws NullPointerException     when a component is null
     */
    public FastCgiConfig(List<URI> backends, List<String> extensions, Duration connectTimeout, Duration responseTimeout) {
        this(backends, extensions, connectTimeout, responseTimeout, Optional.empty(), Optional.empty());
    }

    /**
     * Whether {@code backend} is a server on a Unix-domain socket, {@code unix:/path} (written so in YAML too): its
     * socket file need not exist when the configuration is loaded; while it is missing, scripts are answered 502.
     *
     * @param backend one of {@link #backends()}
     * @return whether its scheme is {@code unix}
     */
    public static boolean isUnixSocket(URI backend) {
        return "unix".equals(backend.getScheme());
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

    /**
     * Whether {@code path} can name a front controller: a URL path inside the document root ({@code /} first, no
     * {@code .} or {@code ..} segment, no backslash, NUL or {@code ?}) whose name ends in one of {@code extensions}.
     */
    private static boolean isScriptPath(String path, List<String> extensions) {
        if (!path.startsWith("/") || path.endsWith("/") || path.indexOf('\\') >= 0 || path.indexOf('\0') >= 0
                || path.indexOf('?') >= 0) {
            return false;
        }
        for (String segment : path.substring(1).split("/", -1)) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return extensions.stream().anyMatch(path::endsWith);
    }

    /**
     * {@code fastcgi.spawn}: php-cgi processes that the gateway starts with the handler tree, restarts when they die
     * and stops with it, as lighttpd's {@code bin-path} does. Each process is a php-cgi master bound to its own
     * port on 127.0.0.1, running {@code children} workers; the processes are the FastCGI servers, balanced like
     * backends. The defaults are those of Debian's lighttpd ({@code 15-fastcgi-php.conf}).
     *
     * @param command     the program and its arguments, split at spaces as lighttpd splits {@code bin-path}; the
     *                    gateway adds {@code -b 127.0.0.1:PORT}
     * @param processes   php-cgi masters, each on its own port (lighttpd's {@code max-procs})
     * @param children    workers each master forks ({@code PHP_FCGI_CHILDREN}); 0, the master serves alone
     * @param maxRequests requests a worker serves before it is replaced ({@code PHP_FCGI_MAX_REQUESTS})
     */
    public record Spawn(String command, int processes, int children, int maxRequests) {

        /** {@code spawn.command} when not given: Debian's {@code bin-path}. */
        public static final String DEFAULT_COMMAND = "/usr/bin/php-cgi";
        /** {@code spawn.processes} when not given: Debian's lighttpd {@code max-procs}. */
        public static final int DEFAULT_PROCESSES = 1;
        /** {@code spawn.children} when not given: Debian's lighttpd {@code PHP_FCGI_CHILDREN}. */
        public static final int DEFAULT_CHILDREN = 4;
        /** {@code spawn.maxRequests} when not given: Debian's lighttpd {@code PHP_FCGI_MAX_REQUESTS}. */
        public static final int DEFAULT_MAX_REQUESTS = 10_000;

        /**
         * Checks the numbers; the command is checked when the configuration is read (it must name an executable
         * file) and when the processes start.
         *
         * @param command     not blank
         * @param processes   1 to 64
         * @param children    0 to 1000
         * @param maxRequests 1 or more
         * @throws IllegalArgumentException when the command is blank or a number is out of its range
         * @throws NullPointerException     when {@code command} is null
         */
        public Spawn {
            if (command.isBlank()) {
                throw new IllegalArgumentException("fastcgi.spawn.command: name the program, like /usr/bin/php-cgi");
            }
            if (processes < 1 || processes > 64 || children < 0 || children > 1000 || maxRequests < 1) {
                throw new IllegalArgumentException("fastcgi.spawn: processes must be 1 to 64, children 0 to 1000 and "
                        + "maxRequests 1 or more; got " + processes + ", " + children + " and " + maxRequests);
            }
        }

        /**
         * @return the FastCGI connections each process serves at once: {@code children}, or 1 when the master serves
         *         alone
         */
        public int workers() {
            return Math.max(children, 1);
        }

        /** @return {@link #command()} split at spaces and tabs, as lighttpd splits {@code bin-path} (no quoting) */
        public List<String> commandLine() {
            return List.of(command.trim().split("[ \t]+"));
        }
    }
}
