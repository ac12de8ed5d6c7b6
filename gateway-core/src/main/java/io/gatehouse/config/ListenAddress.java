package io.gatehouse.config;

/**
 * One listener: a host (an IP literal or name), a port, and what it speaks. {@code ":8080"} in YAML means every IPv4
 * address, as nginx's {@code listen 8080}; flags after the address, separated by spaces, say what the listener speaks
 * besides plain HTTP/1.1: {@code ":443 tls"} is HTTPS (HTTP/2 and HTTP/1.1 through ALPN, as nginx's
 * {@code listen 443 ssl} with {@code http2 on}), {@code ":8080 h2c"} plain HTTP/1.1 and HTTP/2 with prior knowledge.
 *
 * <p>A listener is one socket: the same host and port written twice must carry the same flags (checked by
 * {@link GatewayConfig#validate()}).
 *
 * @param host an IP literal (IPv6 without brackets) or a name
 * @param port 0 to 65535; 0 picks a free port when bound
 * @param tls  HTTPS: TLS with the gateway's certificates, HTTP/2 or HTTP/1.1 chosen by ALPN
 * @param h2c  plain HTTP/2 with prior knowledge beside HTTP/1.1; never with {@code tls}
 */
public record ListenAddress(String host, int port, boolean tls, boolean h2c) {

    /** The flag of a TLS listener, as written after the address. */
    public static final String TLS = "tls";
    /** The flag of a plain listener that also takes HTTP/2 with prior knowledge. */
    public static final String H2C = "h2c";

    /**
     * Checks the host, port and flags.
     *
     * @param host not empty
     * @param port 0 to 65535
     * @param tls  HTTPS
     * @param h2c  plain HTTP/2 with prior knowledge
     * @throws IllegalArgumentException when the host is empty, the port out of range, or both flags are set
     */
    public ListenAddress {
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("listen host must not be empty");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("listen port must be 0-65535, got " + port);
        }
        if (tls && h2c) {
            throw new IllegalArgumentException("a listener is either \"tls\" (HTTP/2 through ALPN) or \"h2c\", not both");
        }
    }

    /**
     * A plain HTTP/1.1 listener.
     *
     * @param host not empty
     * @param port 0 to 65535
     * @throws IllegalArgumentException when the host is empty or the port out of range
     */
    public ListenAddress(String host, int port) {
        this(host, port, false, false);
    }

    /**
     * The same socket address with other flags.
     *
     * @param tls HTTPS
     * @param h2c plain HTTP/2 with prior knowledge
     * @return the listener at this host and port speaking as the flags say
     * @throws IllegalArgumentException when both flags are set
     */
    public ListenAddress speaking(boolean tls, boolean h2c) {
        return new ListenAddress(host, port, tls, h2c);
    }

    /**
     * Whether {@code other} is the same socket address, whatever either speaks.
     *
     * @param other another listener
     * @return true when host (as written) and port are equal
     */
    public boolean sameSocket(ListenAddress other) {
        return port == other.port && host.equals(other.host);
    }

    /**
     * Parses {@code "host:port"}, {@code ":port"} (0.0.0.0) or {@code "[v6]:port"}, then the flags, each once:
     * {@code ":443 tls"}, {@code ":8080 h2c"}.
     *
     * @param text as written in {@code listen}
     * @return the address
     * @throws IllegalArgumentException saying what is wrong and what would be valid
     */
    public static ListenAddress parse(String text) {
        String[] words = text.trim().split("\\s+");
        boolean tls = false;
        boolean h2c = false;
        for (int i = 1; i < words.length; i++) {
            boolean repeated;
            if (words[i].equals(TLS)) {
                repeated = tls;
                tls = true;
            } else if (words[i].equals(H2C)) {
                repeated = h2c;
                h2c = true;
            } else {
                throw new IllegalArgumentException("unknown listener flag \"" + words[i] + "\" in \"" + text
                        + "\"; expected \"tls\" or \"h2c\" after the address, as \":443 tls\"");
            }
            if (repeated) {
                throw new IllegalArgumentException("listener flag \"" + words[i] + "\" given twice in \"" + text + "\"");
            }
        }
        ListenAddress address = parseAddress(words[0], text);
        return tls || h2c ? address.speaking(tls, h2c) : address;
    }

    private static ListenAddress parseAddress(String value, String text) {
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
    /** Equal when the other is a {@code ListenAddress} with the same host, as written, port and flags. */
    @Override
    public boolean equals(Object other) {
        return other instanceof ListenAddress that && sameSocket(that) && tls == that.tls && h2c == that.h2c;
    }

    @Override
    public int hashCode() {
        return 31 * host.hashCode() + port + (tls ? 1 << 17 : 0) + (h2c ? 1 << 18 : 0);
    }

    /** @return as YAML writes it: {@code 127.0.0.1:8080}, {@code [::1]:8080}, {@code 0.0.0.0:443 tls} */
    @Override
    public String toString() {
        String address = (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
        return tls ? address + " " + TLS : h2c ? address + " " + H2C : address;
    }
}
