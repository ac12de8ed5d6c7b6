package io.gatehouse.internal.forwarded;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The RFC 7239 {@code Forwarded} header: reading a trusted peer's, and writing Gatehouse's element.
 *
 * <p>Reading is strict about what could be ambiguous and lenient about spacing: elements are separated by commas and
 * pairs by semicolons, with optional spaces around either (common in the wild, though the RFC's grammar has none);
 * empty elements and pairs are skipped. Each pair is {@code token=token} or {@code token="quoted string"}; a parameter
 * may appear once per element; {@code for} and {@code by} must be nodes (IPv4, {@code "[IPv6]"}, {@code unknown}, or
 * an obfuscated {@code _identifier}, each with an optional {@code :port} or {@code :_obfport}); {@code proto} must be
 * a URI scheme. Anything else makes the whole header malformed. What was read is written back in one canonical form
 * (names lower case, values quoted only where needed), so no byte of the original reaches the backend unchecked.
 */
final class Rfc7239 {

    private Rfc7239() {
    }

    /**
     * The elements of {@code header}, re-serialised, or {@code null} when there are none or the header is malformed.
     */
    static String normalised(String header) {
        if (header == null) {
            return null;
        }
        Reader reader = new Reader(header);
        StringBuilder out = new StringBuilder(header.length() + 8);
        if (!reader.readInto(out)) {
            return null;
        }
        return out.length() == 0 ? null : out.toString();
    }

    /** Gatehouse's own element: {@code for=<peer>;host=<host>;proto=<proto>}, {@code host} left out when null. */
    static String element(InetAddress peer, String host, String proto) {
        StringBuilder out = new StringBuilder(64);
        appendPair(out, "for", peer == null ? "unknown" : node(peer));
        if (host != null) {
            out.append(';');
            appendPair(out, "host", host);
        }
        out.append(';');
        appendPair(out, "proto", proto);
        return out.toString();
    }

    /** An address as a node: IPv4 as is, IPv6 in brackets (which then needs quoting). */
    private static String node(InetAddress address) {
        String text = IpLiteral.format(address);
        return text.indexOf(':') >= 0 ? "[" + text + "]" : text;
    }

    /** {@code name=value}, the value as a token when it is one, else as a quoted-string. */
    private static void appendPair(StringBuilder out, String name, String value) {
        out.append(name).append('=');
        if (isToken(value, 0, value.length())) {
            out.append(value);
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }

    static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static boolean isToken(String s, int from, int to) {
        if (from >= to) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (!isTchar(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    /** A node of RFC 7239 §6. */
    static boolean isNode(String value) {
        int portColon;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || IpLiteral.parse(value, 0, close + 1) == null) {
                return false;
            }
            portColon = close + 1;
        } else {
            portColon = value.indexOf(':');
            int end = portColon < 0 ? value.length() : portColon;
            boolean name = value.regionMatches(true, 0, "unknown", 0, 7) && end == 7
                    || isObfuscated(value, 0, end)
                    || IpLiteral.parse(value, 0, end) instanceof Inet4Address;
            if (!name) {
                return false;
            }
            if (portColon < 0) {
                return true;
            }
        }
        if (portColon == value.length()) {
            return true;
        }
        if (value.charAt(portColon) != ':') {
            return false;
        }
        return isObfuscated(value, portColon + 1, value.length()) || isDigits(value, portColon + 1, value.length(), 5);
    }

    /** {@code "_" 1*(ALPHA / DIGIT / "." / "_" / "-")}. */
    private static boolean isObfuscated(String s, int from, int to) {
        if (to - from < 2 || s.charAt(from) != '_') {
            return false;
        }
        for (int i = from + 1; i < to; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean isDigits(String s, int from, int to, int max) {
        if (to <= from || to - from > max) {
            return false;
        }
        for (int i = from; i < to; i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return false;
            }
        }
        return true;
    }

    /** {@code ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )} (RFC 3986 §3.1). */
    private static boolean isScheme(String s) {
        char first = s.isEmpty() ? 0 : s.charAt(0);
        if (!((first >= 'a' && first <= 'z') || (first >= 'A' && first <= 'Z'))) {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-' || c == '.')) {
                return false;
            }
        }
        return true;
    }

    /** One pass over a header value; each method returns false on the first malformed byte. */
    private static final class Reader {
        private final String s;
        private int at;

        Reader(String s) {
            this.s = s;
        }

        boolean readInto(StringBuilder out) {
            List<String> names = new ArrayList<>(4);
            boolean elementOpen = false;
            while (true) {
                skipSpace();
                if (at == s.length()) {
                    return true;
                }
                char c = s.charAt(at);
                if (c == ',') {
                    at++;
                    names.clear();
                    elementOpen = false;
                    continue;
                }
                if (c == ';') {
                    at++;
                    continue;
                }
                int nameStart = at;
                while (at < s.length() && isTchar(s.charAt(at))) {
                    at++;
                }
                if (at == nameStart || at == s.length() || s.charAt(at) != '=') {
                    return false;
                }
                String name = s.substring(nameStart, at).toLowerCase(Locale.ROOT);
                at++;
                String value = value();
                if (value == null || names.contains(name) || !valid(name, value)) {
                    return false;
                }
                names.add(name);
                if (elementOpen) {
                    out.append(';');
                } else if (out.length() > 0) {
                    out.append(", ");
                }
                elementOpen = true;
                appendPair(out, name, value);
                skipSpace();
                if (at < s.length() && s.charAt(at) != ',' && s.charAt(at) != ';') {
                    return false;
                }
            }
        }

        private static boolean valid(String name, String value) {
            return switch (name) {
                case "for", "by" -> isNode(value);
                case "proto" -> isScheme(value);
                default -> true;
            };
        }

        /** A token, or a quoted-string unescaped; null when neither. */
        private String value() {
            if (at < s.length() && s.charAt(at) == '"') {
                StringBuilder value = new StringBuilder();
                at++;
                while (at < s.length()) {
                    char c = s.charAt(at++);
                    if (c == '"') {
                        return value.toString();
                    }
                    if (c == '\\') {
                        if (at == s.length()) {
                            return null;
                        }
                        c = s.charAt(at++);
                    }
                    if ((c < 0x20 && c != '\t') || c == 0x7f || c > 0xff) {
                        return null;
                    }
                    value.append(c);
                }
                return null;
            }
            int start = at;
            while (at < s.length() && isTchar(s.charAt(at))) {
                at++;
            }
            return at == start ? null : s.substring(start, at);
        }

        private void skipSpace() {
            while (at < s.length() && (s.charAt(at) == ' ' || s.charAt(at) == '\t')) {
                at++;
            }
        }
    }
}
