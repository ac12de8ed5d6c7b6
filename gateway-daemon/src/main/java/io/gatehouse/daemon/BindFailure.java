package io.gatehouse.daemon;

import io.gatehouse.ListenerBindException;

import java.util.List;
import java.util.Locale;

/**
 * What an operator needs to know when a listener cannot be bound: which address, why, and what to do. These are
 * expected conditions, so the explanation replaces the stack trace.
 *
 * @param summary one line for the event log, naming the address and the reason
 * @param advice  lines that say how to fix it (empty when there is nothing better to say than the reason)
 */
record BindFailure(String summary, List<String> advice) {

    static BindFailure explain(ListenerBindException failure, String configFile) {
        String address = failure.address().toString();
        int port = failure.address().port();
        if (failure.needsPrivilege()) {
            return new BindFailure(
                    "cannot listen on " + address + ": permission denied; ports below 1024 need the CAP_NET_BIND_SERVICE capability",
                    List.of(
                            "To allow it, do one of:",
                            "  - under systemd, add to the [Service] section of the unit:",
                            "        AmbientCapabilities=CAP_NET_BIND_SERVICE",
                            "  - give the Java binary the capability (every program run with that java gets it):",
                            "        sudo setcap 'cap_net_bind_service=+ep' $(readlink -f $(which java))",
                            "  - or listen on a port of 1024 or above in " + configFile
                                    + " (for example \"" + failure.address().host() + ":8080\").",
                            "Do not run Gatehouse as root for this; see src-docs/daemon.md."));
        }
        String reason = causeMessages(failure);
        if (reason.contains("already in use")) {
            return new BindFailure(
                    "cannot listen on " + address + ": address already in use",
                    List.of("Another process is listening there; find it with:  ss -ltnp 'sport = :" + port + "'",
                            "Stop it, or choose another port in " + configFile + "."));
        }
        if (reason.contains("cannot assign requested address")) {
            return new BindFailure(
                    "cannot listen on " + address + ": the address is not one of this machine's",
                    List.of("Use an address of one of its interfaces (see: ip -brief address), "
                            + "or \"0.0.0.0:" + port + "\" for all IPv4 addresses, in " + configFile + "."));
        }
        if (hasCause(failure, java.nio.channels.UnresolvedAddressException.class)
                || hasCause(failure, java.net.UnknownHostException.class)) {
            return new BindFailure(
                    "cannot listen on " + address + ": the host name does not resolve to an address",
                    List.of("Use an IP address, or \"0.0.0.0:" + port + "\" for all IPv4 addresses, in " + configFile + "."));
        }
        return new BindFailure("cannot listen on " + address + ": " + innermostMessage(failure), List.of());
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String causeMessages(Throwable failure) {
        StringBuilder all = new StringBuilder();
        for (Throwable t = failure.getCause(); t != null; t = t.getCause()) {
            all.append(t.getMessage()).append('\n');
        }
        return all.toString().toLowerCase(Locale.ROOT);
    }

    /** The innermost cause's message says what the OS said, without the wrappers' prefixes. */
    private static String innermostMessage(Throwable failure) {
        Throwable innermost = failure;
        while (innermost.getCause() != null && innermost.getCause() != innermost) {
            innermost = innermost.getCause();
        }
        String message = innermost.getMessage();
        return message == null ? innermost.getClass().getSimpleName() : message;
    }
}
