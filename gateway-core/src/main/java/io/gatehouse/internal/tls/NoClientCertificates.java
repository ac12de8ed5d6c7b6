package io.gatehouse.internal.tls;

import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The trust manager of Gatehouse's server-side contexts: they never ask a client for a certificate, so they trust
 * none. Given to {@code SSLContext.init} instead of null, which makes the JDK load its default trust store (about 140
 * CA certificates, parsed, 1.5-2 MiB of heap kept as long as the context) for checks that never happen. Any call to
 * check a certificate fails.
 */
final class NoClientCertificates implements X509TrustManager {

    private static final X509Certificate[] NONE = new X509Certificate[0];

    /** @return a one-element array, as {@code SSLContext.init} takes it */
    static TrustManager[] trustManagers() {
        return new TrustManager[] {new NoClientCertificates()};
    }

    private NoClientCertificates() {
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refusal();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
        throw refusal();
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
        return NONE;
    }

    private static CertificateException refusal() {
        return new CertificateException("Gatehouse's server side trusts no certificate: it never asks for one");
    }
}
