package io.gatehouse.internal.vhosts;

import java.util.Locale;

/**
 * Validation and normalisation of host names as they arrive in Host headers and request targets. Public because the
 * configuration checks vhost names and listen addresses with it, and the daemon its admin listener's Host.
 */
public final class HostNames {

    private HostNames() {
    }

    /**
     * The host part of a Host header value (or a request target's authority), lower case, without port or
     * trailing dot; {@code null} when it is not a valid host: empty labels ({@code ..}), characters outside
     * letters, digits, {@code - _ .}, a bad port, or a malformed IPv6 literal.
     *
     * @param authority a Host header value or an authority, may be {@code null}
     * @return the normalised host ({@code [v6]} literals keep their brackets), or {@code null} when it is not valid
     */
    public static String normalise(String authority) {
        if (authority == null) {
            return null;
        }
        String host = authority;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0 || !validPort(host, close + 1)) {
                return null;
            }
            String literal = host.substring(1, close);
            return validIpv6(literal) ? "[" + literal.toLowerCase(Locale.ROOT) + "]" : null;
        }
        int colon = host.indexOf(':');
        if (colon >= 0) {
            if (!validPort(host, colon)) {
                return null;
            }
            host = host.substring(0, colon);
        }
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        if (host.isEmpty() || host.length() > 253) {
            return null;
        }
        int labelLength = 0;
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            if (c == '.') {
                if (labelLength == 0) {
                    return null;
                }
                labelLength = 0;
            } else if (isHostChar(c)) {
                labelLength++;
            } else {
                return null;
            }
        }
        return host.toLowerCase(Locale.ROOT);
    }

    private static boolean isHostChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    /** Whether {@code authority} from {@code from} on is empty, or {@code :} and 1-5 digits naming a port 1-65535. */
    private static boolean validPort(String authority, int from) {
        int length = authority.length() - from;
        if (length == 0) {
            return true;
        }
        if (authority.charAt(from) != ':' || length < 2 || length > 6) {
            return false;
        }
        int port = 0;
        for (int i = from + 1; i < authority.length(); i++) {
            char c = authority.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port > 0 && port <= 65535;
    }

    private static boolean validIpv6(String literal) {
        if (literal.isEmpty()) {
            return false;
        }
        for (int i = 0; i < literal.length(); i++) {
            char c = literal.charAt(i);
            boolean ok = c == ':' || c == '.' || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
            if (!ok) {
                return false;
            }
        }
        return literal.indexOf(':') >= 0;
    }
}
