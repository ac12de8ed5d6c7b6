package io.gatehouse.daemon;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The daemon's event log: java.util.logging configured to write one line per event,
 * {@code 2026-11-28T10:15:30.123Z INFO  listening on 127.0.0.1:8080 (3 vhosts)}, to the given stream (standard
 * error: standard output belongs to the access log).
 *
 * <p>Undertow, XNIO and JBoss Threads log through jboss-logging, which is pinned to java.util.logging here so
 * their events come out in the same format. Their INFO start-up banners are hidden: below {@code debug} they log
 * only warnings and errors.
 *
 * <p>A record that carries an exception prints as one line ending in the exception and its causes
 * ({@code : java.io.IOException: Broken pipe}); the stack trace follows only at {@code debug} and finer, or for an
 * {@link Level#SEVERE} record, which means something unexpected happened.
 */
final class OperatorLogging {

    /** Loggers that announce versions at INFO on start-up. */
    private static final String[] CHATTY_LIBRARIES = {"io.undertow", "org.xnio", "org.jboss.threads", "org.jboss.logging"};

    /**
     * Undertow's HTTP client logs a backend's malformed response at ERROR with a stack trace, before the proxy
     * answers 502 and logs the event in one line of its own: below {@code debug} the client's record is dropped.
     */
    private static final String BACKEND_CLIENT = "io.undertow.client";

    /** java.util.logging holds loggers weakly: without these references their levels would be lost to the GC. */
    private static final List<Logger> CONFIGURED = new CopyOnWriteArrayList<>();

    /** {@code GATEHOUSE_LOG_LEVEL} values, as operators know them from other servers. */
    private static final Map<String, Level> LEVELS = Map.of(
            "error", Level.SEVERE,
            "warn", Level.WARNING,
            "info", Level.INFO,
            "debug", Level.FINE,
            "trace", Level.FINEST);

    private OperatorLogging() {
    }

    /**
     * Replaces every java.util.logging handler with one that writes single lines to {@code out}.
     *
     * @param levelName error, warn, info, debug or trace (case-insensitive); null means info
     * @throws IllegalArgumentException for any other level name
     */
    static void install(PrintStream out, String levelName) {
        Level level = parseLevel(levelName);
        // Must be set before jboss-logging picks a backend, which it does once per JVM.
        System.setProperty("org.jboss.logging.provider", "jdk");
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(level);
        root.addHandler(new LineHandler(out, level));
        Level libraries = level.intValue() < Level.INFO.intValue() ? level : Level.WARNING;
        CONFIGURED.clear();
        for (String name : CHATTY_LIBRARIES) {
            Logger logger = Logger.getLogger(name);
            logger.setLevel(libraries);
            CONFIGURED.add(logger);
        }
        Logger backendClient = Logger.getLogger(BACKEND_CLIENT);
        backendClient.setLevel(level.intValue() < Level.INFO.intValue() ? level : Level.OFF);
        CONFIGURED.add(backendClient);
    }

    static Level parseLevel(String name) {
        if (name == null || name.isBlank()) {
            return Level.INFO;
        }
        Level level = LEVELS.get(name.trim().toLowerCase(Locale.ROOT));
        if (level == null) {
            throw new IllegalArgumentException("unknown log level \"" + name + "\"; use error, warn, info, debug or trace");
        }
        return level;
    }

    /** Publishes each record as one formatted line and flushes at once, so nothing is lost when the process stops. */
    private static final class LineHandler extends Handler {
        private final PrintStream out;

        LineHandler(PrintStream out, Level level) {
            this.out = out;
            setLevel(level);
            setFormatter(new LineFormatter(level.intValue() <= Level.FINE.intValue()));
        }

        @Override
        public void publish(LogRecord record) {
            if (isLoggable(record)) {
                out.print(getFormatter().format(record));
                out.flush();
            }
        }

        @Override
        public void flush() {
            out.flush();
        }

        @Override
        public void close() {
            flush();
        }
    }

    /** {@code <UTC instant, millis> <LEVEL padded to 5> <message>[: <exception>; caused by <cause>...]}. */
    static final class LineFormatter extends Formatter {
        private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'")
                .withZone(ZoneOffset.UTC);

        private final boolean stackTraces;

        LineFormatter(boolean stackTraces) {
            this.stackTraces = stackTraces;
        }

        @Override
        public String format(LogRecord record) {
            StringBuilder line = new StringBuilder(128)
                    .append(TIME.format(record.getInstant()))
                    .append(' ')
                    .append(String.format(Locale.ROOT, "%-5s", levelName(record.getLevel())))
                    .append(' ')
                    .append(oneLine(formatMessage(record)));
            Throwable thrown = record.getThrown();
            if (thrown != null) {
                appendCauses(line, thrown);
            }
            line.append(System.lineSeparator());
            if (thrown != null && (stackTraces || record.getLevel().intValue() >= Level.SEVERE.intValue())) {
                StringWriter trace = new StringWriter();
                thrown.printStackTrace(new PrintWriter(trace));
                line.append(trace);
            }
            return line.toString();
        }

        private static void appendCauses(StringBuilder line, Throwable thrown) {
            line.append(": ").append(oneLine(thrown.toString()));
            int depth = 0;
            for (Throwable cause = thrown.getCause(); cause != null && cause != thrown && depth < 5; cause = cause.getCause(), depth++) {
                line.append("; caused by ").append(oneLine(cause.toString()));
            }
        }

        /** A message with line breaks (some library messages have them) would break the one-line-per-event rule. */
        private static String oneLine(String text) {
            return text == null ? "" : text.replaceAll("\\s*\\R\\s*", " ");
        }

        static String levelName(Level level) {
            int value = level.intValue();
            if (value >= Level.SEVERE.intValue()) {
                return "ERROR";
            }
            if (value >= Level.WARNING.intValue()) {
                return "WARN";
            }
            if (value >= Level.INFO.intValue()) {
                return "INFO";
            }
            if (value >= Level.FINE.intValue()) {
                return "DEBUG";
            }
            return "TRACE";
        }
    }
}
