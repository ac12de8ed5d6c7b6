package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The checks a config record makes of its own values when it is constructed, for records built in code: each throws
 * {@link IllegalArgumentException} (or {@link NullPointerException} for a missing value) naming the YAML key, like
 * {@code proxy.connections: must be at least 1, got 0}. YAML files and the builder never get here with such a value:
 * {@link ConfigReader} reports it first, with its file, line and column.
 */
final class RecordChecks {

    private RecordChecks() {
    }

    static <T> T present(Keys.Key<?> key, T value) {
        return Objects.requireNonNull(value, key.path());
    }

    static long between(Keys.Key<?> key, long value, long min, long max) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(key.path() + ": must be " + min + (max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                    ? " or more" : " to " + max) + ", got " + value);
        }
        return value;
    }

    static Duration positive(Keys.Key<?> key, Duration value) {
        if (present(key, value).isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key.path() + ": must be more than 0, got " + value.toMillis() + "ms");
        }
        return value;
    }

    static Duration notNegative(Keys.Key<?> key, Duration value) {
        if (present(key, value).isNegative()) {
            throw new IllegalArgumentException(key.path() + ": must be 0 or more, got " + value.toMillis() + "ms");
        }
        return value;
    }

    /**
     * {@code values}, each replaced by what {@code check} makes of it (the YAML reader's own check of one item), as
     * an unmodifiable list.
     */
    static <T> List<T> each(Keys.Key<?> key, List<T> values, UnaryOperator<T> check) {
        try {
            return present(key, values).stream().map(check).toList();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key.path() + ": " + e.getMessage(), e);
        }
    }

    static <C extends Collection<?>> C notEmpty(Keys.Key<?> key, C values) {
        if (present(key, values).isEmpty()) {
            throw new IllegalArgumentException(key.path() + ": expected at least one");
        }
        return values;
    }
}
