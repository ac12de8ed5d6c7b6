package io.gatehouse.config;

import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gatehouse.testing.TestCertificates;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a listener speaks is written after its address: {@code ":443 tls"}, {@code ":8080 h2c"}. One socket speaks one
 * way wherever it is written.
 */
class ListenerFlagsTest {

    /** A certificate for the tls listeners, which need one. */
    private static final String TLS = "tls: { certificates: [{ cert: a.test.pem, key: a.test.key }] }\n";

    @TempDir
    Path dir;

    @BeforeEach
    void certificate() {
        TestCertificates.create(dir).issue("a.test").write();
    }

    @Test
    void flagsFollowTheAddress() throws ConfigException {
        GatewayConfig config = load(dir, "listen: [':80', ':443 tls', '127.0.0.1:8080  h2c']\n" + TLS + YamlFiles.ANY_VHOST);
        assertEquals(List.of(new ListenAddress("0.0.0.0", 80), new ListenAddress("0.0.0.0", 443, true, false),
                new ListenAddress("127.0.0.1", 8080, false, true)), config.listen());
        assertEquals("0.0.0.0:443 tls", config.listen().get(1).toString());
        assertEquals(config.listen().get(1), ListenAddress.parse(config.listen().get(1).toString()));
    }

    @Test
    void aSocketIsTheSameWhateverItSpeaks() {
        ListenAddress plain = ListenAddress.parse(":443");
        ListenAddress tls = ListenAddress.parse(":443 tls");
        assertTrue(plain.sameSocket(tls));
        assertFalse(plain.equals(tls));
    }

    @Test
    void anUnknownFlagNamesTheValidOnes() {
        assertOnlyProblem(dir, "listen: [':443 ssl']\n" + YamlFiles.ANY_VHOST, 1, 10, "listen[0]",
                "unknown listener flag \"ssl\" in \":443 ssl\"; expected \"tls\" or \"h2c\" after the address, as \":443 tls\"");
    }

    @Test
    void tlsAndH2cTogetherAreRefused() {
        assertOnlyProblem(dir, "listen: [':443 tls h2c']\n" + YamlFiles.ANY_VHOST, 1, 10, "listen[0]",
                "a listener is either \"tls\" (HTTP/2 through ALPN) or \"h2c\", not both");
    }

    @Test
    void oneSocketWrittenWithOtherFlagsByAVhostIsRefusedThere() {
        assertOnlyProblem(dir, """
                listen: [':443 tls']
                vhosts:
                  - hosts: [a.test]
                    listen: [':443']
                    echo: {}
                """, 4, 13, "vhosts[0].listen",
                "'0.0.0.0:443' is written '0.0.0.0:443 tls' elsewhere; a listener speaks one way, so write the same"
                        + " flags wherever it appears");
    }

    @Test
    void theAdminListenerTakesNoFlags() {
        assertOnlyProblem(dir, "admin: { listen: '127.0.0.1:9901 tls' }\n" + YamlFiles.ANY_VHOST, 1, 18, "admin.listen",
                "the admin listener speaks plain HTTP/1.1; write '127.0.0.1:9901' without flags");
    }

    @Test
    void recordsBuiltInCodeAreCheckedAlike() throws ConfigException {
        GatewayConfig plain = GatewayConfig.builder().listen(":443 tls")
                .tls(t -> t.certificate(dir.resolve("a.test.pem").toString(), dir.resolve("a.test.key").toString()))
                .vhost(v -> v.hosts("a.test").echo()).build();
        GatewayConfig config = new GatewayConfig(plain.listen(), plain.forwarded(), plain.timeouts(), plain.limits(),
                plain.accessLog(), plain.shutdown(), List.of(new VirtualHost("a", List.of("a.test"),
                List.of(ListenAddress.parse(":443")), plain.vhosts().get(0).routes())), plain.source(), plain.admin(),
                plain.pidFile(), plain.watch(), plain.log(), plain.tls());
        ConfigException refused = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, config::validate);
        assertTrue(refused.getMessage().contains("'0.0.0.0:443' is written '0.0.0.0:443 tls' elsewhere"), refused.getMessage());
    }
}
