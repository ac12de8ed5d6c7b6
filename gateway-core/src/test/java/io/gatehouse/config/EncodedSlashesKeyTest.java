package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@code limits.encodedSlashes}: {@code refuse} (the default) or {@code decode}. */
class EncodedSlashesKeyTest {

    @TempDir
    Path dir;

    @Test
    void encodedSlashesAreRefusedByDefault() throws ConfigException {
        assertEquals(Limits.EncodedSlashes.REFUSE, YamlFiles.load(dir, YamlFiles.ANY_VHOST).limits().encodedSlashes());
    }

    @Test
    void decodeIsRead() throws ConfigException {
        assertEquals(Limits.EncodedSlashes.DECODE,
                YamlFiles.load(dir, "limits: { encodedSlashes: decode }\n" + YamlFiles.ANY_VHOST).limits().encodedSlashes());
    }

    @Test
    void anotherValueNamesTheValidOnes() {
        YamlFiles.assertOnlyProblem(dir, "limits: { encodedSlashes: allow }\n" + YamlFiles.ANY_VHOST, 1, 27, "limits.encodedSlashes",
                "expected one of refuse, decode, got 'allow'");
    }

    @Test
    void theBuilderTakesTheSameKey() throws ConfigException {
        GatewayConfig config = GatewayConfig.builder().listen("127.0.0.1:8080")
                .encodedSlashes(Limits.EncodedSlashes.DECODE).vhost(v -> v.hosts("*").echo()).build();
        assertEquals(Limits.EncodedSlashes.DECODE, config.limits().encodedSlashes());
    }
}
