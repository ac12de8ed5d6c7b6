package io.gatehouse.internal.config;

import io.gatehouse.config.ConfigException;
import io.gatehouse.config.ConfigProblem;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/** Collects every problem of one configuration, so that all of them are reported at once. */
public final class Problems {

    private final Optional<String> file;
    private final List<ConfigProblem> problems = new ArrayList<>();

    public Problems(Optional<String> file) {
        this.file = file;
    }

    /** The YAML file the problems are in, when there is one. */
    public Optional<String> file() {
        return file;
    }

    public void add(int line, int column, String keyPath, String message) {
        problems.add(new ConfigProblem(file, line, column, keyPath, message));
    }

    public void add(ConfigNode at, String keyPath, String message) {
        add(at.line(), at.column(), keyPath, message);
    }

    public int count() {
        return problems.size();
    }

    /** Throws the problems found so far, in file order, if there are any. */
    public void throwIfAny() {
        if (!problems.isEmpty()) {
            List<ConfigProblem> sorted = new ArrayList<>(problems);
            sorted.sort(Comparator.comparingInt(ConfigProblem::line).thenComparingInt(ConfigProblem::column));
            throw new ConfigException(sorted);
        }
    }
}
