package io.gatehouse.files;

import io.gatehouse.config.FilesConfig.Dotfiles;
import io.gatehouse.config.FilesConfig.Symlinks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * What may be served below a document root: the {@code deny} suffixes, the {@code dotfiles} rule and the
 * {@code symlinks} rule, applied to the request path before lookup and again to the real path of whatever it
 * resolves to, so neither a link nor an index file nor another spelling reaches a refused file.
 */
final class PathPolicy {

    private static final Logger LOG = Logger.getLogger(PathPolicy.class.getName());
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
     * {@code rootReal}, or {@code null} when the symbolic link rule, the deny list or the dot file rule refuses it
     * (the caller answers 403).
     *
     * @throws NoSuchFileException when it does not exist (also for a dangling link)
     */
    Path resolve(Path rootReal, String relative) throws IOException {
        Path lexical = relative.isEmpty() ? rootReal : rootReal.resolve(relative);
        if (symlinks == Symlinks.OWNER_MATCH && !linksOwnedLikeTheirTargets(rootReal, relative)) {
            LOG.fine(() -> "refused /" + relative + ": a symbolic link's owner differs from its target's");
            return null;
        }
        Path real = lexical.toRealPath();
        if (symlinks == Symlinks.NEVER && !real.equals(lexical)) {
            LOG.fine(() -> "refused /" + relative + ": symbolic links are not followed");
            return null;
        }
        if (real.startsWith(rootReal)) {
            return allows("/" + rootReal.relativize(real).toString().replace('\\', '/')) ? real : null;
        }
        if (symlinks == Symlinks.INSIDE_ROOT) {
            LOG.fine(() -> "refused /" + relative + ": symbolic link leads outside " + rootReal);
            return null;
        }
        // owner-match outside the root: no .well-known exception, every segment of the target counts
        String target = real.toString().replace('\\', '/');
        return !deny.denies(target) && !(dotfiles == Dotfiles.DENY && hasDotSegment(target, false)) ? real : null;
    }

    /** nginx {@code disable_symlinks if_not_owner}: every link on the way must belong to the owner of its target. */
    private static boolean linksOwnedLikeTheirTargets(Path rootReal, String relative) throws IOException {
        Path current = rootReal;
        for (String segment : relative.isEmpty() ? new String[0] : relative.split("/")) {
            current = current.resolve(segment);
            if (Files.isSymbolicLink(current)
                    && !Files.getOwner(current, LinkOption.NOFOLLOW_LINKS).equals(Files.getOwner(current))) {
                return false;
            }
        }
        return true;
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
