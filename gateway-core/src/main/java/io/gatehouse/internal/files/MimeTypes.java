package io.gatehouse.internal.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Content-Type by file name extension: a vhost's {@code mimeTypes} first, then the built-in table
 * {@code mime-types.properties} next to this class (at least every extension nginx's mime.types knows). Unknown
 * extensions are {@value #DEFAULT}. Text types get {@code ; charset=utf-8} (see {@link #withCharset}).
 */
final class MimeTypes {

    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BUILT_IN = load();
    /** Non-{@code text/*} types whose content is text, which browsers otherwise decode with a guessed charset. */
    private static final Set<String> TEXTUAL = Set.of("text/javascript", "application/javascript", "application/json",
            "application/xml", "image/svg+xml");

    private final Map<String, String> overrides;

    /** @param overrides lower-case extension (no dot, may itself contain dots, like {@code tar.gz}) to media type */
    MimeTypes(Map<String, String> overrides) {
        this.overrides = Map.copyOf(overrides);
    }

    /**
     * The Content-Type for {@code fileName}. An override matches the longest dotted suffix first
     * ({@code tar.gz} before {@code gz}); the built-in table matches the last extension, case-insensitively.
     */
    String of(String fileName) {
        String lower = fileName.toLowerCase(Locale.ROOT);
        for (int dot = lower.indexOf('.'); dot >= 0; dot = lower.indexOf('.', dot + 1)) {
            String type = overrides.get(lower.substring(dot + 1));
            if (type != null) {
                return withCharset(type);
            }
        }
        int dot = lower.lastIndexOf('.');
        return dot < 0 ? DEFAULT : withCharset(BUILT_IN.getOrDefault(lower.substring(dot + 1), DEFAULT));
    }

    /** Whether the built-in table has an entry for {@code extension} (lower case, no dot). */
    static boolean knows(String extension) {
        return BUILT_IN.containsKey(extension);
    }

    /**
     * {@code type} with {@code ; charset=utf-8} appended when it is text ({@code text/*}, JavaScript, JSON, XML,
     * SVG, any {@code +json} / {@code +xml}) and carries no parameter yet; a type written with parameters is used
     * as written, so a page in another charset can be declared.
     */
    static String withCharset(String type) {
        if (type.indexOf(';') >= 0) {
            return type;
        }
        String lower = type.toLowerCase(Locale.ROOT);
        boolean textual = lower.startsWith("text/") || TEXTUAL.contains(lower) || lower.endsWith("+json")
                || lower.endsWith("+xml");
        return textual ? type + "; charset=utf-8" : type;
    }

    private static Map<String, String> load() {
        Properties table = new Properties();
        try (InputStream in = MimeTypes.class.getResourceAsStream("mime-types.properties")) {
            if (in == null) {
                throw new IllegalStateException("mime-types.properties is missing from the classpath");
            }
            table.load(new InputStreamReader(in, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return table.stringPropertyNames().stream().collect(Collectors.toUnmodifiableMap(k -> k, table::getProperty));
    }
}
