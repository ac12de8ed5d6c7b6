package io.gatehouse.internal.files;

import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.internal.proxy.FastCgiScript;
import io.gatehouse.internal.http.ErrorResponses;
import io.gatehouse.internal.vhosts.RequestHost;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Serves local files, like lighttpd with mod_evhost, mod_access, mod_dirlisting and mod_staticfile, plus nginx's
 * gzip_static, expires, error_page and disable_symlinks. See {@code src-docs/files.md} for the whole contract.
 *
 * <p>In the order it is applied:
 * <ol>
 *   <li>Document root: {@code root} expanded with the request host's evhost tokens; when that directory does not
 *       exist, or the host names no site under it ({@link EvhostPattern#namesSite}), {@code fallbackRoot}; when
 *       neither exists, 404. A host holding {@code /}, {@code \} or {@code ..} is never put into a path: 400.</li>
 *   <li>Methods other than GET and HEAD: 405 with {@code Allow: GET, HEAD}.</li>
 *   <li>The decoded path is normalised; {@code ..} above the root, a backslash or a NUL: 400.</li>
 *   <li>{@link PathPolicy}: a denied suffix, or a dot segment under {@code dotfiles: deny}: 403, checked on the
 *       request path and again on the real path of whatever it resolves to; a symbolic link the {@code symlinks}
 *       rule refuses, or one that cannot be resolved: 403. The file is then opened without following any link
 *       below the root ({@link PathPolicy#open}), so a rename after the check cannot change what is sent.</li>
 *   <li>Missing (or going on below a file): the {@code fastcgi.frontController} script when one is configured,
 *       else 404. Unreadable: 403.</li>
 *   <li>A directory: without a trailing slash, 301 to the slash form keeping the query; else the first
 *       {@code index} file that exists; else a listing when {@code listing} is on; else 403.</li>
 *   <li>A regular file whose name, or the name of the file it resolves to, ends with a {@code staticExclude}
 *       extension (or with one and {@code .gz}/{@code .br}, a sibling holding it): 403, as lighttpd's
 *       mod_staticfile refuses {@code static-file.exclude-extensions}; so is an index file with one (the first
 *       index file that exists is the answer, as lighttpd's mod_indexfile picks it). A missing one stays 404, a
 *       directory named like one is still a directory, and a listing still names such files.</li>
 *   <li>A regular file: a precompressed sibling or on-the-fly gzip when enabled and accepted, then
 *       {@link FileSender}; Range is ignored when the path matches a {@code noRanges} regex. Anything else (FIFO,
 *       socket, device): 404.</li>
 * </ol>
 * Errors this handler answers (400, 403, 404, 405, 500) use the vhost's {@code errorPages} when one is configured
 * and can be served, else the plain {@link ErrorResponses} answer. Blocking work runs on a worker thread; the
 * handler dispatches itself there when called on an I/O thread, except for a request whose URL names a script
 * that runs: its path is resolved (file system metadata calls only, no file read) and handed to the FastCGI proxy
 * on the I/O thread, as nginx and lighttpd resolve it in their event loop.
 */
public final class FileServer implements HttpHandler {

    private static final Logger LOG = System.getLogger(FileServer.class.getName());
    private static final String ALLOW = "GET, HEAD";
    private static final int HASH_CACHE_ENTRIES = 4096;

    private final EvhostPattern root;
    private final Optional<Path> fallbackRoot;
    private final List<String> index;
    private final PathPolicy policy;
    private final DenyList staticExclude;
    private final boolean listing;
    private final List<Pattern> noRanges;
    private final MimeTypes mimeTypes;
    private final boolean precompressed;
    private final FilesConfig.Gzip gzip;
    private final String cacheControl;
    private final Map<Integer, String> errorPages;
    private final ContentHashes hashes = new ContentHashes(HASH_CACHE_ENTRIES);
    private final RealRoots realRoots = new RealRoots();
    /** Runs the scripts {@link #fastcgi} names; null when the action runs none. */
    private final HttpHandler scripts;
    private final FastCgiConfig fastcgi;
    /** {@code fastcgi.frontController}; null when there is none. */
    private final String frontController;

    private FileServer(FilesConfig files, HttpHandler scripts) {
        this.scripts = files.fastcgi().isPresent() ? scripts : null;
        this.fastcgi = files.fastcgi().orElse(null);
        this.frontController = files.fastcgi().flatMap(FastCgiConfig::frontController).orElse(null);
        this.root = EvhostPattern.parse(files.root());
        this.fallbackRoot = files.fallbackRoot();
        this.index = files.index();
        this.policy = new PathPolicy(new DenyList(files.deny()), files.dotfiles(), files.symlinks());
        this.staticExclude = new DenyList(files.staticExclude());
        this.listing = files.listing();
        this.noRanges = files.noRanges();
        this.mimeTypes = new MimeTypes(files.mimeTypes());
        this.precompressed = files.precompressed();
        this.gzip = files.gzip();
        this.cacheControl = cacheControl(files.cache());
        this.errorPages = files.errorPages();
    }

    /**
     * A handler for {@code files}. Public for the handler tree in {@code io.gatehouse}, and for an application that
     * mounts a file server of its own (src-docs/embedding.md). The handler is immutable apart from its thread-safe
     * ETag cache and document root cache ({@link RealRoots}), so one instance serves every thread.
     *
     * @param files the action's configuration
     * @return the handler, ready to serve
     * @throws IllegalArgumentException when {@code files.root()} is not a valid evhost pattern
     */
    public static FileServer create(FilesConfig files) {
        return new FileServer(files, null);
    }

    /**
     * A handler for {@code files} whose {@code fastcgi} scripts run on {@code scripts}: a request whose first
     * existing file on its path (or whose directory's first index file) ends in one of the FastCGI extensions is
     * resolved under the same rules as a file (deny list, dot files, symbolic links), gets its
     * {@link FastCgiScript}, and goes to {@code scripts}, whatever its method; every other request is a file
     * request. Without {@code fastcgi} configured, {@code scripts} is never used.
     *
     * @param files   the action's configuration
     * @param scripts the FastCGI proxy ({@link io.gatehouse.internal.proxy.ReverseProxy#fastCgi})
     * @return the handler, ready to serve
     * @throws IllegalArgumentException when {@code files.root()} is not a valid evhost pattern
     */
    public static FileServer create(FilesConfig files, HttpHandler scripts) {
        return new FileServer(files, scripts);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        if (exchange.isInIoThread()) {
            // A script its URL names is run from here, as nginx and lighttpd resolve it in their event loop: a few
            // stat calls cost less than the two thread hand-offs a worker thread would add to each script run.
            if (scripts == null || !namesScript(exchange.getRelativePath()) || !runNamedScript(exchange)) {
                exchange.dispatch(this);
            }
            return;
        }
        String host = RequestHost.of(exchange);
        if (!isSafeHost(host)) {
            ErrorResponses.send(exchange, StatusCodes.BAD_REQUEST);
            return;
        }
        Path documentRoot = documentRoot(host).orElse(null);
        if (scripts != null && documentRoot != null && runScript(exchange, documentRoot, false)) {
            return;
        }
        HttpString method = exchange.getRequestMethod();
        if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, ALLOW);
            fail(exchange, documentRoot, StatusCodes.METHOD_NOT_ALLOWED);
            return;
        }
        SitePath path = SitePath.parse(exchange.getRelativePath());
        SitePath requestPath = SitePath.parse(exchange.getRequestPath());
        if (path == null || requestPath == null) {
            fail(exchange, documentRoot, StatusCodes.BAD_REQUEST);
            return;
        }
        if (!policy.allows(path.decoded())) {
            fail(exchange, documentRoot, StatusCodes.FORBIDDEN);
            return;
        }
        if (documentRoot == null) {
            ErrorResponses.send(exchange, StatusCodes.NOT_FOUND);
            return;
        }
        try {
            serve(exchange, documentRoot, path, requestPath);
        } catch (IOException e) {
            failOn(exchange, documentRoot, e, "serve " + path.decoded() + " for host " + host);
        }
    }

    /** A host holding {@code /}, {@code \\}, {@code ..} or NUL is never put into a path. */
    private static boolean isSafeHost(String host) {
        return host.indexOf('/') < 0 && host.indexOf('\\') < 0 && !host.contains("..") && host.indexOf('\0') < 0;
    }

    /** Whether a segment of {@code path} ends in a FastCGI extension: the request may run a script its URL names. */
    private boolean namesScript(String path) {
        for (String extension : fastcgi.extensions()) {
            for (int at = path.indexOf(extension); at >= 0; at = path.indexOf(extension, at + 1)) {
                int end = at + extension.length();
                if (end == path.length() || path.charAt(end) == '/') {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * On the IO thread: runs the script the path names, if the path rules let it run; false leaves the request,
     * and any answer the file rules give (400, 403, 404, a front controller, an error page read from disk), to a
     * worker thread, which resolves it again.
     */
    private boolean runNamedScript(HttpServerExchange exchange) {
        String host = RequestHost.of(exchange);
        Path documentRoot = isSafeHost(host) ? documentRoot(host).orElse(null) : null;
        return documentRoot != null && runScript(exchange, documentRoot, true);
    }

    /**
     * Answers what {@code e} means for the request: nothing there (a missing file, or a path that goes on below a
     * file) is 404, no access 403; anything else is 500, logged with {@code what} was attempted.
     */
    private void failOn(HttpServerExchange exchange, Path rootReal, Exception e, String what) {
        if (e instanceof NoSuchFileException || e instanceof NotDirectoryException) {
            fail(exchange, rootReal, StatusCodes.NOT_FOUND);
        } else if (e instanceof AccessDeniedException) {
            fail(exchange, rootReal, StatusCodes.FORBIDDEN);
        } else {
            if (LOG.isLoggable(Level.WARNING)) {
                LOG.log(Level.WARNING, "cannot " + what + ": " + e);
            }
            fail(exchange, rootReal, StatusCodes.INTERNAL_SERVER_ERROR);
        }
    }

    /**
     * Hands the request to {@link #scripts} when it names a script, as lighttpd splits a path: at its first
     * component that is an existing regular file (the rest is {@code PATH_INFO}); that file, or a directory's first
     * existing index file, runs when its name ends in a FastCGI extension. A path that names nothing runs the front
     * controller when there is one. False leaves the request to the file path: no script, or a path the file rules
     * answer (400, 403, 404), or a file with path info that is not a script ({@code /x.jpg/foo.php}: 404 as for
     * files, or the front controller; never {@code x.jpg}). With {@code runOnly}, nothing is answered: false also
     * for a path that would run the front controller or get an error.
     */
    private boolean runScript(HttpServerExchange exchange, Path rootReal, boolean runOnly) {
        SitePath path = SitePath.parse(exchange.getRelativePath());
        SitePath requestPath = SitePath.parse(exchange.getRequestPath());
        if (path == null || requestPath == null || !policy.allows(path.decoded())) {
            return false;
        }
        List<String> segments = path.segments();
        // A route's prefix is part of the request path, not of the path below the root.
        int prefix = requestPath.segments().size() - segments.size();
        if (prefix < 0) {
            return false;
        }
        Path current = rootReal;
        Walk walk = new Walk();
        for (int i = 0; i < segments.size(); i++) {
            current = current.resolve(segments.get(i));
            BasicFileAttributes attributes = walk.look(current);
            if (attributes != null && attributes.isRegularFile()) {
                if (!fastcgi.runs(segments.get(i))) {
                    // /x.jpg/more names nothing, as a missing file does; /x.jpg is the file
                    return i + 1 < segments.size() && !runOnly
                            && runFrontController(exchange, rootReal, path, requestPath, prefix);
                }
                String pathInfo = i + 1 == segments.size() ? ""
                        : "/" + String.join("/", segments.subList(i + 1, segments.size())) + (path.trailingSlash() ? "/" : "");
                String name = "/" + String.join("/", requestPath.segments().subList(0, prefix + i + 1));
                return run(exchange, rootReal, String.join("/", segments.subList(0, i + 1)), name, pathInfo, runOnly,
                        !walk.linked);
            }
            if (attributes == null || !attributes.isDirectory()) {
                return !runOnly && runFrontController(exchange, rootReal, path, requestPath, prefix);
            }
        }
        if (!path.trailingSlash()) {
            return false;
        }
        for (String name : index) {
            BasicFileAttributes attributes = walk.look(current.resolve(name));
            if (attributes != null && attributes.isRegularFile()) {
                return fastcgi.runs(name) && run(exchange, rootReal, segments.isEmpty() ? name : path.relative() + "/" + name,
                        requestPath.decoded() + name, "", runOnly, !walk.linked);
            }
        }
        return false;
    }

    /**
     * The names on the way to a script, looked at one at a time from the real document root without following
     * them, as the walk goes: one {@code lstat} per name, and a second only for a symbolic link. When none was a
     * link, the script's path as written is its real path, which spares resolving it again (a {@code readlink} per
     * component and a {@code stat}, on every request). A name swapped for a link after it was looked at is what
     * resolving it again would not have stopped either: PHP opens the script by name after any check.
     */
    private static final class Walk {
        /** Whether a name looked at so far was a symbolic link. */
        boolean linked;

        /** The attributes of what {@code path} names, through a link when it is one; null when nothing is there. */
        BasicFileAttributes look(Path path) {
            try {
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!attributes.isSymbolicLink()) {
                    return attributes;
                }
                linked = true;
                return Files.readAttributes(path, BasicFileAttributes.class);
            } catch (IOException e) {
                return null;
            }
        }
    }

    /**
     * Runs the front controller, when one is configured, for a path the file rules answer 404 because it names
     * nothing (missing, or going on below a file), as nginx's {@code try_files $uri $uri/ /index.php} does: its
     * {@code SCRIPT_NAME} is the controller below the route's prefix, with no {@code PATH_INFO}; {@code REQUEST_URI}
     * and {@code QUERY_STRING} stay the client's. False leaves the request to the file path: no controller, or a
     * path those rules refuse (403) or find after all.
     */
    private boolean runFrontController(HttpServerExchange exchange, Path rootReal, SitePath path, SitePath requestPath,
                                       int prefix) {
        if (frontController == null) {
            return false;
        }
        try {
            policy.resolve(rootReal, path.relative());
            return false;
        } catch (NoSuchFileException | NotDirectoryException e) {
            // names nothing: the request the front controller is for
        } catch (IOException e) {
            return false;
        }
        String name = prefix == 0 ? frontController
                : "/" + String.join("/", requestPath.segments().subList(0, prefix)) + frontController;
        return run(exchange, rootReal, frontController.substring(1), name, "", false, false);
    }

    /**
     * Runs the script {@code relative} names if the path rules allow it; answers 403 or 404 if not, or with
     * {@code runOnly} answers nothing and returns false. {@code unlinked}: {@code relative} was just seen to be a
     * regular file reached through no symbolic link ({@link Walk}), so its real path is the path as written.
     */
    private boolean run(HttpServerExchange exchange, Path rootReal, String relative, String name, String pathInfo,
                        boolean runOnly, boolean unlinked) {
        try {
            Path real = unlinked ? policy.unlinked(rootReal, relative) : policy.resolve(rootReal, relative);
            if (real == null || !unlinked && !Files.isRegularFile(real)) {
                if (!runOnly) {
                    fail(exchange, rootReal, real == null ? StatusCodes.FORBIDDEN : StatusCodes.NOT_FOUND);
                }
                return !runOnly;
            }
            new FastCgiScript(real.toString(), name, pathInfo, rootReal.toString()).attachTo(exchange);
            scripts.handleRequest(exchange);
        } catch (Exception e) {
            if (runOnly) {
                return false;
            }
            failOn(exchange, rootReal, e, "run " + relative);
        }
        return true;
    }

    /**
     * The real path of the expanded root, or of the fallback root, whichever is a directory first. A host that
     * names no site under the pattern (an address, a name short of a label the pattern uses) gets the fallback.
     */
    private Optional<Path> documentRoot(String host) {
        if (!root.usesHost() || root.namesSite(host)) {
            Path expanded = realRoots.of(root.expand(host));
            if (expanded != null) {
                return Optional.of(expanded);
            }
        }
        return fallbackRoot.map(fallback -> realRoots.of(fallback.toString()));
    }

    private void serve(HttpServerExchange exchange, Path rootReal, SitePath path, SitePath requestPath)
            throws IOException {
        Path real = policy.resolve(rootReal, path.relative());
        if (real == null) {
            fail(exchange, rootReal, StatusCodes.FORBIDDEN);
            return;
        }
        if (Files.isRegularFile(real)) {
            sendFile(exchange, rootReal, path.relative(), real, requestPath);
            return;
        }
        if (!Files.isDirectory(real)) {
            // A FIFO would block the open, a device would stream forever: only regular files are content.
            fail(exchange, rootReal, StatusCodes.NOT_FOUND);
            return;
        }
        if (!path.trailingSlash()) {
            String query = exchange.getQueryString();
            exchange.getResponseHeaders().put(Headers.LOCATION,
                    requestPath.asDirectory().encoded() + (query.isEmpty() ? "" : "?" + query));
            ErrorResponses.send(exchange, StatusCodes.MOVED_PERMANENTLY);
            return;
        }
        for (String name : index) {
            if (Files.isRegularFile(real.resolve(name))) {
                String relative = path.segments().isEmpty() ? name : path.relative() + "/" + name;
                Path indexFile = policy.resolve(rootReal, relative);
                if (indexFile == null) {
                    fail(exchange, rootReal, StatusCodes.FORBIDDEN);
                } else {
                    sendFile(exchange, rootReal, relative, indexFile, requestPath);
                }
                return;
            }
        }
        if (!listing) {
            fail(exchange, rootReal, StatusCodes.FORBIDDEN);
            return;
        }
        DirectoryListing.send(exchange, requestPath, visibleEntries(rootReal, real, path));
    }

    /**
     * Sends {@code real} (what {@code relative} resolved to), or its precompressed sibling, or its gzip stream,
     * whichever the configuration allows and the client accepts best; the one chosen is opened through
     * {@link PathPolicy#open}, so a sibling swapped for a link is refused like the file itself would be.
     * {@code Vary: Accept-Encoding} goes on every answer whose representation depends on that header, including
     * the uncompressed one.
     */
    private void sendFile(HttpServerExchange exchange, Path rootReal, String relative, Path real, SitePath requestPath)
            throws IOException {
        String name = real.getFileName().toString();
        if (isScript(relative, name)) {
            fail(exchange, rootReal, StatusCodes.FORBIDDEN);
            return;
        }
        String type = mimeTypes.of(name);
        boolean ranges = noRanges.stream().noneMatch(p -> p.matcher(requestPath.decoded()).find());
        QualityValues accepted = QualityValues.parse(exchange.getRequestHeaders().get(Headers.ACCEPT_ENCODING));
        boolean varies = false;
        Path chosen = real;
        Coding coding = null;
        double best = 0;
        if (precompressed) {
            for (Coding candidate : Coding.values()) {
                Path sibling = real.resolveSibling(name + candidate.suffix);
                if (Files.isRegularFile(sibling, LinkOption.NOFOLLOW_LINKS)) {
                    varies = true;
                    double weight = accepted.of(candidate.token, "*");
                    if (weight > best) {
                        best = weight;
                        chosen = sibling;
                        coding = candidate;
                    }
                }
            }
        }
        boolean gzipNow = false;
        if (coding == null && gzip.enabled() && compressible(type) && Files.size(real) >= gzip.minSize()) {
            varies = true;
            boolean rangeAsked = ranges && exchange.getRequestHeaders().contains(Headers.RANGE);
            gzipNow = !rangeAsked && accepted.of("gzip", "*") > 0;
        }
        OpenedFile file = policy.open(rootReal, relative, real, chosen);
        if (file == null) {
            fail(exchange, rootReal, StatusCodes.FORBIDDEN);
            return;
        }
        if (varies) {
            exchange.getResponseHeaders().put(Headers.VARY, "Accept-Encoding");
        }
        FileSender.send(exchange, file,
                new FileSender.Delivery(type, coding == null ? null : coding.token, gzipNow, ranges, cacheControl), hashes);
    }

    /**
     * Whether {@code staticExclude} keeps the file {@code relative} names from being sent: that name or
     * {@code realName}, the name of the file it resolves to (a link to a script holds the script), ends with an
     * excluded extension, alone or followed by a precompressed sibling's suffix. Extensions hold no {@code /}, so
     * matching the end of the relative path matches its last segment.
     */
    private boolean isScript(String relative, String realName) {
        return staticExclude.denies(relative) || staticExclude.denies(realName);
    }

    private boolean compressible(String contentType) {
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).strip().toLowerCase(Locale.ROOT);
        String anySubtype = type.substring(0, type.indexOf('/') + 1) + "*";
        return gzip.types().contains(type) || gzip.types().contains(anySubtype);
    }

    /**
     * Answers {@code status} with the configured error page when there is one and it can be served (it is
     * resolved inside {@code rootReal} under the same rules as any request, and served without validators);
     * otherwise, or when there is no document root, the plain answer. Never recursive: a failing page ends in the
     * plain answer.
     */
    private void fail(HttpServerExchange exchange, Path rootReal, int status) {
        String page = errorPages.get(status);
        if (page != null && rootReal != null && !exchange.isResponseStarted()) {
            try {
                SitePath pagePath = SitePath.parse(page);
                Path real = pagePath != null && policy.allows(pagePath.decoded())
                        ? policy.resolve(rootReal, pagePath.relative()) : null;
                OpenedFile file = real != null && Files.isRegularFile(real)
                        && !isScript(pagePath.relative(), real.getFileName().toString())
                        ? policy.open(rootReal, pagePath.relative(), real) : null;
                if (file != null) {
                    HeaderMap headers = exchange.getResponseHeaders();
                    headers.remove(Headers.ETAG);
                    headers.remove(Headers.LAST_MODIFIED);
                    headers.remove(Headers.ACCEPT_RANGES);
                    headers.remove(Headers.CACHE_CONTROL);
                    headers.remove(Headers.VARY);
                    FileSender.sendPage(exchange, file, mimeTypes.of(real.getFileName().toString()), status);
                    return;
                }
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, "error page " + page + " for " + status + " is not a servable file under " + rootReal);
                }
            } catch (IOException e) {
                if (LOG.isLoggable(Level.DEBUG)) {
                    LOG.log(Level.DEBUG, "error page " + page + " for " + status + " cannot be served: " + e);
                }
            }
        }
        ErrorResponses.send(exchange, status);
    }

    /**
     * The entries a client could actually fetch: no dot files (hidden by nginx autoindex and lighttpd
     * mod_dirlisting alike, whatever {@code dotfiles} says), nothing {@link PathPolicy} refuses, no dangling links.
     */
    private List<DirectoryListing.Entry> visibleEntries(Path rootReal, Path directory, SitePath path)
            throws IOException {
        List<DirectoryListing.Entry> entries = new ArrayList<>();
        String prefix = path.segments().isEmpty() ? "" : path.relative() + "/";
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.startsWith(".") || !policy.allows(path.decoded() + name)) {
                    continue;
                }
                try {
                    Path real = policy.resolve(rootReal, prefix + name);
                    if (real != null) {
                        BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
                        entries.add(new DirectoryListing.Entry(name, attributes.isDirectory(),
                                attributes.isDirectory() ? 0 : attributes.size(), attributes.lastModifiedTime().toInstant()));
                    }
                } catch (IOException e) {
                    // dangling or vanished while listing: not something a client could fetch
                }
            }
        }
        return entries;
    }

    /** nginx {@code expires}-style {@code max-age}, plus RFC 8246 {@code immutable}; null for no header. */
    private static String cacheControl(FilesConfig.Cache cache) {
        List<String> directives = new ArrayList<>();
        cache.maxAge().ifPresent(age -> directives.add("max-age=" + age.toSeconds()));
        if (cache.immutable()) {
            directives.add("immutable");
        }
        return directives.isEmpty() ? null : String.join(", ", directives);
    }
}
