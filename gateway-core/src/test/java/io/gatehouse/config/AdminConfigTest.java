package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AdminConfigTest {

    private static final String VHOSTS = YamlFiles.ANY_VHOST;

    @TempDir
    Path dir;

    private AdminConfig adminOf(String yaml) throws ConfigException {
        return YamlFiles.load(dir, yaml + VHOSTS).admin();
    }

    @Test
    void adminIsOffWhenTheKeyIsAbsent() throws ConfigException {
        assertEquals(AdminConfig.OFF, adminOf("listen: [\"127.0.0.1:8080\"]\n"));
    }

    @Test
    void emptyAdminListensOnLoopbackPort9901() throws ConfigException {
        AdminConfig admin = adminOf("listen: [\"127.0.0.1:8080\"]\nadmin: {}\n");
        assertEquals(Optional.of(new ListenAddress("127.0.0.1", 9901)), admin.listen());
        assertTrue(admin.loopbackOnly());
    }

    @Test
    void aBarePortMeansLoopbackNotEveryAddress() throws ConfigException {
        assertEquals(Optional.of(new ListenAddress("127.0.0.1", 9000)), adminOf("admin: { listen: \":9000\" }\n").listen());
    }

    @Test
    void anExplicitPublicAddressIsKeptAndIsNotLoopback() throws ConfigException {
        AdminConfig admin = adminOf("listen: [\"127.0.0.1:8080\"]\nadmin: { listen: \"0.0.0.0:9901\" }\n");
        assertEquals(Optional.of(new ListenAddress("0.0.0.0", 9901)), admin.listen());
        assertFalse(admin.loopbackOnly());
    }

    @Test
    void anAdminAddressThatIsAPublicListenerIsRefused() {
        YamlFiles.assertOnlyProblem(dir, "listen: [\"127.0.0.1:8080\"]\nadmin: { listen: \"127.0.0.1:8080\" }\n" + VHOSTS,
                2, 18, "admin.listen", "the admin listener 127.0.0.1:8080 would share 127.0.0.1:8080 with vhost '*'; "
                        + "give it an address of its own, like 127.0.0.1:9901");
    }

    @Test
    void anAdminAddressInsideAPublicWildcardListenerIsRefused() {
        assertEquals("admin.listen", YamlFiles.problems(dir, "listen: [\":8080\"]\nadmin: { listen: \"127.0.0.1:8080\" }\n" + VHOSTS)
                .get(0).keyPath());
    }

    @Test
    void aVhostsOwnListenerCountsAsPublicToo() {
        assertEquals("admin.listen", YamlFiles.problems(dir, """
                listen: ["127.0.0.1:8080"]
                admin: { listen: "127.0.0.1:9000" }
                vhosts:
                  - hosts: [a.test]
                    listen: ["127.0.0.1:9000"]
                    echo: {}
                """).get(0).keyPath());
    }

    @Test
    void theBuilderTakesTheSameKey() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().listen("127.0.0.1:8080").admin(a -> a.listen(":9911"))
                .vhost(v -> v.hosts("*").echo()).build();
        assertEquals(Optional.of(new ListenAddress("127.0.0.1", 9911)), config.admin().listen());
    }

    @Test
    void noExtraAdminHostsByDefault() throws ConfigException {
        assertEquals(List.of(), adminOf("admin: {}\n").hosts());
    }

    @Test
    void adminHostsAreReadLowerCaseWithoutATrailingDot() throws ConfigException {
        assertEquals(List.of("metrics.internal", "*.ops.example"),
                adminOf("admin: { hosts: [Metrics.Internal., \"*.ops.example\"] }\n").hosts());
    }

    @Test
    void anAdminHostWithAPortIsRefusedAtItsKey() {
        ConfigProblem problem = YamlFiles.problems(dir, "admin: { hosts: [\"metrics.internal:9901\"] }\n" + VHOSTS).get(0);
        assertEquals("admin.hosts[0]", problem.keyPath());
        assertTrue(problem.message().contains("no port here"), problem.message());
    }
}
