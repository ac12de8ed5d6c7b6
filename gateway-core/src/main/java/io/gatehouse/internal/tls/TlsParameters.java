package io.gatehouse.internal.tls;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;

/**
 * The protocol versions and TLS 1.2 cipher suites a configuration may name: TLS 1.2 and 1.3 only (as Mozilla's
 * "intermediate" and Caddy's defaults; SSLv3 to TLS 1.1 are broken or deprecated, RFC 8996), and suites in their
 * IANA names ({@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, as the JDK names them) that this JDK supports. TLS 1.3
 * suites are not configurable, as with nginx's {@code ssl_ciphers}: the JDK's own are always used.
 */
public final class TlsParameters {

    /** The versions {@code tls.protocols} may list. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private TlsParameters() {
    }

    /**
     * Checks one entry of {@code tls.protocols}.
     *
     * @param name as written
     * @return {@code name}
     * @throws IllegalArgumentException when it is not TLSv1.2 or TLSv1.3, saying which are accepted
     */
    public static String protocol(String name) {
        if (!PROTOCOLS.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is not accepted; write TLSv1.3 and/or TLSv1.2 (older versions"
                    + " are broken or deprecated, RFC 8996)");
        }
        return name;
    }

    /**
     * Checks one entry of {@code tls.ciphers}.
     *
     * @param name as written
     * @return {@code name}
     * @throws IllegalArgumentException when this JDK has no TLS 1.2 suite of that name, or it is a TLS 1.3 suite,
     *                                  saying what would be valid
     */
    public static String cipherSuite(String name) {
        if (Supported.TLS13.contains(name)) {
            throw new IllegalArgumentException("'" + name + "' is a TLS 1.3 suite; list TLS 1.2 suites only, TLS 1.3"
                    + " uses all of the JDK's (" + String.join(", ", Supported.TLS13) + ")");
        }
        if (!Supported.TLS12.contains(name)) {
            String hint = name.contains("-") ? "; write IANA names, like TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 for"
                    + " OpenSSL's ECDHE-RSA-AES128-GCM-SHA256" : "; write IANA names, like TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
            throw new IllegalArgumentException("unknown cipher suite '" + name + "' (this Java has no such TLS 1.2 suite)"
                    + hint);
        }
        return name;
    }

    /**
     * Checks a {@code Strict-Transport-Security} value (RFC 6797): {@code max-age=} and seconds first, then any
     * directives, printable characters only (it is sent as a header).
     *
     * @param value as written in {@code vhosts[].tls.hsts}
     * @return {@code value}
     * @throws IllegalArgumentException saying what would be valid
     */
    public static String hsts(String value) {
        if (!value.matches("max-age=\\d{1,10}(\\s*;[\\x20-\\x7e]*)?")) {
            throw new IllegalArgumentException("'" + value + "' is not a Strict-Transport-Security value; write"
                    + " max-age= and seconds first, like \"max-age=63072000; includeSubDomains\"");
        }
        return value;
    }

    /**
     * The suites an engine enables for {@code ciphers}: the JDK's TLS 1.3 suites, then {@code ciphers} in their
     * order (which the server prefers).
     *
     * @param ciphers TLS 1.2 suites, each accepted by {@link #cipherSuite}
     * @return the names for {@link SSLEngine#setEnabledCipherSuites}
     */
    public static String[] enabledSuites(List<String> ciphers) {
        Set<String> suites = new LinkedHashSet<>(Supported.TLS13);
        suites.addAll(ciphers);
        return suites.toArray(String[]::new);
    }

    /** What this JDK supports, looked up once, when a suite is first checked. */
    private static final class Supported {
        static final Set<String> TLS12;
        static final Set<String> TLS13;

        static {
            try {
                SSLContext context = SSLContext.getInstance("TLSv1.3");
                context.init(null, NoClientCertificates.trustManagers(), null);
                Set<String> tls12 = new LinkedHashSet<>(Arrays.asList(context.getSupportedSSLParameters().getCipherSuites()));
                Set<String> tls13 = new LinkedHashSet<>();
                for (String suite : context.getDefaultSSLParameters().getCipherSuites()) {
                    // TLS 1.3 suites name neither key exchange nor authentication: TLS_AES_128_GCM_SHA256.
                    if (!suite.contains("_WITH_") && suite.startsWith("TLS_")) {
                        tls13.add(suite);
                    }
                }
                tls12.removeAll(tls13);
                tls12.removeIf(suite -> suite.startsWith("TLS_EMPTY_RENEGOTIATION"));
                TLS12 = Set.copyOf(tls12);
                TLS13 = Collections.unmodifiableSet(tls13);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("this Java has no TLS 1.3", e);
            }
        }
    }
}
