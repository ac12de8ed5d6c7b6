package io.gatehouse.internal.files;

import java.util.ArrayList;
import java.util.List;

/**
 * A document-root pattern with lighttpd mod_evhost tokens, expanded per request host.
 *
 * <p>Tokens, as lighttpd 1.4.69 defines and implements them (checked against the real server, see
 * {@code src-docs/files.md}): {@code %0} the last two labels of the host ("domain + tld", or the whole host when it
 * has a single label), {@code %1} the last label, {@code %2} the one before it, {@code %3} ... {@code %9} the next
 * labels leftwards, {@code %_} the whole host, {@code %%} a percent sign, and {@code %{M}} / {@code %{M.N}} token
 * {@code %M} whole or only its N-th character (1-based; N = 0 means whole). A token with no value expands to
 * nothing. An IPv6 literal ({@code [::1]}) gives {@code %0} and {@code %_} the whole literal and no other token.
 *
 * <p>Unlike lighttpd, {@link #namesSite} tells the caller when a host has no site of its own under the pattern,
 * so that an empty token never turns {@code /srv/%2/%1} into {@code /srv/}, the parent of every site.
 *
 * <p>Immutable and thread-safe: parsed once when the file server is built, expanded on worker threads.
 */
public final class EvhostPattern {

    /** A literal piece or a token of the parsed pattern. */
    private sealed interface Piece permits Literal, Token {
    }

    private record Literal(String text) implements Piece {
    }

    /** {@code label} is -1 for {@code %_}; {@code character} is 0 for the whole value. */
    private record Token(int label, int character) implements Piece {
    }

    private static final int WHOLE_HOST = -1;

    private final String source;
    private final List<Piece> pieces;
    /** The highest label token used ({@code %2} in {@code /srv/%2/%1}); 0 when none. */
    private final int deepestLabel;

    private EvhostPattern(String source, List<Piece> pieces) {
        this.source = source;
        this.pieces = List.copyOf(pieces);
        this.deepestLabel = pieces.stream().filter(Token.class::isInstance).mapToInt(p -> ((Token) p).label())
                .max().orElse(0);
    }

    /**
     * Parses a pattern.
     *
     * @param pattern a document root with evhost tokens, such as {@code /home/%0/public_html/}
     * @return the parsed pattern
     * @throws IllegalArgumentException for a {@code %} not followed by {@code %}, {@code _}, a digit, or
     *                                  {@code {d}} / {@code {d.d}} (lighttpd refuses to start on such a pattern)
     */
    public static EvhostPattern parse(String pattern) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            char next = charAt(pattern, i + 1);
            if (next == '%') {
                literal.append('%');
                i += 2;
                continue;
            }
            Token token;
            if (next == '_') {
                token = new Token(WHOLE_HOST, 0);
                i += 2;
            } else if (isDigit(next)) {
                token = new Token(next - '0', 0);
                i += 2;
            } else if (next == '{' && isDigit(charAt(pattern, i + 2)) && charAt(pattern, i + 3) == '}') {
                token = new Token(pattern.charAt(i + 2) - '0', 0);
                i += 4;
            } else if (next == '{' && isDigit(charAt(pattern, i + 2)) && charAt(pattern, i + 3) == '.'
                    && isDigit(charAt(pattern, i + 4)) && charAt(pattern, i + 5) == '}') {
                token = new Token(pattern.charAt(i + 2) - '0', pattern.charAt(i + 4) - '0');
                i += 6;
            } else {
                throw new IllegalArgumentException("invalid evhost token at position " + i + " in \"" + pattern
                        + "\": use %0-%9, %_, %%, %{M} or %{M.N}");
            }
            if (!literal.isEmpty()) {
                pieces.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            pieces.add(token);
        }
        if (!literal.isEmpty()) {
            pieces.add(new Literal(literal.toString()));
        }
        return new EvhostPattern(pattern, pieces);
    }

    /**
     * Whether the expansion depends on the host at all.
     *
     * @return whether the pattern has a token other than {@code %%}
     */
    public boolean usesHost() {
        return pieces.stream().anyMatch(Token.class::isInstance);
    }

    /**
     * Whether {@code host} (normalised as for {@link #expand}) picks a site of its own: it is a name, not an
     * address literal (an IPv6 literal, or a host whose last label is all digits, which the WHATWG URL standard
     * parses as an IPv4 address), and it has every label a token of the pattern uses. Otherwise the caller serves
     * the fallback root rather than what an expansion with empty tokens would name.
     *
     * @param host a normalised host
     * @return whether {@link #expand} of it names a site of its own
     */
    public boolean namesSite(String host) {
        if (host.isEmpty() || host.startsWith("[")) {
            return false;
        }
        List<String> labels = labels(host);
        return !labels.get(0).chars().allMatch(EvhostPattern::isDigit) && labels.size() >= deepestLabel;
    }

    /**
     * The pattern with every token replaced by the matching part of {@code host}, which must already be
     * normalised (lower case, no port, no trailing dot). The host is not checked for {@code /} or {@code ..}: the
     * caller refuses such hosts before expanding.
     *
     * @param host a normalised host
     * @return the expanded path, as text
     */
    public String expand(String host) {
        List<String> labels = labels(host);
        StringBuilder out = new StringBuilder(source.length() + host.length());
        for (Piece piece : pieces) {
            if (piece instanceof Literal literal) {
                out.append(literal.text());
            } else if (piece instanceof Token token) {
                String value = token.label() == WHOLE_HOST ? host : value(labels, host, token.label());
                if (token.character() == 0) {
                    out.append(value);
                } else if (token.character() <= value.length()) {
                    out.append(value.charAt(token.character() - 1));
                }
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return source;
    }

    /** The labels of {@code host} from the right: index 0 is the top-level domain; none for an IPv6 literal. */
    private static List<String> labels(String host) {
        if (host.startsWith("[")) {
            return List.of();
        }
        List<String> labels = new ArrayList<>();
        int end = host.length();
        for (int dot = host.lastIndexOf('.'); dot >= 0; dot = host.lastIndexOf('.', end - 1)) {
            if (dot + 1 < end) {
                labels.add(host.substring(dot + 1, end));
            }
            end = dot;
        }
        if (end > 0) {
            labels.add(host.substring(0, end));
        }
        return labels;
    }

    private static String value(List<String> labels, String host, int token) {
        if (token == 0) {
            if (host.startsWith("[")) {
                return host;
            }
            return labels.size() < 2 ? host : labels.get(1) + "." + labels.get(0);
        }
        return token <= labels.size() ? labels.get(token - 1) : "";
    }

    private static char charAt(String s, int i) {
        return i < s.length() ? s.charAt(i) : '\0';
    }

    private static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }
}
