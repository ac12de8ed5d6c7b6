package io.gatehouse.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A configuration that cannot be used, with every problem found in it (not only the first). Thrown by
 * {@link GatewayConfig#load} and {@link GatewayConfigBuilder#build()}.
 *
 * <p>Unchecked, so that building or loading a configuration needs no {@code throws} clause; catch it where a bad
 * configuration is expected (a reload, a {@code check} command) and show {@link #problems()}. The message is every
 * problem's {@link ConfigProblem#toString()}, one per line.
 */
public final class ConfigException extends RuntimeException {

    /** Every problem, at least one, unmodifiable. */
    private final List<ConfigProblem> problems;

    /**
     * @param problems every problem found, in the order they are reported
     * @throws IllegalArgumentException when {@code problems} is empty: an exception about nothing would hide a bug
     */
    public ConfigException(List<ConfigProblem> problems) {
        super(problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("\n")));
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("a ConfigException needs at least one problem");
        }
        this.problems = List.copyOf(problems);
    }

    /** @return every problem, at least one, in file order for a YAML file (line, then column) */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
