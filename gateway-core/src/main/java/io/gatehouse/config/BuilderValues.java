package io.gatehouse.config;

import io.gatehouse.internal.config.Keys;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A mapping being built by {@link GatewayConfigBuilder} or {@link ProxyConfigBuilder}: values under their
 * {@link io.gatehouse.internal.config.Keys}, in the order set, turned by {@link #tree()} into the tree a YAML file would give (the user's own
 * names in {@link #entries}: headers, extensions, statuses), so that {@link ConfigReader} reads both alike.
 */
final class BuilderValues {
    private final Map<Keys.Key<?>, Object> values = new LinkedHashMap<>();

    BuilderValues put(Keys.Key<?> key, Object value) {
        values.put(key, value);
        return this;
    }

    void remove(Keys.Key<?> key) {
        values.remove(key);
    }

    /** The mapping under {@code key}, made when it is not there yet. */
    BuilderValues section(Keys.Key<?> key) {
        return (BuilderValues) values.computeIfAbsent(key, k -> new BuilderValues());
    }

    /** A new, empty mapping under {@code key}, replacing whatever was set there. */
    BuilderValues replaceSection(Keys.Key<?> key) {
        BuilderValues section = new BuilderValues();
        values.put(key, section);
        return section;
    }

    /** A mapping of names the user chooses (header names, extensions, statuses) under {@code key}. */
    @SuppressWarnings("unchecked")
    Map<String, Object> entries(Keys.Key<?> key) {
        return (Map<String, Object>) values.computeIfAbsent(key, k -> new LinkedHashMap<String, Object>());
    }

    @SuppressWarnings("unchecked")
    List<Object> list(Keys.Key<?> key) {
        return (List<Object>) values.computeIfAbsent(key, k -> new ArrayList<>());
    }

    void add(Keys.Key<?> key, Object... items) {
        list(key).addAll(Arrays.asList(items));
    }

    Map<String, Object> tree() {
        Map<String, Object> tree = new LinkedHashMap<>();
        values.forEach((key, value) -> tree.put(key.name(), tree(value)));
        return tree;
    }

    private static Object tree(Object value) {
        if (value instanceof BuilderValues nested) {
            return nested.tree();
        }
        if (value instanceof List<?> items) {
            return items.stream().map(BuilderValues::tree).toList();
        }
        return value;
    }
}
