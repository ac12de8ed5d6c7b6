package io.gatehouse.config;

/**
 * One listener: a host (an IP literal or name) and a port. {@code ":8080"} in YAML means every IPv4 address,
 * as nginx's {@code listen 8080}.
 *
 * @param host an IP literal (IPv6 without brackets) or a name
 * @param port 0 to 65535; 0 picks a free port when bound
 */
public record ListenAddress(String host, int port) {

    /**
     * Checks the host and port.
     *
     * @param host not empty
     * @param port 0 to 65535
     * @throws IllegalArgumentException when the host is empty or the port out of range
     */
    public ListenAddress {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("listen host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port must be 0-65535, got " + port);
        }
    }

    /**
     * Parses {@code "host:port"}, {@code ":port"} (0.0.0.0) or {@code "[v6]:port"}.
     *
     * @param text as written in {@code listen}
     * @return the address
     * @throws IllegalArgumentException saying what is wrong and what would be valid
     */
    public static ListenAddress parse(String text) {
        String value = text.trim();
        int colon = value.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected \"host:port\" or \":port\", got \"" + text + "\"");
        }
        String host = value.substring(0, colon);
        String portText = value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number 0-65535, got \"" + portText + "\"");
        }
        return new ListenAddress(host, port);
    }

    // Written out rather than generated: a record's generated equals and hashCode link method handles the first
    // time they run, which the interpreter takes milliseconds over (tens for the first record method of the JVM),
    // and the gateway compares listeners while it starts (src-docs/performance.md, start-up).
    /** Equal when the other is a {@code ListenAddress} with the same host, as written, and port. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ListenAddress that && port == that.port && host.equals(that.host);
    }

    @Override
    public int hashCode() {
        return 31 * host.hashCode() + port;
    }

    /** @return as YAML writes it: {@code 127.0.0.1:8080}, {@code [::1]:8080} */
    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
