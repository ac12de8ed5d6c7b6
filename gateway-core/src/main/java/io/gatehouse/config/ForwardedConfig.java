package io.gatehouse.config;

import java.net.InetAddress;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code forwarded}: which peers are believed when they send forwarding headers, and which headers Gatehouse sends to backends.
 * A peer outside {@code trusted} has its forwarding headers discarded and replaced, so a client cannot plant a
 * fake address. See {@code src-docs/forwarded.md}.
 *
 * @param trusted       peers (proxies in front of Gatehouse) whose X-Forwarded-For chain, Forwarded and
 *                      X-Request-Id are believed
 * @param emit          the header families set toward backends ({@code forwarded.emit})
 * @param realIpHeader  send the resolved client IP as {@code X-Real-IP} ({@code forwarded.realIpHeader})
 * @param echoRequestId return the request id to the client as {@code X-Request-Id} ({@code forwarded.echoRequestId})
 * @param strip         request headers stripped from peers outside {@code trusted}, besides {@link #UNTRUSTED_DEFAULTS}
 *                      ({@code forwarded.strip})
 * @param underscores   what becomes of request headers with {@code _} in their names
 *                      ({@code forwarded.underscoresInHeaders})
 */
public record ForwardedConfig(List<Cidr> trusted, Set<Emit> emit, boolean realIpHeader, boolean echoRequestId,
                              List<String> strip, Underscores underscores) {

    /**
     * Request headers with {@code _} in their names, named in YAML {@code drop} or {@code keep}. CGI, WSGI and PHP turn
     * {@code X_Forwarded_For} and {@code X-Forwarded-For} into the same variable, so such a name can stand in for
     * one the gateway manages.
     */
    public enum Underscores {
        /** Silently dropped, like nginx's {@code underscores_in_headers off} and Apache httpd 2.4. */
        DROP,
        /** Passed on, except as a spelling of a name the forwarded policy or a route's {@code remove}/{@code set} manages. */
        KEEP;

        /**
         * The choice YAML spells {@code value}.
         *
         * @param value {@code drop} or {@code keep}, in any case
         * @return the choice
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Underscores parse(String value) {
            return byKey(values(), underscores -> underscores.name().toLowerCase(Locale.ROOT), value);
        }
    }

    /**
     * Headers frameworks read for the client's address, the scheme or the URL, which only a trusted proxy may set:
     * stripped from every other peer's request. (The X-Forwarded-For family, Forwarded, X-Real-IP and
     * X-Forwarded-Server are {@code ForwardedHeaders}' own and handled there.)
     */
    public static final List<String> UNTRUSTED_DEFAULTS = List.of(
            "True-Client-IP", "CF-Connecting-IP", "Client-IP", "X-Cluster-Client-IP", "X-Original-Forwarded-For",
            "X-Forwarded-Ssl", "X-Forwarded-Scheme", "X-Forwarded-Protocol", "Front-End-Https", "X-Url-Scheme",
            "X-Forwarded-Prefix", "X-Forwarded-Uri", "X-Original-URL", "X-Rewrite-URL", "X-Host");

    /**
     * The headers the forwarded policy sets, or passes from trusted peers only ({@code ForwardedHeaders}): with
     * {@link Underscores#KEEP}, a {@code _} spelling of one of these, or of a stripped name, is still dropped.
     */
    public static final List<String> POLICY_HEADERS = List.of("Forwarded", "X-Forwarded-For", "X-Forwarded-Host",
            "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-Server", "X-Real-IP", "X-Request-Id", "Via");

    /** A family of forwarding headers, named in YAML as {@link #key()}. */
    public enum Emit {
        /** {@code X-Forwarded-For}, {@code -Host}, {@code -Proto}, {@code -Port} (the de-facto standard). */
        X_FORWARDED("x-forwarded"),
        /** RFC 7239 {@code Forwarded: for=…;host=…;proto=…}. */
        RFC7239("rfc7239");

        private final String key;

        Emit(String key) {
            this.key = key;
        }

        /** @return the YAML spelling: {@code x-forwarded} or {@code rfc7239} */
        public String key() {
            return key;
        }

        /**
         * The family YAML spells {@code value}.
         *
         * @param value {@code x-forwarded} or {@code rfc7239}, in any case
         * @return the family
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Emit parse(String value) {
            return byKey(values(), Emit::key, value);
        }
    }

    /**
     * The choice whose key is {@code value}, trimmed, in any case.
     *
     * @throws IllegalArgumentException naming the keys
     */
    private static <E extends Enum<E>> E byKey(E[] choices, Function<E, String> key, String value) {
        String wanted = value.trim().toLowerCase(Locale.ROOT);
        for (E choice : choices) {
            if (key.apply(choice).equals(wanted)) {
                return choice;
            }
        }
        throw new IllegalArgumentException("expected " + Arrays.stream(choices).map(key).collect(Collectors.joining(" or "))
                + ", got '" + value + "'");
    }

    /** {@code forwarded.emit} when not given. */
    public static final Set<Emit> DEFAULT_EMIT = Set.of(Emit.X_FORWARDED);
    /** {@code forwarded.realIpHeader} when not given. */
    public static final boolean DEFAULT_REAL_IP_HEADER = false;
    /** {@code forwarded.echoRequestId} when not given. */
    public static final boolean DEFAULT_ECHO_REQUEST_ID = false;
    /** {@code forwarded.underscoresInHeaders} when not given. */
    public static final Underscores DEFAULT_UNDERSCORES = Underscores.DROP;

    /** No trusted peer, every other setting at its default: what a missing {@code forwarded} means. */
    public static final ForwardedConfig DEFAULTS = new ForwardedConfig(List.of());

    /**
     * Copies the lists and the set.
     *
     * @param trusted       trusted peers
     * @param emit          header families sent
     * @param realIpHeader  whether {@code X-Real-IP} is sent
     * @param echoRequestId whether the request id goes back to the client
     * @param strip         headers stripped from untrusted peers, besides {@link #UNTRUSTED_DEFAULTS}
     * @param underscores   what becomes of header names with {@code _}
     * @throws NullPointerException when a list or the set is null
     */
    public ForwardedConfig {
        trusted = List.copyOf(trusted);
        emit = emit.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(emit));
        strip = List.copyOf(strip);
    }

    /**
     * Trusting {@code trusted}, with every other setting at its default.
     *
     * @param trusted peers whose forwarding headers are believed
     */
    public ForwardedConfig(List<Cidr> trusted) {
        this(trusted, DEFAULT_EMIT, DEFAULT_REAL_IP_HEADER, DEFAULT_ECHO_REQUEST_ID, List.of(), DEFAULT_UNDERSCORES);
    }

    /** @return every header stripped from an untrusted peer: {@link #UNTRUSTED_DEFAULTS}, then {@link #strip()} */
    public List<String> strippedFromUntrusted() {
        return strip.isEmpty() ? UNTRUSTED_DEFAULTS : Stream.concat(UNTRUSTED_DEFAULTS.stream(), strip.stream()).toList();
    }

    /**
     * Whether {@code peer}'s forwarding headers are believed.
     *
     * @param peer the address of the connection's other end
     * @return true when it lies in one of {@link #trusted()}
     */
    public boolean isTrusted(InetAddress peer) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether {@code family} is sent to backends.
     *
     * @param family a header family
     * @return true when {@link #emit()} holds it
     */
    public boolean emits(Emit family) {
        return emit.contains(family);
    }
}
