package io.gatehouse.observe;

import io.gatehouse.config.AccessLogConfig.Format;
import io.gatehouse.forwarded.ClientAddress;
import io.gatehouse.forwarded.RequestId;
import io.gatehouse.routing.VhostRoute;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.net.InetAddress;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * Formats one finished exchange as one access-log line. {@code common} and {@code combined} are Apache's
 * formats ({@code %h %l %u %t "%r" %>s %b} plus {@code "%{Referer}i" "%{User-agent}i"}), with Apache's
 * escaping of quotes, backslashes and control characters; {@code json} is one object per line.
 */
final class AccessLogFormat {

    private static final DateTimeFormatter APACHE_TIME =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    private final Format format;
    private final ZoneId zone;

    AccessLogFormat(Format format, ZoneId zone) {
        this.format = format;
        this.zone = zone;
    }

    String format(HttpServerExchange exchange, long startMillis, long durationNanos) {
        StringBuilder line = new StringBuilder(256);
        if (format == Format.JSON) {
            appendJson(line, exchange, startMillis, durationNanos);
        } else {
            appendApache(line, exchange, startMillis);
        }
        return line.toString();
    }

    private void appendApache(StringBuilder line, HttpServerExchange exchange, long startMillis) {
        line.append(clientIp(exchange)).append(" - - [")
                .append(APACHE_TIME.format(ZonedDateTime.ofInstant(java.time.Instant.ofEpochMilli(startMillis), zone)))
                .append("] \"");
        appendEscaped(line, requestLine(exchange));
        line.append("\" ").append(exchange.getStatusCode()).append(' ');
        long bytes = exchange.getResponseBytesSent();
        if (bytes > 0) {
            line.append(bytes);
        } else {
            line.append('-');
        }
        if (format == Format.COMBINED) {
            line.append(" \"");
            appendEscaped(line, headerOrDash(exchange, Headers.REFERER_STRING));
            line.append("\" \"");
            appendEscaped(line, headerOrDash(exchange, Headers.USER_AGENT_STRING));
            line.append('"');
        }
    }

    private void appendJson(StringBuilder line, HttpServerExchange exchange, long startMillis, long durationNanos) {
        line.append('{');
        jsonField(line, "time", java.time.Instant.ofEpochMilli(startMillis).toString()).append(',');
        jsonField(line, "client_ip", clientIp(exchange)).append(',');
        jsonField(line, "peer_ip", ClientAddress.text(ClientAddress.peer(exchange))).append(',');
        jsonField(line, "method", exchange.getRequestMethod().toString()).append(',');
        jsonField(line, "host", exchange.getRequestHeaders().getFirst(Headers.HOST)).append(',');
        jsonField(line, "path", exchange.getRequestPath()).append(',');
        jsonField(line, "query", exchange.getQueryString()).append(',');
        line.append("\"status\":").append(exchange.getStatusCode()).append(',');
        line.append("\"bytes_out\":").append(Math.max(0, exchange.getResponseBytesSent())).append(',');
        line.append("\"duration_ms\":").append(String.format(Locale.ROOT, "%.3f", durationNanos / 1e6)).append(',');
        jsonField(line, "vhost", VhostRoute.nameOf(exchange)).append(',');
        jsonField(line, "request_id", RequestId.of(exchange)).append(',');
        jsonField(line, "user_agent", exchange.getRequestHeaders().getFirst(Headers.USER_AGENT)).append(',');
        jsonField(line, "referer", exchange.getRequestHeaders().getFirst(Headers.REFERER));
        line.append('}');
    }

    private static String requestLine(HttpServerExchange exchange) {
        String query = exchange.getQueryString();
        return exchange.getRequestMethod() + " " + exchange.getRequestURI()
                + (query.isEmpty() ? "" : "?" + query) + " " + exchange.getProtocol();
    }

    private static String clientIp(HttpServerExchange exchange) {
        InetAddress client = ClientAddress.of(exchange);
        return client == null ? "-" : ClientAddress.text(client);
    }

    private static String headerOrDash(HttpServerExchange exchange, String name) {
        String value = exchange.getRequestHeaders().getFirst(name);
        return value == null ? "-" : value;
    }

    /** Apache's escaping for quoted log fields: {@code \"}, {@code \\}, and {@code \xhh} for control bytes. */
    private static void appendEscaped(StringBuilder line, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                line.append('\\').append(c);
            } else if (c < 0x20 || c == 0x7f) {
                line.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
            } else {
                line.append(c);
            }
        }
    }

    private static StringBuilder jsonField(StringBuilder line, String name, String value) {
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
