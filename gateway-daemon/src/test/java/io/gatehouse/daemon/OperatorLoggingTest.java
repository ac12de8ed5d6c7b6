package io.gatehouse.daemon;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.BindException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorLoggingTest {

    private static final Instant AT = Instant.parse("2026-11-28T10:15:30.123Z");

    @AfterEach
    void restoreDefaultLogging() throws IOException {
        LogManager.getLogManager().readConfiguration();
    }

    private static String format(boolean stackTraces, Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setInstant(AT);
        record.setThrown(thrown);
        return new OperatorLogging.LineFormatter(stackTraces).format(record);
    }

    @Test
    void eventIsOneLineWithUtcMillisecondsAndPaddedLevel() {
        assertEquals("2026-11-28T10:15:30.123Z INFO  listening on 127.0.0.1:8080 (3 vhosts)" + System.lineSeparator(),
                format(false, Level.INFO, "listening on 127.0.0.1:8080 (3 vhosts)", null));
    }

    @Test
    void levelsUseTheNamesOperatorsKnow() {
        assertTrue(format(false, Level.SEVERE, "x", null).contains("Z ERROR x"));
        assertTrue(format(false, Level.WARNING, "x", null).contains("Z WARN  x"));
        assertTrue(format(false, Level.FINE, "x", null).contains("Z DEBUG x"));
        assertTrue(format(false, Level.FINEST, "x", null).contains("Z TRACE x"));
    }

    @Test
    void warningWithExceptionStaysOnOneLineWithItsCauses() {
        Exception thrown = new IllegalStateException("backend gone", new BindException("Connection refused"));

        String line = format(false, Level.WARNING, "proxy failed", thrown);

        assertEquals("2026-11-28T10:15:30.123Z WARN  proxy failed: java.lang.IllegalStateException: backend gone; "
                + "caused by java.net.BindException: Connection refused" + System.lineSeparator(), line);
    }

    @Test
    void severeWithExceptionAddsTheStackTraceBecauseItIsABug() {
        String text = format(false, Level.SEVERE, "unexpected failure", new NullPointerException("oops"));

        assertTrue(text.contains("\tat io.gatehouse.daemon.OperatorLoggingTest"), text);
    }

    @Test
    void debugLevelShowsStackTracesOfEveryException() {
        String text = format(true, Level.WARNING, "proxy failed", new IllegalStateException("backend gone"));

        assertTrue(text.contains("\tat io.gatehouse.daemon.OperatorLoggingTest"), text);
    }

    @Test
    void multiLineMessageIsJoinedIntoOneLine() {
        assertEquals("2026-11-28T10:15:30.123Z INFO  first second" + System.lineSeparator(),
                format(false, Level.INFO, "first\n  second", null));
    }

    @Test
    void unknownLevelNameIsRejectedWithTheValidOnes() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OperatorLogging.parseLevel("verbose"));

        assertEquals("unknown log level \"verbose\"; use error, warn, info, debug or trace", e.getMessage());
    }

    @Test
    void libraryInfoBannersAreHiddenButTheirWarningsAreNot() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OperatorLogging.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), null);

        Logger.getLogger("org.xnio").info("XNIO version 3.8.16.Final");
        Logger.getLogger("io.undertow").warning("UT005070: something worth knowing");
        Logger.getLogger("io.gatehouse.daemon.Daemon").info("listening on 127.0.0.1:8080 (1 vhost)");

        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(!log.contains("XNIO version"), log);
        assertTrue(log.contains(" WARN  UT005070: something worth knowing"), log);
        assertTrue(log.contains(" INFO  listening on 127.0.0.1:8080 (1 vhost)"), log);
    }

    @Test
    void debugLevelLetsLibraryDetailThrough() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OperatorLogging.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), "debug");

        Logger.getLogger("io.undertow.request").fine("UT005013: An IOException occurred");

        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains(" DEBUG UT005013: An IOException occurred"));
    }

    @Test
    void backendClientParseErrorsAreLeftToTheProxysOwnLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        OperatorLogging.install(new PrintStream(bytes, true, StandardCharsets.UTF_8), null);

        Logger.getLogger("io.undertow.client.http").log(java.util.logging.Level.SEVERE,
                "UT005001: An exception occurred processing the request", new java.io.IOException("UT000158: bad header"));
        Logger.getLogger("io.undertow.server").severe("UT005071: something else");

        String log = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(!log.contains("UT005001"), log);
        assertTrue(log.contains("UT005071: something else"), log);
    }
}
