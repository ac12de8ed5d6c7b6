package io.gatehouse.internal.config;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Collects every problem of one configuration, so that all of them are reported at once. Not thread-safe: one read. */
public final class Problems {

    private final Optional<String> file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    /** @param file the YAML file the problems are in; empty for a configuration built in code */
    public Problems(Optional<String> file) {
        this.file = file;
    }

    /** @return the YAML file the problems are in, when there is one */
    public Optional<String> file() {
        return file;
    }

    /**
     * Adds a problem.
     *
     * @param line    1-based, or 0 when unknown
     * @param column  1-based, or 0 when unknown
     * @param keyPath like {@code vhosts[1].hosts[0]}
     * @param message what is wrong and what would be valid
     */
    public void add(int line, int column, String keyPath, String message) {
        problems.add(new ConfigProblem(file, line, column, keyPath, message));
    }

    /**
     * Adds a problem where {@code at} was written.
     *
     * @param at      the node the problem is in
     * @param keyPath like {@code vhosts[1].hosts[0]}
     * @param message what is wrong and what would be valid
     */
    public void add(ConfigNode at, String keyPath, String message) {
        add(at.line(), at.column(), keyPath, message);
    }

    /** @return how many problems were added */
    public int count() {
        return problems.size();
    }

    /**
     * Throws the problems found so far, in file order, if there are any.
     *
     * @throws io.gatehouse.config.ConfigException with every problem, when there is one
     */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            List<ConfigProblem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
            throw new ConfigException(sorted);
        }
    }
}
