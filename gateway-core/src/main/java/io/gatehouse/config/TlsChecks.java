package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import io.gatehouse.internal.config.Problems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The TLS rules across records, for YAML, the builder and records built in code alike (see {@link CrossChecks}):
 * every {@code tls} listener has a certificate to present (a top-level one, or the own certificate of a vhost bound to
 * it), and a vhost that redirects plain HTTP to HTTPS has a {@code tls} listener to redirect to.
 */
final class TlsChecks {

    private TlsChecks() {
    }

    /**
     * What the rules need of one vhost.
     *
     * @param vhost      the vhost
     * @param listenAt   where its own {@code listen} is written (the vhost, when it has none)
     * @param redirectAt where its {@code tls.redirect} is written
     */
    record Claim(VirtualHost vhost, CrossChecks.Place listenAt, CrossChecks.Place redirectAt) {
    }

    /** Every rule, for a configuration built from the records in code. */
    static void check(GatewayConfig config, Problems problems) {
        List<Claim> claims = new ArrayList<>();
        for (int i = 0; i < config.vhosts().size(); i++) {
            String path = Keys.VHOSTS.name() + "[" + i + "]";
            claims.add(new Claim(config.vhosts().get(i), CrossChecks.Place.inCode(path + "." + Keys.VHOST_LISTEN.name()),
                    CrossChecks.Place.inCode(path + "." + Keys.VHOST_TLS_GROUP.name() + "." + Keys.VHOST_TLS_REDIRECT.name())));
        }
        check(claims, config.tls(), config.listen(), CrossChecks.Place.inCode(Keys.LISTEN.path()), problems);
    }

    /**
     * Both rules; each problem is placed where the listener or the redirect is written.
     *
     * @param defaultListen   the top-level {@code listen}
     * @param defaultListenAt where it is written
     */
    static void check(List<Claim> vhosts, TlsConfig tls, List<ListenAddress> defaultListen, CrossChecks.Place defaultListenAt,
                      Problems problems) {
        refuseRedirectsWithoutTls(vhosts, defaultListen, problems);
        if (!tls.certificates().isEmpty()) {
            return;
        }
        // Each tls listener, where it is first written, and whether a vhost on it brings a certificate of its own.
        Map<ListenAddress, CrossChecks.Place> writtenAt = new LinkedHashMap<>();
        Map<ListenAddress, Boolean> pinned = new LinkedHashMap<>();
        for (Claim claim : vhosts) {
            boolean own = !claim.vhost().listen().isEmpty();
            for (ListenAddress listener : own ? claim.vhost().listen() : defaultListen) {
                if (listener.tls()) {
                    writtenAt.putIfAbsent(listener, own ? claim.listenAt() : defaultListenAt);
                    pinned.merge(listener, claim.vhost().tls().certificate().isPresent(), Boolean::logicalOr);
                }
            }
        }
        writtenAt.forEach((listener, at) -> {
            if (!pinned.get(listener)) {
                problems.add(at.line(), at.column(), at.keyPath(), "'" + listener + "' has no certificate to present; give"
                        + " tls.certificates, like tls: {certificates: [{cert: fullchain.pem, key: privkey.pem}]}, or a"
                        + " tls.certificate to a vhost on it");
            }
        });
    }

    private static void refuseRedirectsWithoutTls(List<Claim> vhosts, List<ListenAddress> defaultListen, Problems problems) {
        for (Claim claim : vhosts) {
            VirtualHost vhost = claim.vhost();
            List<ListenAddress> listeners = vhost.listen().isEmpty() ? defaultListen : vhost.listen();
            if (vhost.tls().redirect() && listeners.stream().noneMatch(ListenAddress::tls)) {
                CrossChecks.Place at = claim.redirectAt();
                problems.add(at.line(), at.column(), at.keyPath(), "vhost '" + vhost.name() + "' redirects to HTTPS but has"
                        + " no tls listener; add one to its listen, like listen: [\":80\", \":443 tls\"]");
            }
        }
    }
}
