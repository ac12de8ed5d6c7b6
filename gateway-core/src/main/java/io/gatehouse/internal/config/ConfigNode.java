package io.gatehouse.internal.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A configuration as a tree of mappings, lists and scalars, each node knowing where it was written. The YAML
 * parser ({@code YamlTree}) and {@link io.gatehouse.config.GatewayConfigBuilder} both produce this tree, so that
 * one {@code ConfigReader} applies the same defaults and validation to both. Lines and columns are 1-based; 0 means
 * the node was built in code.
 */
public sealed interface ConfigNode {

    /** @return the 1-based line it was written on, or 0 */
    int line();

    /** @return the 1-based column it was written at, or 0 */
    int column();

    /** @return what this node is, for messages such as "expected a list, got a mapping" */
    String describe();

    /**
     * A single value.
     *
     * @param value as YAML typed it ({@code String}, {@code Boolean}, a {@code Number}, {@code null}), or a typed
     *              value from the builder such as a {@code Duration}
     * @param text  the value as written (YAML {@code off} is {@code false} with text {@code "off"})
     * @param line   1-based, or 0 in code
     * @param column 1-based, or 0 in code
     */
    record Scalar(Object value, String text, int line, int column) implements ConfigNode {
        @Override
        public String describe() {
            return value == null ? "nothing (a bare ~ or empty value is null in YAML; quote it)" : "'" + text + "'";
        }
    }

    /**
     * A list.
     *
     * @param items  its items, in order
     * @param line   1-based, or 0 in code
     * @param column 1-based, or 0 in code
     */
    record Sequence(List<ConfigNode> items, int line, int column) implements ConfigNode {
        /**
         * Copies the items.
         *
         * @param items  its items, in order
         * @param line   1-based, or 0 in code
         * @param column 1-based, or 0 in code
         */
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * A mapping: keys in the order written; the parser keeps only the first of duplicate keys (and reports the
     * others).
     *
     * @param entries its keys and values, in order
     * @param line    1-based, or 0 in code
     * @param column  1-based, or 0 in code
     */
    record Mapping(List<Entry> entries, int line, int column) implements ConfigNode {
        /**
         * Copies the entries.
         *
         * @param entries its keys and values, in order
         * @param line    1-based, or 0 in code
         * @param column  1-based, or 0 in code
         */
        public Mapping {
            entries = List.copyOf(entries);
        }

        /**
         * The entry of {@code key}.
         *
         * @param key as written
         * @return the entry, or null when the mapping has no such key
         */
        public Entry entry(String key) {
            for (Entry entry : entries) {
                if (entry.key().equals(key)) {
                    return entry;
                }
            }
            return null;
        }

        @Override
        public String describe() {
            return "a mapping";
        }
    }

    /**
     * One key of a mapping, located where the key is written.
     *
     * @param key    as written
     * @param line   1-based, or 0 in code
     * @param column 1-based, or 0 in code
     * @param value  its value
     */
    record Entry(String key, int line, int column, ConfigNode value) {
    }

    /**
     * The tree of plain Java values built in code: {@code Map<String, ?>} becomes a mapping, {@code List} a list,
     * an enum its YAML spelling ({@link Keys#spelling}), anything else a scalar. Every node is at line 0, column 0.
     *
     * @param value a map, list, enum constant or scalar value
     * @return the tree
     */
    public static ConfigNode of(Object value) {
        if (value instanceof Map<?, ?> map) {
            List<Entry> entries = new ArrayList<>();
            map.forEach((key, child) -> entries.add(new Entry((String) key, 0, 0, of(child))));
            return new Mapping(entries, 0, 0);
        }
        if (value instanceof List<?> list) {
            return new Sequence(list.stream().map(ConfigNode::of).toList(), 0, 0);
        }
        if (value instanceof Enum<?> constant) {
            String name = Keys.spelling(constant);
            return new Scalar(name, name, 0, 0);
        }
        return new Scalar(value, String.valueOf(value), 0, 0);
    }
}
