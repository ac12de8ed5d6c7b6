package io.gatehouse.internal.forwarded;

import io.gatehouse.config.ForwardedConfig;

import java.net.InetAddress;

/**
 * The right-to-left walk of an {@code X-Forwarded-For} chain that finds the client (nginx {@code real_ip_recursive on},
 * Apache mod_remoteip).
 *
 * <p>Starting from the TCP peer, while the current hop is trusted, the next entry to the left becomes the current
 * hop. The client is the first hop that is not trusted, or when every entry is trusted, the left-most one. An entry
 * that is not an IP literal ({@code unknown}, a name, an obfuscated id, anything {@link IpLiteral} refuses) stops the
 * walk: the last good hop is the client, because nothing left of a garbage entry can be attributed to anyone.
 * Empty list elements ({@code "a,,b"}, a trailing comma) are skipped, as RFC 9110 §5.6.1 asks of recipients.
 */
final class XForwardedFor {

    private XForwardedFor() {
    }

    /**
     * @param chain the joined X-Forwarded-For lines of a trusted peer, or {@code null}
     * @param peer  the TCP peer, trusted
     */
    static InetAddress walk(String chain, InetAddress peer, ForwardedConfig trust) {
        InetAddress current = peer;
        if (chain == null) {
            return current;
        }
        int end = chain.length();
        while (end > 0 && trust.isTrusted(current)) {
            int comma = chain.lastIndexOf(',', end - 1);
            int from = skipSpace(chain, comma + 1, end);
            int to = trimEnd(chain, from, end);
            end = Math.max(comma, 0);
            if (from == to) {
                continue;
            }
            InetAddress hop = IpLiteral.parse(chain, from, to);
            if (hop == null) {
                return current;
            }
            current = hop;
        }
        return current;
    }

    private static int skipSpace(String s, int from, int to) {
        while (from < to && (s.charAt(from) == ' ' || s.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimEnd(String s, int from, int to) {
        while (to > from && (s.charAt(to - 1) == ' ' || s.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }
}
