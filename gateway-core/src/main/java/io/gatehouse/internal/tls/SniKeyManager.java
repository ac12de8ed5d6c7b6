package io.gatehouse.internal.tls;

import io.gatehouse.internal.vhosts.HostTable;
import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.ExtendedSSLSession;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.StandardConstants;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Chooses the certificate of each TLS handshake by the name the client asks for (SNI), as nginx and Caddy choose:
 * the own certificate of the vhost the name would be routed to (exact pattern, then the longest wildcard, then
 * {@code *}), when that vhost has one; else the certificates naming it exactly; else those whose wildcard covers it; else, and when the client
 * sends no name, all of them in order, the first one being the default. Among the certificates of that rank the
 * first of the key type the JDK asks for (it asks once per type the client accepts, in the client's order of
 * preference), so that an RSA-only client gets the RSA certificate when there are both. A name the chosen rank has
 * no certificate of an acceptable type for fails the handshake rather than getting another name's certificate.
 *
 * <p>Immutable and thread-safe: handshakes on every IO thread read it.
 */
final class SniKeyManager extends X509ExtendedKeyManager {

    /** Every certificate, its index its alias: the top-level ones first, then the pinned ones. */
    private final List<CertificatePair> pairs;
    /** The indexes to offer when no name decides: the top-level certificates, or the pinned ones without any. */
    private final List<Integer> defaults = new ArrayList<>();
    private final Map<String, List<Integer>> exact = new HashMap<>();
    /** By the part after {@code *}, dot included: {@code .example.com}. */
    private final Map<String, List<Integer>> wildcard = new HashMap<>();
    /** Each vhost's host patterns, to its own certificate's alias, or to none when it has no certificate of its own. */
    private final HostTable<List<Integer>> pinned;

    /**
     * @param certificates the top-level certificates, in order
     * @param vhosts       the vhosts served on the listener, in order, each with its own certificate if it has one
     */
    SniKeyManager(List<CertificatePair> certificates, List<Pin> vhosts) {
        this.pairs = new ArrayList<>(certificates);
        this.pinned = new HostTable<>();
        for (int i = 0; i < certificates.size(); i++) {
            defaults.add(i);
            for (String name : certificates.get(i).names().names()) {
                Map<String, List<Integer>> index = name.startsWith("*.") ? wildcard : exact;
                index.computeIfAbsent(name.startsWith("*.") ? name.substring(1) : name, n -> new ArrayList<>()).add(i);
            }
        }
        for (Pin vhost : vhosts) {
            List<Integer> own = List.of();
            if (vhost.certificate().isPresent()) {
                int alias = pairs.size();
                pairs.add(vhost.certificate().get());
                if (certificates.isEmpty()) {
                    defaults.add(alias);
                }
                own = List.of(alias);
            }
            // A vhost without a certificate of its own is in the table too: the names it takes from a less specific
            // vhost's patterns (a.test from a pinned "*") are its, and get the list's certificates.
            List<Integer> chosen = own;
            vhost.hosts().forEach(host -> pinned.put(host, chosen));
        }
    }

    /**
     * A vhost served on the listener, and its own certificate.
     *
     * @param certificate its {@code tls.certificate}, or empty
     * @param hosts       its host patterns, as the config holds them
     */
    record Pin(Optional<CertificatePair> certificate, List<String> hosts) {
    }

    /**
     * The certificate for {@code serverName} of {@code keyType}.
     *
     * @param keyType    {@code RSA}, {@code EC}, or another type the JDK asks for
     * @param serverName the SNI host name, or null when the client sent none
     * @return its alias, or null when the rank that name falls in has none of that type
     */
    String choose(String keyType, String serverName) {
        for (int index : candidates(serverName)) {
            if (pairs.get(index).keyType().equals(keyType)) {
                return Integer.toString(index);
            }
        }
        return null;
    }

    private List<Integer> candidates(String serverName) {
        if (serverName == null) {
            return defaults;
        }
        String name = serverName.toLowerCase(Locale.ROOT);
        name = name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
        List<Integer> found = pinned.match(name);
        if (found == null || found.isEmpty()) {
            found = exact.get(name);
        }
        int dot = name.indexOf('.');
        if (found == null && dot > 0) {
            found = wildcard.get(name.substring(dot));
        }
        return found == null ? defaults : found;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
        return choose(keyType, engine == null ? null : serverName(engine.getHandshakeSession()));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
        return choose(keyType, socket instanceof SSLSocket ssl ? serverName(ssl.getHandshakeSession()) : null);
    }

    /** The host name the client asked for in this handshake, or null when it sent none. */
    private static String serverName(SSLSession handshake) {
        if (handshake instanceof ExtendedSSLSession extended) {
            for (SNIServerName name : extended.getRequestedServerNames()) {
                if (name.getType() == StandardConstants.SNI_HOST_NAME) {
                    return name instanceof SNIHostName host ? host.getAsciiName() : new SNIHostName(name.getEncoded()).getAsciiName();
                }
            }
        }
        return null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            if (pairs.get(i).keyType().equals(keyType)) {
                aliases.add(Integer.toString(i));
            }
        }
        return aliases.isEmpty() ? null : aliases.toArray(String[]::new);
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
        CertificatePair pair = pair(alias);
        return pair == null ? null : pair.chain().toArray(X509Certificate[]::new);
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
        CertificatePair pair = pair(alias);
        return pair == null ? null : pair.key();
    }

    private CertificatePair pair(String alias) {
        try {
            int index = Integer.parseInt(alias);
            return index >= 0 && index < pairs.size() ? pairs.get(index) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A server never authenticates as a client. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
        return null;
    }

    /** A server never authenticates as a client. */
    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
        return null;
    }
}
