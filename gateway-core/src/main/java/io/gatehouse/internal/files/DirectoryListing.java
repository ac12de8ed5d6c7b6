package io.gatehouse.internal.files;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;

/**
 * Renders a directory listing (nginx autoindex / lighttpd mod_dirlisting): HTML by default, JSON when the
 * client's {@code Accept} prefers {@code application/json} to {@code text/html}. Both answers carry
 * {@code Vary: Accept}.
 */
final class DirectoryListing {

    /**
     * One visible entry.
     *
     * @param size     bytes, 0 for a directory
     * @param modified last modification, whole seconds
     */
    record Entry(String name, boolean directory, long size, Instant modified) {
    }

    /** Directories first, then files, each by name (code point order, as nginx and lighttpd sort). */
    static final Comparator<Entry> ORDER = Comparator.comparing((Entry e) -> !e.directory()).thenComparing(Entry::name);

    private static final DateTimeFormatter HTML_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final JsonFactory JSON = new JsonFactory();

    private DirectoryListing() {
    }

    /**
     * Sends the listing of {@code directory} with 200, entries in {@link #ORDER}. In HTML names are escaped in the
     * text and percent-encoded in the links; in JSON the answer is an array of
     * {@code {"name", "type": "file"|"directory", "size", "modified": RFC 3339 UTC}}.
     */
    static void send(HttpServerExchange exchange, SitePath directory, List<Entry> entries) {
        List<Entry> sorted = entries.stream().sorted(ORDER).toList();
        exchange.getResponseHeaders().put(Headers.VARY, "Accept").put(FileSender.NO_SNIFF, "nosniff");
        QualityValues accept = QualityValues.parse(exchange.getRequestHeaders().get(Headers.ACCEPT));
        double json = accept.of("application/json", "application/*", "*/*");
        double html = accept.of("text/html", "text/*", "*/*");
        if (json > 0 && json > html) {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json; charset=utf-8");
            exchange.getResponseSender().send(json(sorted));
        } else {
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
            exchange.getResponseSender().send(html(directory, sorted));
        }
    }

    private static String html(SitePath directory, List<Entry> entries) {
        String title = "Index of " + escape(directory.decoded());
        StringBuilder html = new StringBuilder(512 + entries.size() * 160)
                .append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>").append(title)
                .append("</title>\n</head>\n<body>\n<h1>").append(title).append("</h1>\n<table>\n")
                .append("<thead><tr><th>Name</th><th>Last modified (UTC)</th><th>Size</th></tr></thead>\n<tbody>\n");
        if (!directory.segments().isEmpty()) {
            html.append("<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n");
        }
        for (Entry entry : entries) {
            String slash = entry.directory() ? "/" : "";
            html.append("<tr><td><a href=\"").append(SitePath.encodeSegment(entry.name())).append(slash).append("\">")
                    .append(escape(entry.name())).append(slash).append("</a></td><td>")
                    .append(HTML_DATE.format(entry.modified())).append("</td><td>")
                    .append(entry.directory() ? "-" : Long.toString(entry.size())).append("</td></tr>\n");
        }
        return html.append("</tbody>\n</table>\n</body>\n</html>\n").toString();
    }

    private static String json(List<Entry> entries) {
        StringWriter out = new StringWriter(64 + entries.size() * 96);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartArray();
            for (Entry entry : entries) {
                json.writeStartObject();
                json.writeStringField("name", entry.name());
                json.writeStringField("type", entry.directory() ? "directory" : "file");
                json.writeNumberField("size", entry.size());
                json.writeStringField("modified", entry.modified().truncatedTo(ChronoUnit.SECONDS).toString());
                json.writeEndObject();
            }
            json.writeEndArray();
        } catch (IOException e) {
            throw new UncheckedIOException("writing JSON to a string cannot fail", e);
        }
        return out.append('\n').toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
