package io.gatehouse.internal.files;

import io.gatehouse.config.FilesConfig.Dotfiles;
import io.gatehouse.config.FilesConfig.Symlinks;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;

/**
 * What may be served below a document root: the {@code deny} suffixes, the {@code dotfiles} rule and the
 * {@code symlinks} rule, applied to the request path before lookup and again to the real path of whatever it
 * resolves to, so neither a link nor an index file nor another spelling reaches a refused file; then held on the
 * file actually opened ({@link #open}), so no rename between the check and the open does either.
 */
final class PathPolicy {

    private static final Logger LOG = System.getLogger(PathPolicy.class.getName());
    /** RFC 8615: ACME challenges and security.txt live here and must be reachable even when dot files are denied. */
    private static final String WELL_KNOWN = ".well-known";

    private final DenyList deny;
    private final Dotfiles dotfiles;
    private final Symlinks symlinks;

    PathPolicy(DenyList deny, Dotfiles dotfiles, Symlinks symlinks) {
        this.deny = deny;
        this.dotfiles = dotfiles;
        this.symlinks = symlinks;
    }

    /**
     * Whether a decoded, normalised path relative to the root ({@code /a/b}, no {@code .} or {@code ..} segments)
     * may be served: no denied suffix, and under {@code dotfiles: deny} no segment starting with a dot except a
     * first segment {@code .well-known}.
     */
    boolean allows(String path) {
        return !deny.denies(path) && !(dotfiles == Dotfiles.DENY && hasDotSegment(path, true));
    }

    /**
     * The real path of {@code relative} (plain segments joined by {@code /}, empty for the root itself) below
     * {@code rootReal}, or {@code null} when the symbolic link rule, the deny list or the dot file rule refuses it,
     * or when a link on the way cannot be resolved (a loop) (the caller answers 403). The answer is a decision on
     * names: {@link #open} makes it hold for the file actually opened.
     *
     * @throws NoSuchFileException  when it does not exist (also for a dangling link)
     * @throws NotDirectoryException when a name before its last is an existing file ({@code /x.jpg/more}): it
     *                               names nothing, like a missing file
     */
    Path resolve(Path rootReal, String relative) throws IOException {
        try {
            return resolveNames(rootReal, relative);
        } catch (NoSuchFileException | AccessDeniedException | NotDirectoryException e) {
            throw e;
        } catch (FileSystemException e) {
            // Java reports ENOTDIR only as a message too: look for the file that ends the path early
            if (fileOnTheWay(rootReal, relative)) {
                throw new NotDirectoryException(relative);
            }
            // Java reports ELOOP only as a message: a failure that involves a link is the link's fault
            if (linksOnTheWay(rootReal, relative, link -> true) == 0) {
                throw e;
            }
            refused(relative, "a symbolic link on the way cannot be resolved: ", e.getReason());
            return null;
        }
    }

    /**
     * {@link #resolve} for a {@code relative} whose every name was just seen not to be a symbolic link: its path as
     * written below {@code rootReal} is its real path, so no link rule applies and only the deny list and the dot
     * file rule decide; null when they refuse it.
     */
    Path unlinked(Path rootReal, String relative) {
        return allows("/" + relative) ? lexical(rootReal, relative) : null;
    }

    /**
     * Opens {@code real}, which {@link #resolve} returned for {@code relative}, without following any link below
     * the root (below the file system root for an {@code owner-match} target outside it), so a link swapped in
     * since the names were checked fails the open instead of leading elsewhere. Under {@code owner-match}, a file
     * reached through a link ({@code real} is not the path as written) must belong to the owner of every link on
     * the way, looked at again now: whatever a tenant swaps in, its links are its own, so it is only ever served
     * its own files; and when no link is there any more the file is refused, as the one that led to it is gone.
     *
     * @return the opened file, or null when {@code owner-match} refuses it (the caller answers 403)
     * @throws AccessDeniedException when a name on the way has become a link, or access is denied
     * @throws NoSuchFileException   when the file is gone or is not a regular file
     */
    OpenedFile open(Path rootReal, String relative, Path real) throws IOException {
        return open(rootReal, relative, real, real);
    }

    /**
     * Like {@link #open(Path, String, Path)}, opening {@code sibling} (a precompressed file beside {@code real}, in
     * the same directory, opened without following a link) in its place: it was reached through a link exactly when
     * {@code real} was.
     */
    OpenedFile open(Path rootReal, String relative, Path real, Path sibling) throws IOException {
        OpenedFile file = OpenedFile.open(rootReal, sibling);
        if (symlinks == Symlinks.OWNER_MATCH && !real.equals(lexical(rootReal, relative))) {
            UserPrincipal owner = file.attributes().owner();
            int owned = linksOnTheWay(rootReal, relative,
                    link -> Files.getOwner(link, LinkOption.NOFOLLOW_LINKS).equals(owner));
            if (owned <= 0) {
                file.close();
                refused(relative, "a symbolic link's owner differs from the opened file's", "");
                return null;
            }
        }
        return file;
    }

    private Path resolveNames(Path rootReal, String relative) throws IOException {
        Path lexical = lexical(rootReal, relative);
        if (symlinks == Symlinks.OWNER_MATCH && linksOnTheWay(rootReal, relative,
                link -> Files.getOwner(link, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(link))) < 0) {
            refused(relative, "a symbolic link's owner differs from its target's", "");
            return null;
        }
        Path real = lexical.toRealPath();
        if (symlinks == Symlinks.NEVER && !real.equals(lexical)) {
            refused(relative, "symbolic links are not followed", "");
            return null;
        }
        if (real.startsWith(rootReal)) {
            return allows("/" + rootReal.relativize(real).toString().replace('\\', '/')) ? real : null;
        }
        if (symlinks == Symlinks.INSIDE_ROOT) {
            refused(relative, "symbolic link leads outside ", rootReal);
            return null;
        }
        // owner-match outside the root: no .well-known exception, every segment of the target counts
        String target = real.toString().replace('\\', '/');
        return !deny.denies(target) && !(dotfiles == Dotfiles.DENY && hasDotSegment(target, false)) ? real : null;
    }

    /** A test of one symbolic link on the way from the root. */
    private interface LinkTest {
        boolean passes(Path link) throws IOException;
    }

    /** Says at DEBUG why {@code relative} is refused; builds nothing below DEBUG, as a refusal can come per request. */
    private static void refused(String relative, String why, Object detail) {
        if (LOG.isLoggable(Level.DEBUG)) {
            LOG.log(Level.DEBUG, "refused /" + relative + ": " + why + detail);
        }
    }

    private static Path lexical(Path rootReal, String relative) {
        return relative.isEmpty() ? rootReal : rootReal.resolve(relative);
    }

    /**
     * How many of the paths from {@code rootReal} to {@code relative}, one segment at a time, are symbolic links,
     * or -1 as soon as one fails {@code test} (nginx {@code disable_symlinks} checks each component the same way).
     */
    private static int linksOnTheWay(Path rootReal, String relative, LinkTest test) throws IOException {
        Path current = rootReal;
        int links = 0;
        for (String segment : relative.isEmpty() ? new String[0] : relative.split("/")) {
            current = current.resolve(segment);
            if (Files.isSymbolicLink(current)) {
                if (!test.passes(current)) {
                    return -1;
                }
                links++;
            }
        }
        return links;
    }

    /** Whether a name on the way to {@code relative}, before its last, is an existing file that is no directory. */
    private static boolean fileOnTheWay(Path rootReal, String relative) {
        Path current = rootReal;
        String[] segments = relative.split("/");
        for (int i = 0; i < segments.length - 1; i++) {
            current = current.resolve(segments[i]);
            if (Files.exists(current) && !Files.isDirectory(current)) {
                return true;
            }
        }
        return false;
    }

    private static boolean hasDotSegment(String path, boolean wellKnownAllowed) {
        boolean first = true;
        for (String segment : path.split("/")) {
            if (segment.isEmpty()) {
                continue;
            }
            if (segment.startsWith(".") && !(first && wellKnownAllowed && segment.equals(WELL_KNOWN))) {
                return true;
            }
            first = false;
        }
        return false;
    }
}
