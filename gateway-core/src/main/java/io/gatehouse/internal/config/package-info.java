/**
 * The workings of {@code io.gatehouse.config}, public only so that the configuration package, the routes and the
 * daemon can share them; not an API, and free to change in any release.
 *
 * <p>It holds the table of YAML keys ({@link io.gatehouse.internal.config.Keys}: each key's name, section, record
 * component, value type and default, declared once), the vocabulary the table is written in (the
 * {@link io.gatehouse.internal.config.ConfigNode} tree, {@link io.gatehouse.internal.config.Binders} and the
 * parsers of single values, {@link io.gatehouse.internal.config.Problems}), the parsed form of a route
 * {@link io.gatehouse.config.Template} ({@link io.gatehouse.internal.config.ParsedTemplate}), and the rule of which
 * configured names carry secrets ({@link io.gatehouse.internal.config.SecretNames}). Reading YAML and the builder's
 * tree into records, and the checks across records, stay package-private in {@code io.gatehouse.config}.
 */
package io.gatehouse.internal.config;
