package io.gatehouse.internal.observe;

import io.gatehouse.GatewayMeters;
import io.gatehouse.config.AccessLogConfig;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.undertow.server.HttpHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Logs one line per finished request, including requests no vhost took (400, 404, 421), to a file, standard output,
 * a logger or an application's sink. Writing happens off the request thread and never delays a request; lines that
 * cannot be written (or that a sink or logger throws on) are dropped and counted (see {@link AccessLogWriter}), in
 * {@code gatehouse.accesslog.dropped} when a registry is given.
 *
 * <p>Thread-safe: {@link #wrap wrapped} handlers on every IO thread hand their lines to one writer thread. Shared by
 * the handler trees of successive configurations that write to the same destination ({@link #retain()}), so that
 * one file has one writer.
 */
public final class AccessLog implements AutoCloseable {

    private final AccessLogFormat format;
    private final AccessLogWriter writer;
    /**
     * The logger the lines go to, when they go to one: a request is captured and formatted only while it logs INFO,
     * so an operator who turns {@code gatehouse.access} down turns the cost off too. Null for every other output.
     */
    private final System.Logger logger;
    /** The handler trees that write here: one per configuration sharing the log across reloads. */
    private final AtomicInteger users = new AtomicInteger(1);

    AccessLog(AccessLogFormat format, AccessLogWriter writer) {
        this(format, writer, null);
    }

    private AccessLog(AccessLogFormat format, AccessLogWriter writer, System.Logger logger) {
        this.format = format;
        this.writer = writer;
        this.logger = logger;
    }

    /**
     * Opens where the lines go: {@code sink} when there is one, else the configured destination, a file (created
     * with its directories, appended to), standard output or a logger ({@link AccessLogConfig#loggerName()}, each
     * line one INFO record).
     *
     * @param config   the destination and the format
     * @param registry where dropped lines are counted; null for nowhere
     * @param sink     the application's consumer of lines, instead of the configured destination; null for none
     * @param failures where a sink or a logger that throws is reported, one of {@link #failureLog}
     * @return the open log, writing on a thread of its own until closed
     * @throws UncheckedIOException when the log file cannot be opened
     */
    public static AccessLog open(AccessLogConfig config, MeterRegistry registry, Consumer<String> sink,
                                 RepeatedEvents failures) {
        AccessLogFormat format = new AccessLogFormat(config.format(), ZoneId.systemDefault());
        LongConsumer onDropped = droppedCounter(registry);
        if (sink != null) {
            return new AccessLog(format, AccessLogWriter.toLines(sink, "the access-log sink", failures, onDropped));
        }
        Optional<String> loggerName = config.loggerName();
        if (loggerName.isPresent()) {
            System.Logger logger = System.getLogger(loggerName.get());
            return new AccessLog(format, AccessLogWriter.toLines(line -> logger.log(System.Logger.Level.INFO, line),
                    "the access-log logger " + loggerName.get(), failures, onDropped), logger);
        }
        if (AccessLogConfig.STDOUT.equals(config.path())) {
            return new AccessLog(format, AccessLogWriter.toStream(System.out, onDropped));
        }
        try {
            return new AccessLog(format, AccessLogWriter.toFile(Path.of(config.path()), onDropped));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open access log " + config.path() + ": " + e.getMessage(), e);
        }
    }

    /**
     * A log of the access log's failures to hand a line on (a sink or a logger that throws), summarised once per
     * {@code interval}; the caller closes it.
     *
     * @param interval how often repeats are summarised; zero logs each one
     * @return a log warning on the logger of the access-log writer
     */
    public static RepeatedEvents failureLog(Duration interval) {
        return new RepeatedEvents(AccessLogWriter.LOG, System.Logger.Level.WARNING, interval);
    }

    static LongConsumer droppedCounter(MeterRegistry registry) {
        if (registry == null) {
            return lines -> { };
        }
        Counter counter = Counter.builder(GatewayMeters.ACCESS_LOG_DROPPED)
                .description("Access-log lines dropped: the writer fell behind or the destination failed")
                .baseUnit("lines")
                .register(registry);
        return counter::increment;
    }

    /**
     * Wraps {@code next} so that each of its exchanges is logged when it completes, an error answer or a refused
     * request as much as a served one.
     *
     * @param next the handler whose requests are logged
     * @return the wrapping handler
     */
    public HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            if (logger != null && !logger.isLoggable(System.Logger.Level.INFO)) {
                next.handleRequest(exchange);
                return;
            }
            RequestFacts facts = RequestFacts.capture(exchange);
            exchange.addExchangeCompleteListener((ex, nextListener) -> {
                try {
                    writer.write(format.format(ex, facts));
                } finally {
                    nextListener.proceed();
                }
            });
            next.handleRequest(exchange);
        };
    }

    /**
     * Closes the log file and opens it again by name, for log rotation ({@code postrotate} sends SIGUSR1, which the
     * daemon turns into this call). Returns at once; the writer thread reopens before its next write. Lines already
     * queued go to the old file. Nothing happens for standard output, a logger or a sink. A file that cannot be opened again gets
     * one warning, and its lines are dropped and counted until a later reopen succeeds.
     */
    public void reopen() {
        writer.reopen();
    }

    /**
     * Lines dropped because the writer could not keep up or the destination failed.
     *
     * @return the count since the log was opened
     */
    public long droppedLines() {
        return writer.dropped();
    }

    /**
     * Gives up one user's hold. The last close writes what is queued and closes the destination, waiting a few
     * seconds at most for the writer thread; lines written after it are lost.
     */
    @Override
    public void close() {
        if (users.decrementAndGet() == 0) {
            writer.close();
        }
    }

    /**
     * One more user of this log, for a reloaded configuration that writes to the same destination (one writer per
     * file, so lines never interleave); each user closes it once, and the last close closes the file.
     *
     * @return this log
     */
    public AccessLog retain() {
        users.incrementAndGet();
        return this;
    }
}
