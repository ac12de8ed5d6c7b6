package io.gatehouse.files;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;

/**
 * Content-Type by file name extension, from the built-in table {@code mime-types.properties} next to this class.
 * Unknown extensions are {@value #DEFAULT}.
 */
final class MimeTypes {

    static final String DEFAULT = "application/octet-stream";

    private static final Map<String, String> BY_EXTENSION = load();

    private MimeTypes() {
    }

    /** The Content-Type for {@code fileName}, matching its extension case-insensitively. */
    static String of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0 || dot == fileName.length() - 1) {
            return DEFAULT;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), DEFAULT);
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
