package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.tls.CertificatePair;
import io.gatehouse.internal.tls.CertificateProblem;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What is valid about TLS but deserves the operator's attention before clients notice: a certificate that expires
 * within {@value #SOON_DAYS} days (certbot renews 30 days ahead, so a renewal has failed), and a host of a vhost on a
 * {@code tls} listener that no certificate covers (its clients would get a name mismatch). The certificate files are
 * read again, so the warnings are those of the files as they are now.
 */
final class TlsWarnings {

    static final int SOON_DAYS = 14;

    private TlsWarnings() {
    }

    static List<ConfigProblem> of(GatewayConfig config, Instant now) {
        Optional<String> file = config.source().map(Path::toString);
        List<ConfigProblem> warnings = new ArrayList<>();
        List<CertificatePair> listed = new ArrayList<>();
        List<CertificateFiles> certificates = config.tls().certificates();
        for (int i = 0; i < certificates.size(); i++) {
            read(certificates.get(i), Keys.TLS_CERTIFICATES.path() + "[" + i + "]", now, file, warnings).ifPresent(listed::add);
        }
        for (int i = 0; i < config.vhosts().size(); i++) {
            VirtualHost vhost = config.vhosts().get(i);
            if (config.listenersOf(vhost).stream().noneMatch(ListenAddress::tls)) {
                continue;
            }
            String path = Keys.VHOSTS.name() + "[" + i + "]";
            Optional<CertificatePair> pin = vhost.tls().certificate().flatMap(files -> read(files, path + "."
                    + Keys.VHOST_TLS_GROUP.name() + "." + Keys.VHOST_TLS_CERTIFICATE.name(), now, file, warnings));
            for (int k = 0; k < vhost.hosts().size(); k++) {
                String host = vhost.hosts().get(k);
                if (!host.equals("*") && !covered(host, pin, listed)) {
                    warnings.add(new ConfigProblem(file, 0, 0, path + "." + Keys.VHOST_HOSTS.name() + "[" + k + "]",
                            "'" + host + "' of vhost '" + vhost.name() + "' is served on a tls listener, but no certificate"
                                    + " covers it: its clients will get a certificate for other names and refuse it"));
                }
            }
        }
        return warnings;
    }

    /** The pair, with a warning when it expires soon; empty, with a warning saying why, when it cannot be read now. */
    private static Optional<CertificatePair> read(CertificateFiles files, String path, Instant now, Optional<String> file,
                                                  List<ConfigProblem> warnings) {
        CertificatePair pair;
        try {
            pair = CertificatePair.read(files, now);
        } catch (CertificateProblem e) {
            warnings.add(new ConfigProblem(file, 0, 0, path, e.getMessage()));
            return Optional.empty();
        }
        Duration left = Duration.between(now, pair.notAfter());
        if (left.compareTo(Duration.ofDays(SOON_DAYS)) < 0) {
            long days = left.toDays();
            warnings.add(new ConfigProblem(file, 0, 0, path, "the certificate in " + files.cert() + " (" + pair.names()
                    + ") expires " + (days == 0 ? "within a day" : days == 1 ? "in 1 day" : "in " + days + " days") + ", on "
                    + pair.notAfter() + "; renew it (certbot renew), then reload"));
        }
        return Optional.of(pair);
    }

    /** Whether a certificate a client asking for {@code host} may get covers it: its vhost's own, or a listed one. */
    private static boolean covered(String host, Optional<CertificatePair> pin, List<CertificatePair> listed) {
        if (pin.isPresent() && covers(pin.get(), host)) {
            return true;
        }
        return listed.stream().anyMatch(pair -> covers(pair, host));
    }

    /** A wildcard host pattern is covered by the same wildcard name; an exact one as a browser decides. */
    private static boolean covers(CertificatePair pair, String host) {
        return host.startsWith("*.") ? pair.names().names().contains(host) : pair.names().covers(host);
    }
}
