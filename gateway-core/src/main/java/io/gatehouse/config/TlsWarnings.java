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
 * {@code tls} listener that the certificate its clients get does not cover (they would see a name mismatch): its
 * vhost's own certificate when it has one, as the handshake presents only that to its hosts, else a listed one. The
 * certificate files are read again, so the warnings are those of the files as they are now. Each warning is placed
 * at the {@code cert} or host it is about, with its line and column for a configuration read from YAML.
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
            Optional<CertificateFiles> pinned = vhost.tls().certificate();
            Optional<CertificatePair> pin = pinned.flatMap(files -> read(files, path + "."
                    + Keys.VHOST_TLS_GROUP.name() + "." + Keys.VHOST_TLS_CERTIFICATE.name(), now, file, warnings));
            for (int k = 0; k < vhost.hosts().size(); k++) {
                String host = vhost.hosts().get(k);
                // The handshake presents a vhost's own certificate to its hosts whether it covers them or not; one
                // that cannot be read has had its warning.
                boolean covered = pinned.isPresent() ? pin.map(pair -> covers(pair, host)).orElse(true)
                        : listed.stream().anyMatch(pair -> covers(pair, host));
                if (!host.equals("*") && !covered) {
                    Route.Origin at = vhost.hostsAt().isEmpty()
                            ? new Route.Origin(file, 0, 0, path + "." + Keys.VHOST_HOSTS.name() + "[" + k + "]")
                            : vhost.hostsAt().get(k);
                    warnings.add(at.problem("'" + host + "' of vhost '" + vhost.name() + "' is served on a tls listener, but "
                            + (pinned.isPresent() ? "its own certificate (tls.certificate) does not cover it"
                                    : "no certificate covers it")
                            + ": its clients will get a certificate for other names and refuse it"));
                }
            }
        }
        return warnings;
    }

    /**
     * The pair, with a warning at its {@code cert} when it expires soon; empty, with a warning saying why, when it
     * cannot be read now.
     */
    private static Optional<CertificatePair> read(CertificateFiles files, String path, Instant now, Optional<String> file,
                                                  List<ConfigProblem> warnings) {
        Route.Origin at = files.origin().equals(Route.Origin.UNKNOWN)
                ? new Route.Origin(file, 0, 0, path + "." + Keys.CERTIFICATE_CERT.name())
                : files.origin();
        CertificatePair pair;
        try {
            pair = CertificatePair.read(files, now);
        } catch (CertificateProblem e) {
            warnings.add(at.problem(e.getMessage()));
            return Optional.empty();
        }
        Duration left = Duration.between(now, pair.notAfter());
        if (left.compareTo(Duration.ofDays(SOON_DAYS)) < 0) {
            long days = left.toDays();
            warnings.add(at.problem("the certificate in " + files.cert() + " (" + pair.names() + ") expires "
                    + (days == 0 ? "within a day" : days == 1 ? "in 1 day" : "in " + days + " days") + ", on "
                    + pair.notAfter() + "; renew it (certbot renew), then reload"));
        }
        return Optional.of(pair);
    }

    /** A wildcard host pattern is covered by the same wildcard name; an exact one as a browser decides. */
    private static boolean covers(CertificatePair pair, String host) {
        return host.startsWith("*.") ? pair.names().names().contains(host) : pair.names().covers(host);
    }
}
