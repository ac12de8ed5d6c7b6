package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.tls.TlsParameters;
import java.util.List;

/**
 * {@code tls}: the certificates of the gateway's {@code tls} listeners, and the protocol versions and TLS 1.2 cipher
 * suites they accept. A connection gets the certificate that best covers the name its client asks for (SNI): a vhost's
 * own {@link VhostTls#certificate() certificate} for the names its hosts match, then one of these whose names include
 * it exactly, then one whose wildcard covers it, then the first one, as nginx and Caddy choose. See
 * {@code src-docs/configuration.md}, <i>TLS</i>.
 *
 * @param certificates the certificates, the first one the default for clients that send no name or an unknown one;
 *                     may be empty when every vhost on a {@code tls} listener has its own
 * @param protocols    {@code TLSv1.3} and/or {@code TLSv1.2}
 * @param ciphers      TLS 1.2 cipher suites in IANA names, in the order the server prefers them; TLS 1.3 always
 *                     uses the JDK's suites
 */
public record TlsConfig(List<CertificateFiles> certificates, List<String> protocols, List<String> ciphers) {

    /** {@code tls.protocols} when not given: TLS 1.3 and 1.2, as Mozilla's "intermediate" profile. */
    public static final List<String> DEFAULT_PROTOCOLS = Keys.TLS_PROTOCOLS.defaultValue();

    /**
     * {@code tls.ciphers} when not given: Mozilla's "intermediate" TLS 1.2 suites (version 5.7), ECDSA before RSA,
     * forward secret and AEAD only.
     */
    public static final List<String> DEFAULT_CIPHERS = Keys.TLS_CIPHERS.defaultValue();

    /** No certificates, the default protocols and suites: what a configuration without {@code tls} has. */
    public static final TlsConfig DEFAULTS = new TlsConfig(List.of(), DEFAULT_PROTOCOLS, DEFAULT_CIPHERS);

    /**
     * Copies the lists; checks each protocol and suite as YAML does.
     *
     * @param certificates the certificates, in order
     * @param protocols    at least one of {@code TLSv1.3}, {@code TLSv1.2}
     * @param ciphers      at least one TLS 1.2 suite this JDK supports
     * @throws IllegalArgumentException naming the key of a protocol or suite that is not accepted, or of an empty list
     * @throws NullPointerException     for a missing list
     */
    public TlsConfig {
        certificates = List.copyOf(RecordChecks.present(Keys.TLS_CERTIFICATES, certificates));
        protocols = RecordChecks.each(Keys.TLS_PROTOCOLS, RecordChecks.notEmpty(Keys.TLS_PROTOCOLS, protocols),
                TlsParameters::protocol);
        // Every Java 17 has the default suites: looking them up would start JSSE (some 300 ms) for every
        // configuration, TLS or not.
        ciphers = RecordChecks.notEmpty(Keys.TLS_CIPHERS, ciphers).equals(DEFAULT_CIPHERS) ? DEFAULT_CIPHERS
                : RecordChecks.each(Keys.TLS_CIPHERS, ciphers, TlsParameters::cipherSuite);
    }
}
