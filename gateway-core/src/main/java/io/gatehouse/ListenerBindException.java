package io.gatehouse;

import io.gatehouse.config.ListenAddress;

/** A listener could not be bound: the address is in use, not local, or needs privileges. */
public final class ListenerBindException extends RuntimeException {

    private final ListenAddress address;

    public ListenerBindException(ListenAddress address, Throwable cause) {
        super("cannot listen on " + address + ": " + cause.getMessage(), cause);
        this.address = address;
    }

    public ListenAddress address() {
        return address;
    }

    /** True when the port is below 1024 and the process lacks the privilege to bind it. */
    public boolean needsPrivilege() {
        return address.port() > 0 && address.port() < 1024
                && String.valueOf(getCause().getMessage()).toLowerCase(java.util.Locale.ROOT).contains("permission denied");
    }
}
