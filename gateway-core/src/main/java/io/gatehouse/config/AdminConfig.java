package io.gatehouse.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/**
 * The daemon's admin listener ({@code /metrics}, {@code /healthz}, {@code /readyz}, {@code /config}): off when the
 * {@code admin} key is absent. Its address is loopback unless written otherwise: {@code admin: {}} listens on
 * {@link #DEFAULT_LISTEN}, and a bare port ({@code ":9901"}) means 127.0.0.1, not every address as in {@code listen}.
 *
 * @param listen where the admin listener binds; empty when it is off
 * @param hosts  Host names the admin listener answers besides loopback names and its own address: lower case,
 *               exact names, {@code *.suffix} or {@code *} (any), as a vhost's {@code hosts}
 */
public record AdminConfig(Optional<ListenAddress> listen, List<String> hosts) {

    /** Where {@code admin: {}} listens. */
    public static final ListenAddress DEFAULT_LISTEN = new ListenAddress("127.0.0.1", 9901);
    /** No admin listener: what a missing {@code admin} means. */
    public static final AdminConfig OFF = new AdminConfig(Optional.empty(), List.of());

    /**
     * Copies the hosts.
     *
     * @param listen where the admin listener binds, or empty for none
     * @param hosts  further host names it answers
     * @throws NullPointerException when {@code hosts} is null
     */
    public AdminConfig {
        hosts = List.copyOf(hosts);
    }

    /** @return whether there is an admin listener */
    public boolean enabled() {
        return listen.isPresent();
    }

    /**
     * Whether the admin listener binds only to a loopback address; a name is resolved to decide, and one that does
     * not resolve counts as not loopback.
     *
     * @return true when off or on a loopback address
     */
    public boolean loopbackOnly() {
        if (listen.isEmpty()) {
            return true;
        }
        try {
            return InetAddress.getByName(listen.get().host()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
