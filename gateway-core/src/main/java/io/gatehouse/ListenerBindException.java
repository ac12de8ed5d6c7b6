package io.gatehouse;

import io.gatehouse.config.ListenAddress;

/**
 * A listener could not be bound: the address is in use, not local, or needs privileges. Thrown by
 * {@link Gateway#start} (nothing stays bound then) and {@link Gateway#reload} (nothing changed). The message names
 * the address and the system's reason, for an operator.
 */
public final class ListenerBindException extends RuntimeException {

    /** The listener that could not be bound. */
    private final ListenAddress address;

    /**
     * An exception naming {@code address}, with the system's reason as its message.
     *
     * @param address the listener that could not be bound
     * @param cause why: the bind's own failure, usually a {@link java.net.BindException}
     */
    public ListenerBindException(ListenAddress address, Throwable cause) {
        super("cannot listen on " + address + ": " + cause.getMessage(), cause);
        this.address = address;
    }

    /**
     * The listener that could not be bound, as configured (port 0 stays 0).
     *
     * @return the address
     */
    public ListenAddress address() {
        return address;
    }

    /**
     * Whether the port is below 1024 and the process lacks the privilege to bind it (on Linux, run as root or grant
     * {@code CAP_NET_BIND_SERVICE}).
     *
     * @return true when that is why the bind failed
     */
    public boolean needsPrivilege() {
        return address.port() > 0 && address.port() < 1024
                && String.valueOf(getCause().getMessage()).toLowerCase(java.util.Locale.ROOT).contains("permission denied");
    }
}
