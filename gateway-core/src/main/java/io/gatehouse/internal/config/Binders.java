package io.gatehouse.internal.config;

import io.gatehouse.config.HeaderRules;
import io.gatehouse.config.Template;
import io.gatehouse.internal.config.ConfigNode.Mapping;
import io.gatehouse.internal.config.ConfigNode.Scalar;
import io.gatehouse.internal.config.ConfigNode.Sequence;
import io.gatehouse.internal.tls.TrustAnchors;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The value types a {@link Keys.Key} is declared with, as binders of one read: a problem goes to that read's
 * {@link Problems} (the binder then returns {@code null}), a relative path is resolved against its base directory,
 * and a header name is checked by the rule of the mapping being read ({@link #forRequestHeaders}).
 */
public final class Binders {

    /**
     * Reads one value.
     *
     * @param <T> the value's type
     */
    @FunctionalInterface
    public interface Binder<T> {
        /**
         * Reads the value at {@code node}.
         *
         * @param node where the value was written
         * @param path its key path, for a problem
         * @return the value, or {@code null} after adding a problem
         */
        T bind(ConfigNode node, String path);

        /**
         * This binder's value converted by {@code conversion}; a refused value stays {@code null}.
         *
         * @param conversion applied to a value read without a problem
         * @param <R>        the converted type
         * @return the converting binder
         */
        default <R> Binder<R> map(Function<T, R> conversion) {
            return (node, path) -> {
                T value = bind(node, path);
                return value == null ? null : conversion.apply(value);
            };
        }
    }

    private final Problems problems;
    private final Path baseDir;
    private final Function<String, String> headerNames;

    /**
     * @param problems where problems go
     * @param baseDir  what relative paths are resolved against: the YAML file's directory, or for the builder
     *                 the current directory
     */
    public Binders(Problems problems, Path baseDir) {
        this(problems, baseDir.toAbsolutePath(), ConfigValues::changeableHeaderName);
    }

    private Binders(Problems problems, Path baseDir, Function<String, String> headerNames) {
        this.problems = problems;
        this.baseDir = baseDir;
        this.headerNames = headerNames;
    }

    /** @return these binders for a request's header changes: not the headers the forwarded policy owns */
    public Binders forRequestHeaders() {
        return new Binders(problems, baseDir, ConfigValues::changeableRequestHeaderName);
    }

    final Binder<String> text = (node, path) -> node instanceof Scalar s && s.value() != null
            ? s.text() : fail(node, path, "expected a string, got " + node.describe());

    final Binder<Boolean> bool = (node, path) -> {
        if (node instanceof Scalar s && (s.value() instanceof Boolean || s.text().equalsIgnoreCase("true") || s.text().equalsIgnoreCase("false"))) {
            return s.value() instanceof Boolean b ? b : Boolean.parseBoolean(s.text());
        }
        return fail(node, path, "expected true or false, got " + node.describe());
    };

    final Binder<Long> size = parsed(Units::size);

    <T> Binder<T> parsed(Function<String, T> parser) {
        return (node, path) -> {
            String value = text.bind(node, path);
            if (value == null) {
                return null;
            }
            try {
                return parser.apply(value);
            } catch (IllegalArgumentException e) {
                return fail(node, path, e.getMessage());
            }
        };
    }

    /**
     * A list of values each {@code item} reads; a refused item is left out after its problem.
     *
     * @param item     reads one item
     * @param what     what the items are, for a problem, like {@code "host names like example.com"}
     * @param nonEmpty whether an empty list is a problem
     * @param <T>      the items' type
     * @return the list binder
     */
    public <T> Binder<List<T>> list(Binder<T> item, String what, boolean nonEmpty) {
        return list(item, what, nonEmpty, null);
    }

    /** A list of at least one, where an item given twice is a problem: "'x' is already listed {@code in}". */
    <T> Binder<List<T>> distinctList(Binder<T> item, String what, String in) {
        return list(item, what, true, in);
    }

    private <T> Binder<List<T>> list(Binder<T> item, String what, boolean nonEmpty, String distinctIn) {
        return (node, path) -> {
            if (!(node instanceof Sequence sequence)) {
                return fail(node, path, "expected a list of " + what + ", got " + node.describe());
            }
            if (nonEmpty && sequence.items().isEmpty()) {
                return fail(node, path, "expected at least one of " + what);
            }
            List<T> values = new ArrayList<>();
            Set<T> seen = new HashSet<>();
            for (int i = 0; i < sequence.items().size(); i++) {
                ConfigNode itemNode = sequence.items().get(i);
                String itemPath = path + "[" + i + "]";
                T value = item.bind(itemNode, itemPath);
                if (value != null && distinctIn != null && !seen.add(value)) {
                    value = fail(itemNode, itemPath, "'" + value + "' is already listed " + distinctIn);
                }
                if (value != null) {
                    values.add(value);
                }
            }
            return values;
        };
    }

    Binder<Long> wholeNumber() {
        return (node, path) -> {
            if (node instanceof Scalar s && s.value() != null) {
                if (s.value() instanceof Integer || s.value() instanceof Long) {
                    return ((Number) s.value()).longValue();
                }
                if (s.text().matches("\\d{1,18}")) {
                    return Long.parseLong(s.text());
                }
            }
            return fail(node, path, "expected a whole number, got " + node.describe());
        };
    }

    /** A whole number from {@code min} to {@code max}, as an int; {@code range} says so when it is not. */
    Binder<Integer> wholeNumber(long min, long max, String range) {
        return within(wholeNumber(), min, max, range).map(Long::intValue);
    }

    <N extends Number> Binder<N> within(Binder<N> binder, long min, long max, String range) {
        return (node, path) -> {
            N value = binder.bind(node, path);
            return value == null || (value.longValue() >= min && value.longValue() <= max) ? value
                    : fail(node, path, range + ", got " + node.describe());
        };
    }

    Binder<Integer> oneOf(List<Integer> allowed) {
        Binder<Long> number = wholeNumber();
        return (node, path) -> {
            Long value = number.bind(node, path);
            if (value == null) {
                return null;
            }
            return allowed.contains(value.intValue()) ? value.intValue()
                    : fail(node, path, "expected one of " + allowed.stream().map(String::valueOf).collect(Collectors.joining(", "))
                    + ", got " + node.describe());
        };
    }

    /** A duration, more than zero unless {@code zeroAllowed}; the builder hands over {@link Duration}s as they are. */
    Binder<Duration> duration(boolean zeroAllowed) {
        Binder<Duration> written = parsed(Units::duration);
        return (node, path) -> {
            Duration value = node instanceof Scalar s && s.value() instanceof Duration d ? d : written.bind(node, path);
            if (value != null && (value.isNegative() || (value.isZero() && !zeroAllowed))) {
                return fail(node, path, (zeroAllowed ? "must be 0 or more" : "must be more than 0") + ", got " + node.describe());
            }
            return value;
        };
    }

    /** One of an enum's constants, written as {@link Keys#spelling} spells it. */
    <E extends Enum<E>> Binder<E> choice(E[] constants) {
        return parsed(value -> ConfigValues.choice(value, constants));
    }

    Binder<Template> template(Template.Use use) {
        return parsed(value -> Template.parse(value, use));
    }

    /** A path, relative ones resolved against the base directory. */
    Binder<Path> path() {
        return parsed(value -> resolve(ConfigValues.notEmpty(value)));
    }

    /** A PEM file of CA certificates, resolved like {@link #path()}, read now so that a bad one is refused here. */
    Binder<Path> trustAnchors() {
        return parsed(value -> {
            Path file = resolve(ConfigValues.notEmpty(value));
            TrustAnchors.read(file);
            return file;
        });
    }

    /** A document root with evhost tokens, resolved like {@link #path()}. */
    Binder<String> root() {
        return parsed(value -> resolve(ConfigValues.evhostRoot(value)).toString());
    }

    /** {@code "-"}, {@code off}, {@code logger}, {@code logger:NAME}, or a path resolved like {@link #path()}. */
    Binder<String> accessLogPath() {
        return parsed(value -> AccessLogPaths.isFile(AccessLogPaths.checked(value)) ? resolve(value).toString() : value);
    }

    /** A header name the mapping being read may change. */
    Binder<String> headerName() {
        return parsed(headerNames);
    }

    /** A mapping of header names (as {@link #headerName()} takes them) to value templates, in the order written. */
    Binder<List<HeaderRules.Header>> headerValues() {
        Binder<String> name = headerName();
        Binder<Template> value = template(Template.Use.HEADER);
        return (node, path) -> {
            if (!(node instanceof Mapping mapping)) {
                return fail(node, path, "expected a mapping of header names to values, like {X-Frame-Options: DENY}, got " + node.describe());
            }
            List<HeaderRules.Header> headers = new ArrayList<>();
            for (ConfigNode.Entry entry : mapping.entries()) {
                String headerPath = path + "." + entry.key();
                String checkedName = name.bind(new Scalar(entry.key(), entry.key(), entry.line(), entry.column()), headerPath);
                Template checkedValue = value.bind(entry.value(), headerPath);
                if (checkedName != null && checkedValue != null) {
                    headers.add(new HeaderRules.Header(checkedName, checkedValue));
                }
            }
            return headers;
        };
    }

    /**
     * A mapping whose keys the caller defines ({@code mimeTypes}, {@code errorPages}); a key {@code keyParser}
     * refuses is reported at the key. Keys are kept in the order written; an empty value is an empty mapping.
     */
    <K, V> Binder<Map<K, V>> keyed(Function<String, K> keyParser, Binder<V> value) {
        return (node, path) -> {
            Map<K, V> values = new LinkedHashMap<>();
            if (node instanceof Scalar s && s.value() == null) {
                return values;
            }
            if (!(node instanceof Mapping mapping)) {
                return fail(node, path, "expected a mapping, got " + node.describe());
            }
            for (ConfigNode.Entry entry : mapping.entries()) {
                String entryPath = path + "." + entry.key();
                K key;
                try {
                    key = keyParser.apply(entry.key());
                } catch (IllegalArgumentException e) {
                    problems.add(entry.line(), entry.column(), entryPath, e.getMessage());
                    continue;
                }
                V bound = value.bind(entry.value(), entryPath);
                if (bound != null && values.putIfAbsent(key, bound) != null) {
                    problems.add(entry.line(), entry.column(), entryPath, "'" + entry.key() + "' is given twice");
                }
            }
            return values;
        };
    }

    /** Relative paths are taken from the base directory, so a config does not depend on the current directory. */
    private Path resolve(String value) {
        return baseDir.resolve(value).normalize();
    }

    /**
     * Adds a problem at {@code node}.
     *
     * @param node    where the refused value was written
     * @param path    its key path
     * @param message what is wrong and what would be valid
     * @param <T>     the type the caller would have returned
     * @return {@code null}, for a binder to return
     */
    public <T> T fail(ConfigNode node, String path, String message) {
        problems.add(node, path, message);
        return null;
    }
}
