package io.gatehouse.internal.tls;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The DNS names a server certificate is valid for, and whether a host is among them, as browsers decide it
 * (RFC 6125): the subject alternative names of type DNS only, since browsers no longer read the subject's common name
 * (Chrome since version 58, Firefox since 48); a wildcard {@code *.example.com} covers exactly one more label ({@code a.example.com}, not {@code example.com} nor
 * {@code a.b.example.com}). Names are compared lower case, without a trailing dot. Immutable.
 */
public final class CertificateNames {

    private final List<String> exact = new ArrayList<>();
    /** The part after {@code *}, dot included: {@code .example.com}. */
    private final List<String> wildcardSuffixes = new ArrayList<>();
    private final List<String> names;

    private CertificateNames(List<String> names) {
        this.names = List.copyOf(names);
        for (String name : this.names) {
            if (name.startsWith("*.")) {
                wildcardSuffixes.add(name.substring(1));
            } else {
                exact.add(name);
            }
        }
    }

    /**
     * The names {@code certificate} covers.
     *
     * @param certificate a server (leaf) certificate
     * @return its names (DNS names, and IP addresses as a Host header writes them: {@code 127.0.0.1},
     *         {@code [::1]}); none when it has no such subject alternative name
     */
    public static CertificateNames of(X509Certificate certificate) {
        List<String> names = new ArrayList<>();
        try {
            Collection<List<?>> alternatives = certificate.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alternative : alternatives) {
                    if (Integer.valueOf(2).equals(alternative.get(0)) && alternative.get(1) instanceof String dns) {
                        names.add(normalise(dns));
                    } else if (Integer.valueOf(7).equals(alternative.get(0)) && alternative.get(1) instanceof String ip) {
                        names.add(ipLiteral(ip));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            // An extension the JDK cannot parse names nothing.
        }
        return new CertificateNames(names);
    }

    /** @return the names as the certificate lists them, lower case: {@code example.com}, {@code *.example.com} */
    public List<String> names() {
        return names;
    }

    /**
     * Whether a client may use this certificate for {@code host}.
     *
     * @param host a host name, any case, with or without a trailing dot, or an IP literal ({@code [v6]} in brackets)
     * @return true when an exact name or IP address equals it, or a wildcard covers its first label
     */
    public boolean covers(String host) {
        String name = host.startsWith("[") ? ipLiteral(host.substring(1, host.length() - 1)) : normalise(host);
        if (exact.contains(name)) {
            return true;
        }
        int dot = name.indexOf('.');
        return dot > 0 && wildcardSuffixes.contains(name.substring(dot));
    }

    /**
     * Whether {@code host} is covered by an exact name, not only by a wildcard: an exact match wins when choosing a
     * certificate by SNI, as nginx and Caddy choose.
     *
     * @param host a host name, any case
     * @return true when one of the exact names equals it
     */
    public boolean coversExactly(String host) {
        return exact.contains(normalise(host));
    }

    /**
     * An IP address in one spelling whatever the certificate or the client wrote: IPv4 as is, IPv6 in the JDK's full
     * form in brackets ({@code [0:0:0:0:0:0:0:1]}). A literal is parsed without any lookup.
     */
    private static String ipLiteral(String address) {
        if (address.indexOf(':') < 0) {
            return address;
        }
        try {
            return "[" + java.net.InetAddress.getByName(address).getHostAddress() + "]";
        } catch (java.net.UnknownHostException e) {
            return "[" + address + "]";
        }
    }

    private static String normalise(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }

    @Override
    public String toString() {
        return String.join(", ", names);
    }
}
