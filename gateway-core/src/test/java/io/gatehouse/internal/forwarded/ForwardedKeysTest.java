package io.gatehouse.internal.forwarded;

import io.gatehouse.config.Cidr;
import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import io.gatehouse.config.ForwardedConfig;
import io.gatehouse.config.ForwardedConfig.Emit;
import io.gatehouse.config.ForwardedConfig.Underscores;
import io.gatehouse.config.GatewayConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The forwarded.* keys in YAML and in the builder: values, defaults and problems. */
class ForwardedKeysTest {

    private static final String VHOSTS = "vhosts: [{hosts: ['*'], echo: {}}]\n";

    @TempDir
    Path dir;

    private GatewayConfig load(String yaml) throws Exception {
        return GatewayConfig.load(Files.writeString(dir.resolve("gatehouse.yaml"), yaml + VHOSTS));
    }

    @Test
    void everyKeyIsRead() throws Exception {
        ForwardedConfig forwarded = load("""
                forwarded:
                  trusted: ["10.0.0.0/8", "::1"]
                  emit: [rfc7239, X-Forwarded]
                  realIpHeader: true
                  echoRequestId: true
                  strip: [X-Tenant, X-Shard]
                  underscoresInHeaders: Keep
                """).forwarded();
        assertEquals(new ForwardedConfig(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")),
                Set.of(Emit.RFC7239, Emit.X_FORWARDED), true, true, List.of("X-Tenant", "X-Shard"), Underscores.KEEP), forwarded);
    }

    @Test
    void defaultsTrustNobodyEmitXForwardedAndAddNoOptionalHeader() throws Exception {
        ForwardedConfig forwarded = load("").forwarded();
        assertEquals(List.of(), forwarded.trusted());
        assertEquals(Set.of(Emit.X_FORWARDED), forwarded.emit());
        assertEquals(false, forwarded.realIpHeader());
        assertEquals(false, forwarded.echoRequestId());
        assertEquals(ForwardedConfig.UNTRUSTED_DEFAULTS, forwarded.strippedFromUntrusted());
        assertEquals(Underscores.DROP, forwarded.underscores());
    }

    @Test
    void stripAddsToTheBuiltInList() throws Exception {
        List<String> stripped = load("forwarded: { strip: [X-Tenant] }\n").forwarded().strippedFromUntrusted();
        assertEquals(ForwardedConfig.UNTRUSTED_DEFAULTS, stripped.subList(0, stripped.size() - 1));
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
    void anEmptyEmitListEmitsNothing() throws Exception {
        assertEquals(Set.of(), load("forwarded: { emit: [] }\n").forwarded().emit());
    }

    @Test
    void anUnknownHeaderFamilyIsAProblemAtItsPlace() throws Exception {
        List<ConfigProblem> problems = assertThrows(ConfigException.class,
                () -> load("forwarded: { emit: [x-forwarded, forwarded] }\n")).problems();
        assertEquals(1, problems.size(), problems.toString());
        assertEquals("forwarded.emit[1]", problems.get(0).keyPath());
        assertEquals("expected x-forwarded or rfc7239, got 'forwarded'", problems.get(0).message());
    }

    @Test
    void aNonBooleanRealIpHeaderIsAProblem() throws Exception {
        List<ConfigProblem> problems = assertThrows(ConfigException.class,
                () -> load("forwarded: { realIpHeader: yes please }\n")).problems();
        assertEquals("forwarded.realIpHeader", problems.get(0).keyPath());
    }

    @Test
    void hostAndTheFramingHeadersCannotBeStripped() throws Exception {
        List<ConfigProblem> problems = assertThrows(ConfigException.class,
                () -> load("forwarded: { strip: [host, Content-Length, X-Ok, Transfer-Encoding] }\n")).problems();
        assertEquals(List.of("forwarded.strip[0]", "forwarded.strip[1]", "forwarded.strip[3]"),
                problems.stream().map(ConfigProblem::keyPath).toList(), problems.toString());
        assertEquals("Host is needed to route the request; it cannot be stripped", problems.get(0).message());
    }

    @Test
    void theBuilderSetsTheSameKeys() throws Exception {
        ForwardedConfig built = GatewayConfig.builder().trust("10.0.0.0/8", "::1").emit(Emit.RFC7239, Emit.X_FORWARDED)
                .realIpHeader(true).echoRequestId(true).stripFromUntrusted("X-Tenant").underscoresInHeaders(Underscores.KEEP)
                .vhost(v -> v.hosts("*").echo()).build().forwarded();
        assertEquals(load("""
                forwarded: { trusted: ["10.0.0.0/8", "::1"], emit: [rfc7239, x-forwarded], realIpHeader: true, echoRequestId: true,
                             strip: [X-Tenant], underscoresInHeaders: keep }
                """).forwarded(), built);
    }
}
