package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.tls.TlsParameters;
import java.util.Optional;

/**
 * {@code vhosts[].tls}: a vhost's own certificate, and how it moves its clients to HTTPS.
 *
 * @param certificate presented to the names this vhost's hosts match, before the top-level {@code tls.certificates}
 *                    (nginx's {@code ssl_certificate} in a {@code server} block)
 * @param redirect    on its plain listeners, answer with a redirect to the same URL over HTTPS (301 for GET and HEAD,
 *                    308 otherwise), except {@code /.well-known/acme-challenge/}; needs a {@code tls} listener
 * @param hsts        the {@code Strict-Transport-Security} value sent on its responses over TLS, like
 *                    {@code max-age=63072000; includeSubDomains}
 */
public record VhostTls(Optional<CertificateFiles> certificate, boolean redirect, Optional<String> hsts) {

    /** No certificate of its own, no redirect, no HSTS: a vhost without {@code tls}. */
    public static final VhostTls NONE = new VhostTls(Optional.empty(), false, Optional.empty());

    /**
     * Checks the HSTS value as YAML does.
     *
     * @param certificate its own certificate, or empty
     * @param redirect    whether plain HTTP is redirected to HTTPS
     * @param hsts        the header value, or empty
     * @throws IllegalArgumentException when {@code hsts} does not start with {@code max-age=} and a number, or holds
     *                                  a control character
     * @throws NullPointerException     for a missing optional
     */
    public VhostTls {
        RecordChecks.present(Keys.VHOST_TLS_CERTIFICATE, certificate);
        RecordChecks.present(Keys.VHOST_TLS_HSTS, hsts).ifPresent(value -> {
            try {
                TlsParameters.hsts(value);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(Keys.VHOST_TLS_HSTS.path() + ": " + e.getMessage(), e);
            }
        });
    }
}
