package io.gatehouse.config;

import io.gatehouse.testing.RepositoryRoot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

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
        for (Keys.Key key : Keys.all().toList()) {
            String doc = Files.readString(RepositoryRoot.find().resolve("src-docs").resolve(key.section().doc()));
            // Written in backticks, alone or as a segment of a key path: `queue`, `health.failures`, `headers.request.set`
            Pattern written = Pattern.compile("`([A-Za-z]+\\.)*" + Pattern.quote(key.name()) + "(\\.[A-Za-z]+)*`");
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
            } else if (type instanceof Class<?> c && c.getPackage() == Keys.class.getPackage()
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
