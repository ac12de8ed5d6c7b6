package io.gatehouse.config;

import java.net.InetAddress;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which peers are believed when they send forwarding headers, and which headers Gatehouse sends to backends.
 * A peer outside {@code trusted} has its forwarding headers discarded and replaced, so a client cannot plant a
 * fake address. See {@code src-docs/forwarded.md}.
 *
 * @param trusted       peers (proxies in front of Gatehouse) whose X-Forwarded-For chain, Forwarded and
 *                      X-Request-Id are believed
 * @param emit          the header families set toward backends ({@code forwarded.emit})
 * @param realIpHeader  send the resolved client IP as {@code X-Real-IP} ({@code forwarded.realIpHeader})
 * @param echoRequestId return the request id to the client as {@code X-Request-Id} ({@code forwarded.echoRequestId})
 */
public record ForwardedConfig(List<Cidr> trusted, Set<Emit> emit, boolean realIpHeader, boolean echoRequestId) {

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

        public String key() {
            return key;
        }

        /** @throws IllegalArgumentException naming the accepted values */
        public static Emit parse(String value) {
            for (Emit emit : values()) {
                if (emit.key.equals(value.trim().toLowerCase(Locale.ROOT))) {
                    return emit;
                }
            }
            throw new IllegalArgumentException("expected x-forwarded or rfc7239, got '" + value + "'");
        }
    }

    public static final Set<Emit> DEFAULT_EMIT = Set.of(Emit.X_FORWARDED);
    public static final boolean DEFAULT_REAL_IP_HEADER = false;
    public static final boolean DEFAULT_ECHO_REQUEST_ID = false;

    public static final ForwardedConfig DEFAULTS = new ForwardedConfig(List.of());

    public ForwardedConfig {
        trusted = List.copyOf(trusted);
        emit = emit.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(emit));
    }

    /** Trusting {@code trusted}, with every other setting at its default. */
    public ForwardedConfig(List<Cidr> trusted) {
        this(trusted, DEFAULT_EMIT, DEFAULT_REAL_IP_HEADER, DEFAULT_ECHO_REQUEST_ID);
    }

    public boolean isTrusted(InetAddress peer) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }

    public boolean emits(Emit family) {
        return emit.contains(family);
    }
}
