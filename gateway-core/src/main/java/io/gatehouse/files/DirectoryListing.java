package io.gatehouse.files;

import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;

import java.util.List;

/** Renders a directory listing page (nginx autoindex / lighttpd mod_dirlisting, in plain HTML). */
final class DirectoryListing {

    /** One visible entry: its file name and whether it is a directory (then listed with a trailing slash). */
    record Entry(String name, boolean directory) {
    }

    private DirectoryListing() {
    }

    /**
     * Sends the listing of {@code directory} with 200. Entries are shown as given (the caller sorts and filters);
     * names are HTML-escaped in the text and percent-encoded in the links.
     */
    static void send(HttpServerExchange exchange, SitePath directory, List<Entry> entries) {
        String title = "Index of " + escape(directory.decoded());
        StringBuilder html = new StringBuilder(256 + entries.size() * 96)
                .append("<!DOCTYPE html>\n<html>\n<head>\n<meta charset=\"utf-8\">\n<title>").append(title)
                .append("</title>\n</head>\n<body>\n<h1>").append(title).append("</h1>\n<ul>\n");
        if (!directory.segments().isEmpty()) {
            html.append("<li><a href=\"../\">../</a></li>\n");
        }
        for (Entry entry : entries) {
            String slash = entry.directory() ? "/" : "";
            html.append("<li><a href=\"").append(SitePath.encodeSegment(entry.name())).append(slash).append("\">")
                    .append(escape(entry.name())).append(slash).append("</a></li>\n");
        }
        html.append("</ul>\n</body>\n</html>\n");
        exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/html; charset=utf-8");
        exchange.getResponseSender().send(html.toString());
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
