package io.gatehouse.internal.config;

import io.gatehouse.config.Template;
import io.gatehouse.config.Template.Use;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A {@link Template} parsed into literal text and substitutions, each knowing the URL component it lands in:
 * <ul>
 *   <li>{@code $0} to {@code $9}: the groups of the route's {@code match} ({@code $0} is the whole match);</li>
 *   <li>{@code ${client_ip}}, {@code ${host}}, {@code ${scheme}}, {@code ${request_id}}: facts of the request;</li>
 *   <li>{@code %{QUERY}}: the request's query string, as received (without the {@code ?});</li>
 *   <li>{@code $$}: a literal {@code $}.</li>
 * </ul>
 * The component (authority, path, query, fragment, or a header value) matters because a request's values are made
 * safe for it when substituted ({@code io.gatehouse.internal.routes.Substitution}). {@link Template} validates with
 * this parser; routes parse each template once, when a configuration's handlers are built, and keep the result.
 * Immutable and thread-safe.
 */
public final class ParsedTemplate {

    /** The names {@code ${name}} may use, lower case. */
    public static final List<String> VARIABLES = List.of("client_ip", "host", "scheme", "request_id");

    /** The part of a URL (or a header value) a piece of a template lands in. */
    public enum Component {
        /** The host (and port) of an absolute redirect target. */
        AUTHORITY,
        /** The path, up to a {@code ?} or {@code #}. */
        PATH,
        /** After a literal {@code ?}. */
        QUERY,
        /** After a literal {@code #}. */
        FRAGMENT,
        /** A header value. */
        HEADER
    }

    /** A piece of a template: literal text or a substitution. */
    public sealed interface Part {
        /** @return the component the piece lands in */
        Component component();
    }

    /**
     * Text as written ({@code $$} already a single {@code $}).
     *
     * @param text      the text
     * @param component where it lands
     */
    public record Literal(String text, Component component) implements Part {
    }

    /**
     * {@code $n}.
     *
     * @param group     the group of the route's {@code match}, 0 to 9
     * @param component where its value lands
     */
    public record Capture(int group, Component component) implements Part {
    }

    /**
     * {@code ${name}}.
     *
     * @param name      one of {@link #VARIABLES}
     * @param component where its value lands
     */
    public record Variable(String name, Component component) implements Part {
    }

    /**
     * {@code %{QUERY}}.
     *
     * @param component where the query lands
     */
    public record Query(Component component) implements Part {
    }

    private final List<Part> parts;
    private final boolean hasQuery;
    private final int highestGroup;

    private ParsedTemplate(List<Part> parts) {
        this.parts = List.copyOf(parts);
        this.hasQuery = parts.stream().anyMatch(part -> part.component() == Component.QUERY);
        this.highestGroup = parts.stream().filter(Capture.class::isInstance).mapToInt(part -> ((Capture) part).group()).max()
                .orElse(-1);
    }

    /**
     * Parses a template of a valid configuration.
     *
     * @param template as configured
     * @return its parts
     */
    public static ParsedTemplate of(Template template) {
        return parse(template.source(), template.use());
    }

    /** @return literal text and substitutions, in order */
    public List<Part> parts() {
        return parts;
    }

    /** @return whether a literal {@code ?} starts a query of the template's own (then the request's query is not appended) */
    public boolean hasQuery() {
        return hasQuery;
    }

    /** @return the highest capture group used, or -1 */
    public int highestGroup() {
        return highestGroup;
    }

    /**
     * Parses {@code source} for {@code use}.
     *
     * @param source as written
     * @param use    where it is used, which decides what it may look like
     * @return its parts
     * @throws IllegalArgumentException saying what is wrong and what would be valid, as the configuration's problem
     *                                  for that value reports it
     */
    public static ParsedTemplate parse(String source, Use use) {
        Component component = start(source, use);
        List<Part> parts = new ArrayList<>();
        // The scheme's "//" is not a path: scanning for component boundaries starts after it.
        int i = component == Component.AUTHORITY ? source.indexOf("://") + 3 : 0;
        StringBuilder literal = new StringBuilder(source.substring(0, i));
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c < 0x20 || c == 0x7f || (c > 0x7e && use != Use.HEADER) || (c == ' ' && use != Use.HEADER)) {
                throw new IllegalArgumentException("'" + source + "' holds " + describe(c) + "; "
                        + (use == Use.HEADER ? "header values hold no control characters" : "percent-encode it (a space is %20)"));
            }
            if (c == '$' || (c == '%' && use != Use.HEADER && source.startsWith("%{", i))) {
                flush(literal, component, parts);
                i = substitution(source, i, component, parts, literal);
                continue;
            }
            if (c == '%' && use != Use.HEADER && !isPercentEscape(source, i)) {
                throw new IllegalArgumentException("'" + source + "': a % must start an escape like %20 or be %{QUERY}; "
                        + "a literal % is written %25");
            }
            Component next = next(component, c);
            if (next != component) {
                if (use == Use.PATH && next == Component.FRAGMENT) {
                    throw new IllegalArgumentException("'" + source + "': no fragment (#) here; it is never sent to a server");
                }
                flush(literal, component, parts);
                component = next;
            }
            literal.append(c);
            i++;
        }
        flush(literal, component, parts);
        return new ParsedTemplate(parts);
    }

    private static Component start(String source, Use use) {
        if (use == Use.HEADER) {
            return Component.HEADER;
        }
        if (source.startsWith("/") && !source.startsWith("//")) {
            return Component.PATH;
        }
        int scheme = source.indexOf("://");
        if (use == Use.TARGET && scheme > 0 && source.substring(0, scheme).matches("[A-Za-z][A-Za-z0-9+.-]*")) {
            if (scheme + 3 == source.length() || "/?#".indexOf(source.charAt(scheme + 3)) >= 0) {
                throw new IllegalArgumentException("'" + source + "' has no host after " + source.substring(0, scheme + 3));
            }
            return Component.AUTHORITY;
        }
        throw new IllegalArgumentException("'" + source + "' must start with a single / (a path on this host)"
                + (use == Use.TARGET ? " or with a scheme and host, like https://example.com/" : ""));
    }

    private static Component next(Component current, char c) {
        return switch (current) {
            case AUTHORITY -> c == '/' ? Component.PATH : c == '?' ? Component.QUERY : c == '#' ? Component.FRAGMENT : current;
            case PATH -> c == '?' ? Component.QUERY : c == '#' ? Component.FRAGMENT : current;
            case QUERY -> c == '#' ? Component.FRAGMENT : current;
            default -> current;
        };
    }

    /** Reads the substitution at {@code i}; returns the index after it. */
    private static int substitution(String source, int i, Component component, List<Part> parts, StringBuilder literal) {
        String rest = source.substring(i);
        if (rest.startsWith("$$")) {
            literal.append('$');
            return i + 2;
        }
        if (rest.length() > 1 && rest.charAt(0) == '$' && Character.isDigit(rest.charAt(1))) {
            parts.add(new Capture(rest.charAt(1) - '0', component));
            return i + 2;
        }
        int close = rest.indexOf('}');
        boolean braced = rest.length() > 2 && rest.charAt(1) == '{' && close > 2;
        String name = braced ? rest.substring(2, close) : "";
        if (rest.charAt(0) == '$' && braced && VARIABLES.contains(name.toLowerCase(Locale.ROOT))) {
            parts.add(new Variable(name.toLowerCase(Locale.ROOT), component));
            return i + close + 1;
        }
        if (rest.charAt(0) == '%' && braced && name.equals("QUERY")) {
            if (component == Component.AUTHORITY) {
                throw new IllegalArgumentException("'" + source + "': %{QUERY} cannot be part of a host");
            }
            parts.add(new Query(component));
            return i + close + 1;
        }
        String found = braced ? rest.substring(0, close + 1) : rest.substring(0, Math.min(2, rest.length()));
        throw new IllegalArgumentException("'" + source + "': unknown substitution '" + found + "'; valid: $0 to $9, "
                + String.join(", ", VARIABLES.stream().map(v -> "${" + v + "}").toList())
                + (component == Component.HEADER ? "" : ", %{QUERY}") + ", and $$ for a literal $");
    }

    private static boolean isPercentEscape(String source, int i) {
        return i + 2 < source.length() && Character.digit(source.charAt(i + 1), 16) >= 0
                && Character.digit(source.charAt(i + 2), 16) >= 0;
    }

    private static void flush(StringBuilder literal, Component component, List<Part> parts) {
        if (literal.length() > 0) {
            parts.add(new Literal(literal.toString(), component));
            literal.setLength(0);
        }
    }

    private static String describe(char c) {
        return c == ' ' ? "a space" : String.format("the character U+%04X", (int) c);
    }
}
