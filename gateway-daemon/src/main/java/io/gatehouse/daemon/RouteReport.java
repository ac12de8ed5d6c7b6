package io.gatehouse.daemon;

import io.gatehouse.config.Action;
import io.gatehouse.config.CertificateFiles;
import io.gatehouse.config.EchoConfig;
import io.gatehouse.config.FastCgiConfig;
import io.gatehouse.config.FilesConfig;
import io.gatehouse.config.GatewayConfig;
import io.gatehouse.config.ListenAddress;
import io.gatehouse.config.ProxyConfig;
import io.gatehouse.config.RedirectConfig;
import io.gatehouse.config.RespondConfig;
import io.gatehouse.config.RewriteConfig;
import io.gatehouse.config.Route;
import io.gatehouse.config.TlsConfig;
import io.gatehouse.config.VhostTls;
import io.gatehouse.config.VirtualHost;
import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.tls.CertificatePair;
import io.gatehouse.internal.tls.CertificateProblem;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The effective routes of a configuration as {@code gatehouse check} prints them: each listener, then the vhosts
 * bound to it (in configuration order) with their host names and a summary of their action, with every default
 * filled in: one line, or for a proxy two, the second indented under the first; a vhost's own {@code tls} on a line
 * under its hosts. When a listener speaks TLS, the certificates it chooses from follow, each with the names and expiry
 * of its file as it is now and the path of its key (never the key), then the protocols and ciphers. Example:
 *
 * <pre>
 * listen 127.0.0.1:8080 (2 vhosts)
 *   localhost      hosts localhost, 127.0.0.1
 *                  files root /srv/gatehouse/config/www, index [index.html], listing off
 *   app.localhost  hosts app.localhost
 *                  proxy http://127.0.0.1:9000, preserveHost on, connect 5s, response 1m
 *                    idle 1m, connections 64, queue 1024, balance round-robin, retries 0, health failures 3 coolOff 10s
 * listen 0.0.0.0:443 tls (1 vhost)
 *   example.com  hosts example.com, www.example.com
 *                tls redirect on, hsts max-age=63072000; includeSubDomains
 *                files root /srv/www, index [index.html], listing off
 * tls.certificates:
 *   certificate /etc/tls/fullchain.pem: example.com, www.example.com; expires 2027-03-01 (UTC), key /etc/tls/privkey.pem
 * tls.protocols: TLSv1.3, TLSv1.2
 * tls.ciphers: TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, ... (TLS 1.2; TLS 1.3 uses the JDK's suites)
 * </pre>
 */
final class RouteReport {

    private RouteReport() {
    }

    static String of(GatewayConfig config) {
        StringBuilder text = new StringBuilder();
        for (ListenAddress listener : config.allListeners()) {
            List<VirtualHost> bound = config.vhosts().stream()
                    .filter(vhost -> config.listenersOf(vhost).contains(listener))
                    .toList();
            int width = bound.stream().mapToInt(vhost -> vhost.name().length()).max().orElse(0) + 2;
            text.append("listen ").append(listener).append(" (").append(count(bound.size(), "vhost")).append(")\n");
            for (VirtualHost vhost : bound) {
                String indent = " ".repeat(2 + width);
                text.append("  ").append(pad(vhost.name(), width)).append("hosts ").append(String.join(", ", vhost.hosts())).append('\n');
                if (!vhost.tls().equals(VhostTls.NONE)) {
                    text.append(indent).append(vhostTls(vhost.tls())).append('\n');
                }
                for (Route route : vhost.routes()) {
                    text.append(indent);
                    if (!route.matchesEverything()) {
                        text.append(route.describeConditions()).append(" → ");
                    }
                    List<String> lines = action(route.action());
                    text.append(lines.get(0)).append('\n');
                    for (String continuation : lines.subList(1, lines.size())) {
                        text.append(indent).append("  ").append(continuation).append('\n');
                    }
                }
            }
        }
        if (!config.tls().certificates().isEmpty() || config.allListeners().stream().anyMatch(ListenAddress::tls)) {
            tls(config.tls(), text);
        }
        text.append(Keys.FORWARDED_TRUSTED.path()).append(": ").append(config.forwarded().trusted().isEmpty()
                ? "none (X-Forwarded-* headers from every peer are replaced, not extended)"
                : config.forwarded().trusted().toString()).append('\n');
        text.append(Keys.TOP_ACCESS_LOG.path()).append(": ").append(config.accessLog().enabled()
                ? config.accessLog().path() + " (" + Keys.spelling(config.accessLog().format()) + ")"
                : "off").append('\n');
        text.append(Keys.SHUTDOWN_DRAIN_TIMEOUT.path()).append(": ").append(duration(config.shutdown().drainTimeout())).append('\n');
        return text.toString();
    }

    /** The certificates every tls listener chooses from, one a line, then the protocols and TLS 1.2 ciphers. */
    private static void tls(TlsConfig tls, StringBuilder text) {
        text.append(Keys.TLS_CERTIFICATES.path()).append(':');
        if (tls.certificates().isEmpty()) {
            text.append(" none (each tls listener presents the own certificates of its vhosts)");
        }
        text.append('\n');
        for (CertificateFiles files : tls.certificates()) {
            text.append("  ").append(certificate(files)).append('\n');
        }
        text.append(Keys.TLS_PROTOCOLS.path()).append(": ").append(String.join(", ", tls.protocols())).append('\n');
        text.append(Keys.TLS_CIPHERS.path()).append(": ").append(String.join(", ", tls.ciphers()))
                .append(" (TLS 1.2; TLS 1.3 uses the JDK's suites)\n");
    }

    /** A vhost's own certificate, redirect and HSTS, on one line under its hosts. */
    private static String vhostTls(VhostTls tls) {
        StringBuilder text = new StringBuilder(Keys.VHOST_TLS_GROUP.name()).append(' ');
        tls.certificate().ifPresent(files -> text.append(certificate(files)).append(", "));
        text.append(label(Keys.VHOST_TLS_REDIRECT, onOff(tls.redirect())));
        return text.append(", ").append(label(Keys.VHOST_TLS_HSTS, tls.hsts().orElse("off"))).toString();
    }

    /**
     * {@code certificate fullchain.pem: a.test, www.a.test; expires 2027-03-01 (UTC), key privkey.pem}: the names and
     * expiry of the leaf as the file is now, and where the key is; never anything of the key itself.
     */
    private static String certificate(CertificateFiles files) {
        String leaf;
        try {
            CertificatePair pair = CertificatePair.read(files, Instant.now());
            leaf = pair.names() + "; expires " + pair.notAfter().atZone(ZoneOffset.UTC).toLocalDate() + " (UTC)";
        } catch (CertificateProblem e) {
            leaf = "cannot be read now: " + e.getMessage();
        }
        return Keys.VHOST_TLS_CERTIFICATE.name() + " " + files.cert() + ": " + leaf + ", "
                + label(Keys.CERTIFICATE_KEY, files.key());
    }

    static String count(int n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }

    /**
     * What marks a backend out: never passive failures for an only backend (nginx does not either), and a marked-out
     * backend is still tried when every backend is marked out.
     */
    private static String passiveHealth(ProxyConfig proxy) {
        ProxyConfig.Health health = proxy.health();
        return proxy.backends().size() == 1 ? label(Keys.HEALTH_FAILURES, "off (the only backend)")
                : label(Keys.HEALTH_FAILURES, health.failures()) + " " + label(Keys.HEALTH_COOL_OFF, duration(health.coolOff()));
    }

    /** The summary of an action: its first line, then any continuation lines. */
    private static List<String> action(Action action) {
        if (action instanceof ProxyConfig proxy) {
            ProxyConfig.Health health = proxy.health();
            return List.of(proxy.kind() + " " + proxy.backends().stream().map(URI::toString).collect(Collectors.joining(", "))
                            + ", " + label(Keys.PROXY_PRESERVE_HOST, onOff(proxy.preserveHost()))
                            + ", " + label(Keys.PROXY_TIMEOUTS_CONNECT, duration(proxy.connectTimeout()))
                            + ", " + label(Keys.PROXY_TIMEOUTS_RESPONSE, duration(proxy.responseTimeout()))
                            + ", " + label(Keys.PROXY_TIMEOUTS_READ, duration(proxy.readTimeout())),
                    label(Keys.PROXY_TIMEOUTS_IDLE, duration(proxy.idleTimeout()))
                            + ", " + label(Keys.PROXY_CONNECTIONS, proxy.connectionsPerBackend()) + " idle"
                            + ", " + (proxy.maxConnections() == ProxyConfig.NO_CONNECTION_CAP ? label(Keys.PROXY_MAX_CONNECTIONS, "none")
                                    : label(Keys.PROXY_MAX_CONNECTIONS, proxy.maxConnections()) + " " + label(Keys.PROXY_QUEUE, proxy.queueSize()))
                            + ", " + label(Keys.PROXY_BALANCE, Keys.spelling(proxy.balance()))
                            + ", " + label(Keys.PROXY_RETRIES, proxy.retries())
                            + ", " + label(Keys.PROXY_HEALTH, passiveHealth(proxy))
                            + health.check().map(check -> " check " + check.path() + " every " + duration(check.interval())
                                    + " " + label(Keys.HEALTH_EXPECT, check.expect())).orElse(""));
        }
        if (action instanceof FilesConfig files) {
            StringBuilder text = new StringBuilder(files.kind()).append(' ').append(label(Keys.FILES_ROOT, files.root()));
            files.fallbackRoot().ifPresent(fallback -> text.append(", ").append(label(Keys.FILES_FALLBACK_ROOT, fallback)));
            text.append(", ").append(label(Keys.FILES_INDEX, files.index()));
            if (!files.deny().isEmpty()) {
                text.append(", ").append(label(Keys.FILES_DENY, quoted(files.deny())));
            }
            // always shown: it is on unless turned off, and it changed what a root serves
            text.append(", ").append(label(Keys.FILES_STATIC_EXCLUDE,
                    files.staticExclude().isEmpty() ? "none (scripts are sent as files)" : quoted(files.staticExclude())));
            text.append(", ").append(label(Keys.FILES_LISTING, onOff(files.listing())));
            if (!files.noRanges().isEmpty()) {
                text.append(", ").append(label(Keys.FILES_NO_RANGES, files.noRanges().stream().map(Pattern::pattern).toList()));
            }
            return files.fastcgi().map(fastcgi -> List.of(text.toString(), fastCgi(fastcgi))).orElse(List.of(text.toString()));
        }
        if (action instanceof EchoConfig) {
            return List.of("echo (answers with the request it received)");
        }
        if (action instanceof RedirectConfig redirect) {
            return List.of("redirect " + redirect.status() + " " + redirect.to());
        }
        if (action instanceof RespondConfig respond) {
            return List.of("respond " + respond.status());
        }
        if (action instanceof RewriteConfig rewrite) {
            return List.of("rewrite to " + rewrite.to() + ", then the next routes");
        }
        throw new IllegalStateException("unknown action " + action.kind());
    }

    /**
     * The FastCGI servers a files action runs its scripts on (or the php-cgi processes it spawns), on a line of their
     * own under the action's, with how many connections each server gets.
     */
    private static String fastCgi(FastCgiConfig fastcgi) {
        String servers = fastcgi.spawn().map(RouteReport::spawned)
                .orElseGet(() -> fastcgi.backends().stream().map(URI::toString).collect(Collectors.joining(", ")));
        return Keys.FILES_FASTCGI.name() + " " + servers
                + ", " + label(Keys.FASTCGI_EXTENSIONS, quoted(fastcgi.extensions())) + " (run, not refused)"
                + ", " + label(Keys.FASTCGI_TIMEOUTS_CONNECT, duration(fastcgi.connectTimeout()))
                + ", " + label(Keys.FASTCGI_TIMEOUTS_RESPONSE, duration(fastcgi.responseTimeout()))
                + ", " + label(Keys.FASTCGI_TIMEOUTS_READ, duration(fastcgi.readTimeout()))
                + ", " + label(Keys.FASTCGI_KEEP_ALIVE, fastcgi.keepAlive())
                + ", " + label(Keys.FASTCGI_MAX_CONNECTIONS, fastcgi.maxConnections() == 0
                        ? "none (no cap)" : fastcgi.maxConnections() + " (more wait in the gateway)")
                + fastcgi.frontController().map(path -> ", " + label(Keys.FASTCGI_FRONT_CONTROLLER, path)).orElse("");
    }

    /** {@code spawn 2 x "/usr/bin/php-cgi" (children 4, maxRequests 500)}: the processes the gateway runs. */
    private static String spawned(FastCgiConfig.Spawn spawn) {
        return Keys.FASTCGI_SPAWN.name() + " " + spawn.processes() + " x \"" + spawn.command() + "\" ("
                + label(Keys.SPAWN_CHILDREN, spawn.children()) + ", " + label(Keys.SPAWN_MAX_REQUESTS, spawn.maxRequests()) + ")";
    }

    /** {@code ["~", ".inc"]}: suffixes in quotes, as YAML needs {@code "~"} quoted. */
    private static List<String> quoted(List<String> suffixes) {
        return suffixes.stream().map(s -> '"' + s + '"').toList();
    }

    /** {@code key value}: a value labelled with the name of the key that sets it. */
    private static String label(Keys.Key<?> key, Object value) {
        return key.name() + " " + value;
    }

    private static String pad(String text, int width) {
        return text.length() >= width ? text + " " : text + " ".repeat(width - text.length());
    }

    private static String onOff(boolean value) {
        return value ? "on" : "off";
    }

    /** The YAML spelling ({@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h}) rather than ISO-8601 {@code PT5S}. */
    static String duration(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 1000 != 0 || millis == 0) {
            return millis + "ms";
        }
        long seconds = millis / 1000;
        if (seconds % 3600 == 0) {
            return seconds / 3600 + "h";
        }
        if (seconds % 60 == 0) {
            return seconds / 60 + "m";
        }
        return seconds + "s";
    }
}
