package io.gatehouse.internal.routes;

import io.gatehouse.internal.config.ParsedTemplate;
import io.gatehouse.internal.config.ParsedTemplate.Component;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Fills a {@link ParsedTemplate} with a request's values so that no value can change what the template means.
 *
 * <p>Each value is made safe for the component it lands in:
 * <ul>
 *   <li>path: percent-encoded except unreserved characters, sub-delims, {@code : @ /}; so {@code ?}, {@code #},
 *       {@code \}, {@code %}, spaces, CR and LF are escaped. An encoded slash or backslash the client sent
 *       ({@code %2F}, {@code %5C}, which Undertow leaves encoded in the decoded path) stays encoded, as received;</li>
 *   <li>query and fragment: the same, with {@code & = +} escaped too, so a value cannot add parameters;</li>
 *   <li>authority (a value inside {@code https://$1.example.com}): letters, digits, {@code . - _} or an IPv6
 *       literal only, else the substitution is refused;</li>
 *   <li>header value: control characters and non-ASCII are percent-encoded, so a value cannot end the header.</li>
 * </ul>
 * Then the path of a URL has runs of slashes merged, so {@code /$1} with {@code $1 = /evil.example} stays on this
 * host (it never becomes the scheme-relative {@code //evil.example}), and a URL whose path has a {@code .} or
 * {@code ..} segment is refused: a value could only have put it there, the templates are checked at load.
 */
final class Substitution {

    private static final String PATH_SAFE = "-._~!$&'()*+,;=:@/";
    private static final String QUERY_SAFE = "-._~!$'()*,;:@/?";
    private static final String RAW_QUERY_UNSAFE = "\"#<>\\^`{|}";
    private static final Pattern HOST_PART = Pattern.compile("[A-Za-z0-9._-]*|\\[[0-9A-Fa-f:.]+]");
    private static final Pattern SLASH_RUN = Pattern.compile("/{2,}");
    private static final Pattern DOT_SEGMENT = Pattern.compile("(^|/)(\\.|%2[eE]){1,2}(/|$)");

    private Substitution() {
    }

    /**
     * The URL (or path and query) {@code template} gives for {@code values}: the request's query appended unless the
     * template has a {@code ?} of its own, a bare trailing {@code ?} dropped (Apache's way to discard the query).
     *
     * @return the URL, or {@code null} when a value would change its meaning (the caller answers 400)
     */
    static String url(ParsedTemplate template, RequestValues values) {
        StringBuilder authority = new StringBuilder();
        StringBuilder path = new StringBuilder();
        StringBuilder query = new StringBuilder();
        StringBuilder fragment = new StringBuilder();
        for (ParsedTemplate.Part part : template.parts()) {
            StringBuilder into = switch (part.component()) {
                case AUTHORITY -> authority;
                case QUERY -> query;
                case FRAGMENT -> fragment;
                default -> path;
            };
            if (part instanceof ParsedTemplate.Literal literal) {
                into.append(literal.text());
            } else if (part instanceof ParsedTemplate.Query) {
                into.append(part.component() == Component.PATH ? encode(values.query(), PATH_SAFE) : rawQuery(values.query()));
            } else {
                String value = part instanceof ParsedTemplate.Capture capture ? values.group(capture.group())
                        : values.variable(((ParsedTemplate.Variable) part).name());
                if (part.component() == Component.AUTHORITY && !HOST_PART.matcher(value).matches()) {
                    return null;
                }
                into.append(part.component() == Component.AUTHORITY ? value
                        : encode(value, part.component() == Component.PATH ? PATH_SAFE : QUERY_SAFE));
            }
        }
        String ownQuery = template.hasQuery() ? query.toString() : values.query().isEmpty() ? "" : "?" + rawQuery(values.query());
        return finish(authority.toString(), path.toString(), ownQuery.equals("?") ? "" : ownQuery, fragment.toString());
    }

    /**
     * The target for a decoded path (what is left of the request path after a prefix) and the request's query.
     *
     * @return the target, or {@code null} when the path would hold a dot segment
     */
    static String path(String decodedPath, RequestValues values) {
        String query = values.query().isEmpty() ? "" : "?" + rawQuery(values.query());
        return finish("", encode(decodedPath.startsWith("/") ? decodedPath : "/" + decodedPath, PATH_SAFE), query, "");
    }

    /** A header value with the template's substitutions; never holds a character that could end the header. */
    static String header(ParsedTemplate template, RequestValues values) {
        StringBuilder out = new StringBuilder();
        for (ParsedTemplate.Part part : template.parts()) {
            if (part instanceof ParsedTemplate.Literal literal) {
                out.append(literal.text());
            } else if (part instanceof ParsedTemplate.Capture capture) {
                out.append(headerSafe(values.group(capture.group())));
            } else if (part instanceof ParsedTemplate.Variable variable) {
                out.append(headerSafe(values.variable(variable.name())));
            }
        }
        return out.toString();
    }

    private static String finish(String authority, String path, String query, String fragment) {
        // String.replaceAll would compile its pattern on every substituted request.
        String merged = path.indexOf("//") < 0 ? path : SLASH_RUN.matcher(path).replaceAll("/");
        if (DOT_SEGMENT.matcher(merged).find()) {
            return null;
        }
        return authority + merged + query + fragment;
    }

    /** Percent-encodes UTF-8 bytes outside letters, digits and {@code safe}; keeps {@code %2F} and {@code %5C}. */
    static String encode(String value, String safe) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 8);
        for (int i = 0; i < bytes.length; i++) {
            int b = bytes[i] & 0xff;
            if (b == '%' && i + 2 < bytes.length && isEncodedSeparator(bytes[i + 1], bytes[i + 2])) {
                out.append('%').append((char) bytes[i + 1]).append((char) bytes[i + 2]);
                i += 2;
            } else if ((b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9') || (b < 0x80 && safe.indexOf(b) >= 0)) {
                out.append((char) b);
            } else {
                appendEscape(out, b);
            }
        }
        return out.toString();
    }

    private static boolean isEncodedSeparator(byte high, byte low) {
        return (high == '2' && (low == 'f' || low == 'F')) || (high == '5' && (low == 'c' || low == 'C'));
    }

    /** The client's query as received, with anything that is not a visible, URL-legal character escaped. */
    private static String rawQuery(String query) {
        StringBuilder out = new StringBuilder(query.length());
        for (byte raw : query.getBytes(StandardCharsets.UTF_8)) {
            int b = raw & 0xff;
            if (b > 0x20 && b < 0x7f && RAW_QUERY_UNSAFE.indexOf(b) < 0) {
                out.append((char) b);
            } else {
                appendEscape(out, b);
            }
        }
        return out.toString();
    }

    private static String headerSafe(String value) {
        StringBuilder out = new StringBuilder(value.length());
        value.codePoints().forEach(c -> {
            if ((c >= 0x20 && c < 0x7f) || c == '\t') {
                out.append((char) c);
            } else {
                for (byte b : Character.toString(c).getBytes(StandardCharsets.UTF_8)) {
                    appendEscape(out, b & 0xff);
                }
            }
        });
        return out.toString();
    }

    private static void appendEscape(StringBuilder out, int b) {
        out.append('%').append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
    }
}
