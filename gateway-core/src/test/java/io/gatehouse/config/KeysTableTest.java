package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import io.gatehouse.testing.RepositoryRoot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The key table is the one place a key is declared: every component of the config records is filled by exactly one
 * key (or is named in {@link Keys#NOT_KEYS}), every key names a component that exists, and every key is documented,
 * so a key added to a record, the reader or the docs alone fails here.
 */
class KeysTableTest {

    @Test
    void everyComponentOfTheConfigRecordsIsFilledByExactlyOneKey() {
        List<String> wrong = new ArrayList<>();
        for (Class<?> type : configRecords()) {
            for (RecordComponent component : type.getRecordComponents()) {
                long keys = Keys.all().filter(key -> key.fills(type, component.getName())).count();
                boolean notAKey = Keys.NOT_KEYS.containsKey(type.getSimpleName() + "." + component.getName());
                if (keys + (notAKey ? 1 : 0) != 1) {
                    wrong.add(type.getSimpleName() + "." + component.getName() + ": " + keys + " keys"
                            + (notAKey ? " and in NOT_KEYS" : ""));
                }
            }
        }
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyKeyFillsAComponentThatExistsOrOnlyGroupsOrSelects() {
        List<String> wrong = new ArrayList<>();
        Keys.all().forEach(key -> {
            if (key.record() == null ? key.opens() == null
                    : Arrays.stream(key.record().getRecordComponents()).noneMatch(c -> c.getName().equals(key.component()))) {
                wrong.add(key.path());
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void everyKeyIsInTheDocumentationOfItsSection() throws IOException {
        List<String> missing = new ArrayList<>();
        for (Keys.Key<?> key : Keys.all().toList()) {
            String doc = Files.readString(RepositoryRoot.find().resolve("src-docs").resolve(key.section().doc()));
            // Written in backticks, alone or as a segment of a key path: `queue`, `health.failures`, `headers.request.set`
            Pattern written = Pattern.compile("`([A-Za-z0-9]+\\.)*" + Pattern.quote(key.name()) + "(\\.[A-Za-z0-9]+)*`");
            if (!written.matcher(doc).find()) {
                missing.add(key.path() + " in " + key.section().doc());
            }
        }
        assertEquals(List.of(), missing);
    }

    @Test
    void theValidKeysOfAnUnknownKeyAreTheTables() {
        assertEquals("unknown key 'bogus'; valid keys here: " + String.join(", ", Keys.ROUTE_PROXY.names()),
                ConfigReader.unknownKey("bogus", Keys.ROUTE_PROXY.names()));
        assertTrue(Keys.ROUTE_PROXY.names().containsAll(Keys.PROXY.names()), "a route's proxy takes a vhost's proxy keys");
    }

    @Test
    void everyValueKeyHasATypeAndADefaultAndNoMappingKeyHasAType() {
        List<String> wrong = new ArrayList<>();
        Keys.all().forEach(key -> {
            boolean value = key.opens() == null;
            if (value ? key.type() == null || key.byDefault() == null : key.type() != null) {
                wrong.add(key.path());
            }
        });
        assertEquals(List.of(), wrong);
    }

    @Test
    void aDerivedOrRequiredDefaultSaysWhatItIs() {
        List<String> wrong = new ArrayList<>();
        Keys.all().filter(key -> key.byDefault() != null).forEach(key -> {
            Keys.Default.Kind kind = key.byDefault().kind();
            boolean needsRule = kind == Keys.Default.Kind.DERIVED || kind == Keys.Default.Kind.REQUIRED;
            if (needsRule == key.byDefault().rule().isEmpty() || (kind != Keys.Default.Kind.VALUE && key.byDefault().value() != null)) {
                wrong.add(key.path() + ": " + key.byDefault());
            }
        });
        assertEquals(List.of(), wrong);
    }

    /**
     * configuration.md's tables give each key's default in their third column; for a constant default its first
     * code span is the key's default as YAML writes it. A row's key is relative to its table's section.
     */
    @Test
    void theDefaultsDocumentedInConfigurationMdAreTheKeys() throws IOException {
        Map<String, Row> documented = documentedRows();
        List<String> wrong = new ArrayList<>();
        Keys.all().filter(key -> key.section().doc().equals("configuration.md") && key.byDefault() != null
                && key.byDefault().kind() == Keys.Default.Kind.VALUE).forEach(key -> {
            Row row = documented.get(key.path());
            Matcher code = row == null ? null : Pattern.compile("`([^`]*)`").matcher(row.byDefault());
            String written = code != null && code.find() ? code.group(1).replace("\"", "") : null;
            String expected = yaml(key.byDefault().value(), row != null && row.type().startsWith("size"));
            if (!expected.equals(written)) {
                wrong.add(key.path() + ": documented " + (row == null ? "nowhere" : "'" + row.byDefault() + "'") + ", declared " + expected);
            }
        });
        assertEquals(List.of(), wrong);
    }

    private static final Map<String, List<String>> TABLE_PREFIXES = Map.of(
            "## Top level", List.of(""), "## vhosts[]", List.of("vhosts[]."),
            "### proxy", List.of("proxy.", "routes[].proxy."), "### files", List.of("files."));

    private static final Pattern ROW = Pattern.compile("\\| `([A-Za-z0-9.]+)` \\| ([^|]*) \\| ([^|]*) \\|.*");

    /** A row of a key table: its Type and Default cells. */
    private record Row(String type, String byDefault) {
    }

    /** Each documented key's row, by key path. */
    private static Map<String, Row> documentedRows() throws IOException {
        Map<String, Row> rows = new HashMap<>();
        List<String> prefixes = List.of();
        for (String line : Files.readAllLines(RepositoryRoot.find().resolve("src-docs").resolve("configuration.md"))) {
            if (line.startsWith("#")) {
                prefixes = TABLE_PREFIXES.getOrDefault(line.strip(), List.of());
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                for (String prefix : prefixes) {
                    rows.put(prefix + row.group(1), new Row(row.group(2).strip(), row.group(3).strip()));
                }
            }
        }
        return rows;
    }

    /** A default as configuration.md writes it: {@code 5s}, {@code 16KiB}, {@code [x-forwarded]}, {@code inside-root}. */
    private static String yaml(Object value, boolean size) {
        if (value instanceof Duration duration) {
            return duration.toMillis() % 1000 == 0 ? duration.toSeconds() + "s" : duration.toMillis() + "ms";
        }
        if (value instanceof Number number && size) {
            long bytes = number.longValue();
            for (String unit : List.of("GiB", "MiB", "KiB")) {
                long scale = 1L << (10 * (3 - List.of("GiB", "MiB", "KiB").indexOf(unit)));
                if (bytes >= scale && bytes % scale == 0) {
                    return bytes / scale + unit;
                }
            }
            return bytes + "B";
        }
        if (value instanceof Enum<?> choice) {
            return Keys.spelling(choice);
        }
        if (value instanceof Collection<?> items) {
            return items.stream().map(item -> yaml(item, false)).sorted(items instanceof Set ? Comparator.naturalOrder()
                    : (a, b) -> 0).collect(Collectors.joining(", ", "[", "]"));
        }
        if (value instanceof Map<?, ?> map && map.isEmpty()) {
            return "{}";
        }
        return String.valueOf(value);
    }

    /**
     * The records reachable from {@link GatewayConfig} through components, type arguments and the actions; not
     * {@link Route.Origin}, which says where a route was written.
     */
    private static Set<Class<?>> configRecords() {
        Set<Class<?>> seen = new LinkedHashSet<>();
        Deque<Type> next = new ArrayDeque<>(List.of(GatewayConfig.class));
        while (!next.isEmpty()) {
            Type type = next.pop();
            if (type instanceof ParameterizedType parameterized) {
                next.addAll(Arrays.asList(parameterized.getActualTypeArguments()));
            } else if (type instanceof Class<?> c && c.getPackage() == GatewayConfig.class.getPackage()
                    && !Keys.SCALARS.contains(c) && c != Route.Origin.class && seen.add(c)) {
                if (c.isRecord()) {
                    Arrays.stream(c.getRecordComponents()).forEach(component -> next.add(component.getGenericType()));
                }
                if (c.isSealed()) {
                    next.addAll(Arrays.asList(c.getPermittedSubclasses()));
                }
            }
        }
        seen.removeIf(c -> !c.isRecord());
        return seen;
    }
}
