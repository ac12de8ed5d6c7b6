package io.gatehouse.files;

import io.gatehouse.config.FilesConfig;
import io.gatehouse.routing.RequestHost;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import io.undertow.util.StatusCodes;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Serves a vhost's local files, like lighttpd with mod_evhost, mod_access and mod_dirlisting.
 *
 * <p>Contract, in the order it is applied:
 * <ol>
 *   <li>Methods other than GET and HEAD: 405 with {@code Allow: GET, HEAD}.</li>
 *   <li>Document root: {@code root} expanded with the request host's evhost tokens; when that directory does not
 *       exist, {@code fallbackRoot}; when neither exists, 404. A host holding {@code /}, {@code \} or {@code ..}
 *       is never put into a path: 400.</li>
 *   <li>The decoded path is normalised; {@code ..} above the root, a backslash or a NUL: 400.</li>
 *   <li>A path ending with a {@code deny} suffix (see {@link DenyList}): 403, checked on the request path and
 *       again on the real path of whatever it resolves to (symbolic links, index files).</li>
 *   <li>Missing: 404. Resolving (through symbolic links) to anything outside the root's real path: 403, as nginx
 *       {@code disable_symlinks on}. Unreadable: 403.</li>
 *   <li>A directory: without a trailing slash, 301 to the slash form keeping the query; else the first
 *       {@code index} file that exists; else a listing when {@code listing} is on; else 403.</li>
 *   <li>A regular file: see {@link FileSender}; Range is ignored when the normalised path matches a
 *       {@code noRanges} regex. Anything else (FIFO, socket, device): 404.</li>
 * </ol>
 * Blocking work runs on a worker thread; the handler dispatches itself there when called on an I/O thread.
 */
public final class FileServer implements HttpHandler {

    private static final Logger LOG = Logger.getLogger(FileServer.class.getName());
    private static final String ALLOW = "GET, HEAD";

    private final EvhostPattern root;
    private final Optional<Path> fallbackRoot;
    private final List<String> index;
    private final DenyList deny;
    private final boolean listing;
    private final List<Pattern> noRanges;

    private FileServer(FilesConfig files) {
        this.root = EvhostPattern.parse(files.root());
        this.fallbackRoot = files.fallbackRoot();
        this.index = files.index();
        this.deny = new DenyList(files.deny());
        this.listing = files.listing();
        this.noRanges = files.noRanges();
    }

    /**
     * A handler for {@code files}.
     *
     * @throws IllegalArgumentException when {@code files.root()} is not a valid evhost pattern
     */
    public static FileServer create(FilesConfig files) {
        return new FileServer(files);
    }

    @Override
    public void handleRequest(HttpServerExchange exchange) {
        HttpString method = exchange.getRequestMethod();
        if (!method.equals(Methods.GET) && !method.equals(Methods.HEAD)) {
            exchange.getResponseHeaders().put(Headers.ALLOW, ALLOW);
            Responses.status(exchange, StatusCodes.METHOD_NOT_ALLOWED);
            return;
        }
        if (exchange.isInIoThread()) {
            exchange.dispatch(this);
            return;
        }
        String host = RequestHost.of(exchange);
        if (host.indexOf('/') >= 0 || host.indexOf('\\') >= 0 || host.contains("..") || host.indexOf('\0') >= 0) {
            Responses.status(exchange, StatusCodes.BAD_REQUEST);
            return;
        }
        SitePath path = SitePath.parse(exchange.getRelativePath());
        SitePath requestPath = SitePath.parse(exchange.getRequestPath());
        if (path == null || requestPath == null) {
            Responses.status(exchange, StatusCodes.BAD_REQUEST);
            return;
        }
        if (deny.denies(path.decoded())) {
            Responses.status(exchange, StatusCodes.FORBIDDEN);
            return;
        }
        Optional<Path> documentRoot = documentRoot(host);
        if (documentRoot.isEmpty()) {
            Responses.status(exchange, StatusCodes.NOT_FOUND);
            return;
        }
        try {
            serve(exchange, documentRoot.get(), path, requestPath);
        } catch (NoSuchFileException | NotDirectoryException e) {
            Responses.status(exchange, StatusCodes.NOT_FOUND);
        } catch (AccessDeniedException e) {
            Responses.status(exchange, StatusCodes.FORBIDDEN);
        } catch (IOException e) {
            LOG.warning("cannot serve " + path.decoded() + " for host " + host + ": " + e);
            Responses.status(exchange, StatusCodes.INTERNAL_SERVER_ERROR);
        }
    }

    /** The real path of the expanded root, or of the fallback root, whichever is a directory first. */
    private Optional<Path> documentRoot(String host) {
        if (!host.isEmpty() || !root.usesHost()) {
            Optional<Path> expanded = realDirectory(Path.of(root.expand(host)));
            if (expanded.isPresent()) {
                return expanded;
            }
        }
        return fallbackRoot.flatMap(FileServer::realDirectory);
    }

    private static Optional<Path> realDirectory(Path directory) {
        try {
            Path real = directory.toRealPath();
            return Files.isDirectory(real) ? Optional.of(real) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void serve(HttpServerExchange exchange, Path rootReal, SitePath path, SitePath requestPath)
            throws IOException {
        Path real = resolve(exchange, rootReal, path.relative());
        if (real == null) {
            return;
        }
        if (Files.isRegularFile(real)) {
            FileSender.send(exchange, real, rangesAllowed(requestPath));
            return;
        }
        if (!Files.isDirectory(real)) {
            // A FIFO would block the open, a device would stream forever: only regular files are content.
            Responses.status(exchange, StatusCodes.NOT_FOUND);
            return;
        }
        if (!path.trailingSlash()) {
            String query = exchange.getQueryString();
            exchange.getResponseHeaders().put(Headers.LOCATION,
                    requestPath.asDirectory().encoded() + (query.isEmpty() ? "" : "?" + query));
            Responses.status(exchange, StatusCodes.MOVED_PERMANENTLY);
            return;
        }
        for (String name : index) {
            if (Files.isRegularFile(real.resolve(name))) {
                Path indexFile = resolve(exchange, rootReal, path.segments().isEmpty() ? name : path.relative() + "/" + name);
                if (indexFile != null) {
                    FileSender.send(exchange, indexFile, rangesAllowed(requestPath));
                }
                return;
            }
        }
        if (!listing) {
            Responses.status(exchange, StatusCodes.FORBIDDEN);
            return;
        }
        DirectoryListing.send(exchange, requestPath, visibleEntries(rootReal, real, path));
    }

    /**
     * The real path of {@code relative} under the root, or {@code null} after answering 403 when it leaves the
     * root through a symbolic link or its real path ends with a denied suffix.
     *
     * @throws NoSuchFileException when it does not exist (also for a dangling link)
     */
    private Path resolve(HttpServerExchange exchange, Path rootReal, String relative) throws IOException {
        Path real = rootReal.resolve(relative).toRealPath();
        if (!real.startsWith(rootReal)) {
            LOG.fine(() -> "refused /" + relative + ": symbolic link leads outside " + rootReal);
            Responses.status(exchange, StatusCodes.FORBIDDEN);
            return null;
        }
        if (deny.denies("/" + rootReal.relativize(real))) {
            Responses.status(exchange, StatusCodes.FORBIDDEN);
            return null;
        }
        return real;
    }

    private boolean rangesAllowed(SitePath requestPath) {
        String decoded = requestPath.decoded();
        return noRanges.stream().noneMatch(p -> p.matcher(decoded).find());
    }

    /**
     * The entries a client could actually fetch: no dot files (hidden by nginx autoindex and lighttpd
     * mod_dirlisting alike), no denied names, no links leading outside the root or nowhere. Directories first,
     * then files, each by name.
     */
    private List<DirectoryListing.Entry> visibleEntries(Path rootReal, Path directory, SitePath path)
            throws IOException {
        List<DirectoryListing.Entry> entries = new ArrayList<>();
        try (DirectoryStream<Path> children = Files.newDirectoryStream(directory)) {
            for (Path child : children) {
                String name = child.getFileName().toString();
                if (name.startsWith(".") || deny.denies(path.decoded() + name)) {
                    continue;
                }
                Path real;
                try {
                    real = child.toRealPath();
                } catch (IOException e) {
                    continue;
                }
                if (real.startsWith(rootReal) && !deny.denies("/" + rootReal.relativize(real))) {
                    entries.add(new DirectoryListing.Entry(name, Files.isDirectory(real)));
                }
            }
        }
        entries.sort(Comparator.comparing((DirectoryListing.Entry e) -> !e.directory())
                .thenComparing(DirectoryListing.Entry::name));
        return entries;
    }
}
