package io.gatehouse.forwarded;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.ForwardedConfig.Underscores;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code forwarded.strip} and {@code forwarded.underscoresInHeaders}: values, defaults and problems. */
class ClientHeaderKeysTest {

    private static final String VHOSTS = "vhosts: [{hosts: ['*'], echo: {}}]\n";

    @TempDir
    Path dir;

    private GatewayConfig load(String yaml) throws Exception {
        return GatewayConfig.load(Files.writeString(dir.resolve("gatehouse.yaml"), yaml + VHOSTS));
    }

    @Test
    void bothKeysAreRead() throws Exception {
        ForwardedConfig forwarded = load("forwarded: { strip: [X-Tenant, X-Shard], underscoresInHeaders: Keep }\n").forwarded();
        assertEquals(List.of("X-Tenant", "X-Shard"), forwarded.strip());
        assertEquals(Underscores.KEEP, forwarded.underscores());
    }

    @Test
    void defaultsStripTheBuiltInListAndDropUnderscores() throws Exception {
        ForwardedConfig forwarded = load("").forwarded();
        assertEquals(List.of(), forwarded.strip());
        assertEquals(ForwardedConfig.UNTRUSTED_DEFAULTS, forwarded.strippedFromUntrusted());
        assertEquals(Underscores.DROP, forwarded.underscores());
    }

    @Test
    void stripAddsToTheBuiltInList() throws Exception {
        List<String> stripped = load("forwarded: { strip: [X-Tenant] }\n").forwarded().strippedFromUntrusted();
        assertEquals(ForwardedConfig.UNTRUSTED_DEFAULTS.size() + 1, stripped.size());
        assertEquals("X-Tenant", stripped.get(stripped.size() - 1));
    }

    @Test
    void anUnknownUnderscorePolicyIsAProblemNamingTheChoices() throws Exception {
        List<ConfigProblem> problems = assertThrows(ConfigException.class,
                () -> load("forwarded: { underscoresInHeaders: off }\n")).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("forwarded.underscoresInHeaders", problems.get(0).keyPath());
        assertEquals("expected drop or keep, got 'off'", problems.get(0).message());
    }

    @Test
    void aStripNameThatIsNoHeaderNameIsAProblemAtItsPlace() throws Exception {
        List<ConfigProblem> problems = assertThrows(ConfigException.class,
                () -> load("forwarded: { strip: [X-Ok, 'X Bad'] }\n")).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("forwarded.strip[1]", problems.get(0).keyPath());
    }

    @Test
    void theBuilderSetsTheSameKeys() throws Exception {
        ForwardedConfig built = GatewayConfig.builder().stripFromUntrusted("X-Tenant").underscoresInHeaders("keep")
                .vhost(v -> v.hosts("*").echo()).build().forwarded();
        assertEquals(load("forwarded: { strip: [X-Tenant], underscoresInHeaders: keep }\n").forwarded(), built);
    }
}
