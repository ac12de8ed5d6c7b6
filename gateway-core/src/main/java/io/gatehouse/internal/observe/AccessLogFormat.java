package io.gatehouse.internal.observe;

import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.internal.forwarded.ClientAddress;
import io.gatehouse.internal.forwarded.RequestId;
import io.undertow.server.HttpServerExchange;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats one finished exchange as one access-log line.
 *
 * <p>{@code common} and {@code combined} are Apache's formats byte for byte: {@code %h %l %u %t "%r" %>s %b}, and
 * for {@code combined} also {@code "%{Referer}i" "%{User-agent}i"}; {@code %h} is the client address
 * ({@link ClientAddress}), {@code %r} and the headers are what the client sent (captured before any handler changed
 * them), repeated headers are joined with {@code ", "}, a missing one is {@code -}, and quoted values are escaped as
 * Apache's {@code ap_escape_logitem} does, so a client cannot forge a field or a line.
 *
 * <p>{@code json} is one object per line; the fields are listed in src-docs/configuration.md.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter APACHE_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ENGLISH);
    /** The JSON time to the second; the milliseconds and the {@code Z} are appended to it. */
    private static final SecondStamps JSON_SECONDS = new SecondStamps(
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss", Locale.ROOT).withZone(ZoneOffset.UTC));
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final Format format;
    private final SecondStamps apacheTime;

    AccessLogFormat(Format format, ZoneId zone) {
        this.format = format;
        this.apacheTime = new SecondStamps(APACHE_TIME.withZone(zone));
    }

    /**
     * A timestamp formatter that formats each second once: a busy log writes thousands of lines a second, and
     * each {@link DateTimeFormatter} call costs about 170 ns and 432 bytes of garbage. Safe for any number of
     * threads: the last second formatted is one immutable pair behind a volatile field, and a thread that finds
     * another second formats its own. (Lines carry their request's start, so a slow request finishing among fast
     * ones formats its older second again; that costs what every line cost before.)
     */
    static final class SecondStamps {

        private record Stamp(long second, String text) {
        }

        private final DateTimeFormatter formatter;
        private volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

        SecondStamps(DateTimeFormatter formatter) {
            this.formatter = formatter;
        }

        /** The second that {@code epochMillis} falls in, formatted. */
        String at(long epochMillis) {
            long second = Math.floorDiv(epochMillis, 1000);
            Stamp stamp = last;
            if (stamp.second() != second) {
                stamp = new Stamp(second, formatter.format(Instant.ofEpochSecond(second)));
                last = stamp;
            }
            return stamp.text();
        }
    }

    /** {@code yyyy-MM-ddTHH:mm:ss.SSSZ} in UTC. */
    static String jsonTime(long epochMillis) {
        int millis = (int) Math.floorMod(epochMillis, 1000);
        return JSON_SECONDS.at(epochMillis) + '.' + (char) ('0' + millis / 100) + (char) ('0' + millis / 10 % 10)
                + (char) ('0' + millis % 10) + 'Z';
    }

    String format(HttpServerExchange exchange, RequestFacts facts) {
        StringBuilder line = new StringBuilder(256);
        if (format == Format.JSON) {
            appendJson(line, exchange, facts);
        } else {
            appendApache(line, exchange, facts);
        }
        return line.toString();
    }

    private void appendApache(StringBuilder line, HttpServerExchange exchange, RequestFacts facts) {
        line.append(dashIfNull(ClientAddress.clientText(exchange))).append(" - - [")
                .append(apacheTime.at(facts.startMillis))
                .append("] \"");
        facts.appendRequestLine(line);
        line.append("\" ").append(exchange.getStatusCode()).append(' ');
        long bytes = exchange.getResponseBytesSent();
        if (bytes > 0) {
            line.append(bytes);
        } else {
            line.append('-');
        }
        if (format == Format.COMBINED) {
            line.append(" \"");
            appendEscaped(line, dashIfNull(facts.referer));
            line.append("\" \"");
            appendEscaped(line, dashIfNull(facts.userAgent));
            line.append('"');
        }
    }

    private static void appendJson(StringBuilder line, HttpServerExchange exchange, RequestFacts facts) {
        UpstreamCall upstream = UpstreamCall.of(exchange);
        line.append('{');
        jsonString(line, "time", jsonTime(facts.startMillis)).append(',');
        jsonString(line, "client_ip", ClientAddress.clientText(exchange)).append(',');
        jsonString(line, "peer_ip", ClientAddress.peerText(exchange)).append(',');
        jsonString(line, "method", facts.method).append(',');
        jsonString(line, "host", facts.host).append(',');
        jsonString(line, "path", facts.uri).append(',');
        jsonString(line, "query", facts.query.isEmpty() ? null : facts.query).append(',');
        jsonNumber(line, "status", exchange.getStatusCode()).append(',');
        jsonNumber(line, "bytes_in", facts.bytesIn()).append(',');
        jsonNumber(line, "bytes_out", Math.max(0, exchange.getResponseBytesSent())).append(',');
        jsonMillis(line, "duration_ms", System.nanoTime() - facts.startNanos).append(',');
        jsonString(line, "vhost", ExchangeLabels.vhost(exchange)).append(',');
        jsonString(line, "route", ExchangeLabels.route(exchange)).append(',');
        jsonString(line, "backend", upstream == null ? null : upstream.backend().toString()).append(',');
        if (upstream == null || upstream.status() == 0) {
            jsonString(line, "upstream_status", null).append(',');
        } else {
            jsonNumber(line, "upstream_status", upstream.status()).append(',');
        }
        if (upstream == null) {
            jsonString(line, "upstream_time_ms", null).append(',');
        } else {
            jsonMillis(line, "upstream_time_ms", upstream.durationNanos()).append(',');
        }
        jsonString(line, "request_id", RequestId.of(exchange)).append(',');
        jsonString(line, "user_agent", facts.userAgent).append(',');
        jsonString(line, "referer", facts.referer).append(',');
        jsonString(line, "protocol", facts.protocol.equals("-") ? null : facts.protocol).append(',');
        jsonString(line, "tls_version", facts.tlsVersion);
        line.append('}');
    }

    private static String dashIfNull(String value) {
        return value == null ? "-" : value;
    }

    /**
     * Apache's {@code ap_escape_logitem}: {@code \"} and {@code \\}; {@code \b \n \r \t \v}; {@code \xhh} for any
     * other byte that is a control character or not ASCII (characters above U+00FF as their UTF-8 bytes).
     */
    static void appendEscaped(StringBuilder line, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"', '\\' -> line.append('\\').append(c);
                case '\b' -> line.append("\\b");
                case '\n' -> line.append("\\n");
                case '\r' -> line.append("\\r");
                case '\t' -> line.append("\\t");
                case 0x0b -> line.append("\\v");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        line.append(c);
                    } else if (c <= 0xff) {
                        appendHexByte(line, c);
                    } else {
                        int end = Character.isHighSurrogate(c) && i + 1 < value.length() ? i + 2 : i + 1;
                        for (byte b : value.substring(i, end).getBytes(StandardCharsets.UTF_8)) {
                            appendHexByte(line, b & 0xff);
                        }
                        i = end - 1;
                    }
                }
            }
        }
    }

    private static void appendHexByte(StringBuilder line, int b) {
        line.append("\\x").append(HEX[b >> 4]).append(HEX[b & 0xf]);
    }

    private static StringBuilder jsonNumber(StringBuilder line, String name, long value) {
        return line.append('"').append(name).append("\":").append(value);
    }

    private static StringBuilder jsonMillis(StringBuilder line, String name, long nanos) {
        return line.append('"').append(name).append("\":").append(String.format(Locale.ROOT, "%.3f", nanos / 1e6));
    }

    private static StringBuilder jsonString(StringBuilder line, String name, String value) {
        line.append('"').append(name).append("\":");
        if (value == null) {
            return line.append("null");
        }
        line.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                line.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
            } else {
                line.append(c);
            }
        }
        return line.append('"');
    }
}
