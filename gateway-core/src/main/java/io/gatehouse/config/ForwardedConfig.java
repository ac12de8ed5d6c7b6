package io.gatehouse.config;

import java.net.InetAddress;
import java.util.List;

/**
 * Which peers are believed when they send X-Forwarded-* headers. A peer outside {@code trusted} has its
 * forwarded headers discarded and replaced, so a client cannot plant a fake address.
 */
public record ForwardedConfig(List<Cidr> trusted) {

    public static final ForwardedConfig DEFAULTS = new ForwardedConfig(List.of());

    public ForwardedConfig {
        trusted = List.copyOf(trusted);
    }

    public boolean isTrusted(InetAddress peer) {
        for (Cidr cidr : trusted) {
            if (cidr.contains(peer)) {
                return true;
            }
        }
        return false;
    }
}
