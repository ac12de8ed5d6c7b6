package io.gatehouse.config;

import java.util.Optional;

/**
 * One thing wrong with a configuration: where it is and what would be valid.
 *
 * @param file    the YAML file, when the config came from one
 * @param line    1-based line, or 0 when unknown (a config built in code)
 * @param column  1-based column, or 0 when unknown
 * @param keyPath the key, like {@code vhosts[1].proxy.backends[0]}
 * @param message what is wrong and what would be valid
 */
public record ConfigProblem(Optional<String> file, int line, int column, String keyPath, String message) {

    /** {@code file:line:column: keyPath: message}, the form compilers and {@code nginx -t} use. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder();
        file.ifPresent(f -> text.append(f).append(':'));
        if (line > 0) {
            text.append(line).append(':').append(column).append(':');
        }
        if (text.length() > 0) {
            text.append(' ');
        }
        if (!keyPath.isEmpty()) {
            text.append(keyPath).append(": ");
        }
        return text.append(message).toString();
    }
}
