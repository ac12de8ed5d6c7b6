package io.gatehouse.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Optional;

import static io.gatehouse.config.YamlFiles.ANY_VHOST;
import static io.gatehouse.config.YamlFiles.assertOnlyProblem;
import static io.gatehouse.config.YamlFiles.load;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** {@code accessLog.path} names a logger with {@code logger} or {@code logger:NAME}; anything else is a file. */
class AccessLogDestinationConfigTest {

    private static final String VALID = "expected \"-\" (standard output), off, logger (the logger gatehouse.access), "
            + "logger:NAME (the logger NAME) or a file path";

    @TempDir
    Path dir;

    @Test
    void loggerIsTheGatehouseAccessLoggerNotAFile() throws Exception {
        AccessLogConfig log = load(dir, "accessLog: { path: logger }\n" + ANY_VHOST).accessLog();

        assertEquals("logger", log.path());
        assertEquals(Optional.of("gatehouse.access"), log.loggerName());
    }

    @Test
    void loggerColonNameIsThatLogger() throws Exception {
        AccessLogConfig log = load(dir, "accessLog: { path: 'logger:com.example.access' }\n" + ANY_VHOST).accessLog();

        assertEquals(Optional.of("com.example.access"), log.loggerName());
    }

    @Test
    void aFileIsNoLogger() throws Exception {
        AccessLogConfig log = load(dir, "accessLog: { path: logs/logger }\n" + ANY_VHOST).accessLog();

        assertEquals(dir.toAbsolutePath().resolve("logs/logger").toString(), log.path());
        assertEquals(Optional.empty(), log.loggerName());
    }

    @Test
    void loggerColonWithoutANameIsRefusedWithTheValidValues() {
        assertOnlyProblem(dir, "accessLog: { path: 'logger:' }\n" + ANY_VHOST, 1, 20, "accessLog.path",
                "'logger:' names no logger (a name without spaces after the colon, like logger:com.example.access); "
                        + VALID);
    }

    @Test
    void aLoggerNameWithASpaceIsRefused() {
        assertOnlyProblem(dir, "accessLog: { path: 'logger:com.example access' }\n" + ANY_VHOST, 1, 20,
                "accessLog.path", "'logger:com.example access' names no logger (a name without spaces after the "
                        + "colon, like logger:com.example.access); " + VALID);
    }

    @Test
    void anEmptyPathIsRefusedWithTheValidValues() {
        assertOnlyProblem(dir, "accessLog: { path: '' }\n" + ANY_VHOST, 1, 20, "accessLog.path",
                "must not be empty; " + VALID);
    }

    @Test
    void theBuilderTakesALoggerToo() throws Exception {
        GatewayConfig config = GatewayConfig.builder()
                .listen("127.0.0.1:0")
                .accessLog(a -> a.path("logger:app.access").format(AccessLogConfig.Format.JSON))
                .vhost(v -> v.hosts("*").echo())
                .build();

        assertEquals(Optional.of("app.access"), config.accessLog().loggerName());
    }

    @Test
    void aRecordBuiltInCodeRefusesALoggerWithoutAName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new AccessLogConfig("logger:", AccessLogConfig.Format.COMBINED));

        assertEquals("accessLog.path: 'logger:' names no logger (a name without spaces after the colon, like "
                + "logger:com.example.access); " + VALID, e.getMessage());
    }
}
