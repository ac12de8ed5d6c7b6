package io.gatehouse.internal.forwarded;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * IP address literals as proxies write them in forwarding headers: parsed without DNS and without regexes,
 * formatted the way nginx and Apache print {@code $remote_addr} / {@code %h} (RFC 5952 for IPv6).
 */
public final class IpLiteral {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpLiteral() {
    }

    /**
     * The address in {@code text[from, to)}, or {@code null} when it is not one. Accepted: {@code 192.0.2.1},
     * {@code 2001:db8::1}, {@code [2001:db8::1]}, and with a port {@code 192.0.2.1:8080} and
     * {@code [2001:db8::1]:8080} (the port is dropped; Azure and IIS ARR write these). Refused: names, {@code unknown},
     * zone ids ({@code fe80::1%eth0}, meaningless on another host), IPv4 octets with leading zeros (read as octal by
     * some stacks), anything with spaces.
     */
    static InetAddress parse(String text, int from, int to) {
        if (from >= to) {
            return null;
        }
        if (text.charAt(from) == '[') {
            int close = text.indexOf(']', from);
            if (close < 0 || close >= to || !(close + 1 == to || isPort(text, close + 1, to))) {
                return null;
            }
            return ipv6(text, from + 1, close);
        }
        int colon = text.indexOf(':', from);
        if (colon < 0 || colon >= to) {
            return ipv4(text, from, to);
        }
        if (text.indexOf(':', colon + 1) < 0 || text.indexOf(':', colon + 1) >= to) {
            // Exactly one colon: IPv4 with a port. (An IPv6 literal has at least two.)
            return isPort(text, colon, to) ? ipv4(text, from, colon) : null;
        }
        return ipv6(text, from, to);
    }

    /**
     * The address {@code text} is, as {@link #parse(String, int, int)} reads it; never a DNS lookup. Public for the
     * daemon, which tells IP literals from names in its admin server's allowed hosts.
     *
     * @param text an IP literal, optionally bracketed and with a port
     * @return the address, or {@code null} when {@code text} is not an accepted literal
     */
    public static InetAddress parse(String text) {
        return parse(text, 0, text.length());
    }

    /** {@code :} followed by 1 to 5 digits up to 65535. */
    private static boolean isPort(String text, int colon, int to) {
        int digits = to - colon - 1;
        if (text.charAt(colon) != ':' || digits < 1 || digits > 5) {
            return false;
        }
        int port = 0;
        for (int i = colon + 1; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    private static InetAddress ipv4(String text, int from, int to) {
        byte[] bytes = new byte[4];
        int part = 0;
        int value = 0;
        int digits = 0;
        for (int i = from; i <= to; i++) {
            char c = i == to ? '.' : text.charAt(i);
            if (c == '.') {
                if (digits == 0 || part == 4) {
                    return null;
                }
                bytes[part++] = (byte) value;
                value = 0;
                digits = 0;
            } else if (c >= '0' && c <= '9') {
                if (digits == 1 && value == 0) {
                    return null; // leading zero
                }
                value = value * 10 + (c - '0');
                if (++digits > 3 || value > 255) {
                    return null;
                }
            } else {
                return null;
            }
        }
        if (part != 4) {
            return null;
        }
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // four bytes are always an IPv4 address
        }
    }

    private static InetAddress ipv6(String text, int from, int to) {
        if (to - from < 2 || to - from > 45) {
            return null;
        }
        boolean colon = false;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            colon |= c == ':';
            if (!(c == ':' || c == '.' || Character.digit(c, 16) >= 0 && c < 0x80)) {
                return null;
            }
        }
        char first = text.charAt(from);
        if (!colon || !(first == ':' || Character.digit(first, 16) >= 0)) {
            return null;
        }
        try {
            // Only hex digits, colons and dots, with a colon and a hex digit or colon first: the JDK parses this as an
            // IPv6 literal or refuses it, and never turns to DNS.
            return InetAddress.getByName(text.substring(from, to));
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** IPv4 dotted; IPv6 in RFC 5952 form ({@code 2001:db8::1}, lower case, longest zero run as {@code ::}), no zone. */
    static String format(InetAddress address) {
        if (address instanceof Inet4Address) {
            return address.getHostAddress();
        }
        byte[] b = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = ((b[2 * i] & 0xff) << 8) | (b[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLength = 1; // a single zero group is not shortened (RFC 5952 §4.2.2)
        for (int i = 0; i < 8; ) {
            if (groups[i] != 0) {
                i++;
                continue;
            }
            int start = i;
            while (i < 8 && groups[i] == 0) {
                i++;
            }
            if (i - start > bestLength) {
                bestStart = start;
                bestLength = i - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                out.append("::");
                i += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            appendHex(out, groups[i]);
        }
        return out.toString();
    }

    private static void appendHex(StringBuilder out, int group) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int nibble = (group >> shift) & 0xf;
            if (started || nibble != 0 || shift == 0) {
                out.append(HEX[nibble]);
                started = true;
            }
        }
    }
}
