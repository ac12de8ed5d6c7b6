package io.gatehouse.observe;

import io.gatehouse.config.AccessLogConfig;
import io.undertow.server.HttpHandler;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.ZoneId;

/**
 * Logs one line per finished request, including requests no vhost took (400, 404, 421). Writing happens off
 * the request thread; see {@link AccessLogWriter}.
 */
public final class AccessLog implements AutoCloseable {

    private final AccessLogFormat format;
    private final AccessLogWriter writer;

    private AccessLog(AccessLogFormat format, AccessLogWriter writer) {
        this.format = format;
        this.writer = writer;
    }

    /** Opens the configured destination. @throws UncheckedIOException when the log file cannot be opened */
    public static AccessLog open(AccessLogConfig config) {
        AccessLogFormat format = new AccessLogFormat(config.format(), ZoneId.systemDefault());
        if (AccessLogConfig.STDOUT.equals(config.path())) {
            return new AccessLog(format, AccessLogWriter.toStream(System.out));
        }
        try {
            return new AccessLog(format, AccessLogWriter.toFile(Path.of(config.path())));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open access log " + config.path() + ": " + e.getMessage(), e);
        }
    }

    /** Wraps {@code next} so that each of its exchanges is logged when it completes. */
    public HttpHandler wrap(HttpHandler next) {
        return exchange -> {
            long startMillis = System.currentTimeMillis();
            long startNanos = System.nanoTime();
            exchange.addExchangeCompleteListener((ex, nextListener) -> {
                try {
                    writer.write(format.format(ex, startMillis, System.nanoTime() - startNanos));
                } finally {
                    nextListener.proceed();
                }
            });
            next.handleRequest(exchange);
        };
    }

    /** Lines dropped because the writer could not keep up or the disk failed. */
    public long droppedLines() {
        return writer.dropped();
    }

    @Override
    public void close() {
        writer.close();
    }
}
