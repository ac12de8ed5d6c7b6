package io.gatehouse.daemon;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the command line asks for. Parsing is strict, as in {@code nginx} and {@code git}: an unknown command or
 * option, a missing or extra argument is a {@link UsageException}, never a guess.
 *
 * @param command what to do
 * @param config  the YAML file for {@link Command#RUN}, {@link Command#CHECK} and {@link Command#RELOAD}; null
 *                otherwise
 */
record Invocation(Command command, Path config) {

    enum Command { RUN, CHECK, RELOAD, HELP, VERSION }

    /** The command line is not one {@code gatehouse} understands; the message says what is wrong. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /**
     * Parses {@code args}. {@code -h}/{@code --help} anywhere wins (so {@code gatehouse run --help} shows help);
     * no arguments at all also shows help.
     */
    static Invocation parse(String[] args) throws UsageException {
        List<String> operands = new ArrayList<>();
        boolean version = false;
        for (String arg : args) {
            switch (arg) {
                case "-h", "--help", "help" -> {
                    return new Invocation(Command.HELP, null);
                }
                case "-V", "--version", "version" -> version = true;
                default -> {
                    if (arg.startsWith("-") && arg.length() > 1) {
                        throw new UsageException("unknown option " + arg);
                    }
                    operands.add(arg);
                }
            }
        }
        if (version) {
            if (!operands.isEmpty()) {
                throw new UsageException("--version takes no arguments");
            }
            return new Invocation(Command.VERSION, null);
        }
        if (operands.isEmpty()) {
            return new Invocation(Command.HELP, null);
        }
        String name = operands.get(0);
        Command command = switch (name) {
            case "run" -> Command.RUN;
            case "check" -> Command.CHECK;
            case "reload" -> Command.RELOAD;
            default -> throw new UsageException("unknown command \"" + name + "\"");
        };
        if (operands.size() != 2) {
            throw new UsageException(operands.size() < 2
                    ? name + " needs the configuration file: gatehouse " + name + " <config.yaml>"
                    : name + " takes one configuration file, got " + (operands.size() - 1) + " arguments");
        }
        return new Invocation(command, Path.of(operands.get(1)));
    }
}
