package dev.kapsel.cli;

import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * A root command's verbs, each built only when asked for: picocli reads a command's annotations
 * (every option, every help text) when it is added, and building all of them took most of a short
 * command's start-up. {@link #commandLine} adds only the verb the arguments name; without one (or for
 * {@code help}) it adds them all, so usage lists every verb; for the version alone it adds none.
 * {@link #make} is a switch, not a table of constructor references: a method reference links (and
 * so loads and verifies) its class up front, and the first lambda of a JVM costs milliseconds.
 */
public abstract class Verbs {
    private final List<String> names;
    /** Root options that take a value (runc's {@code --root DIR}), so their values are not taken for the verb. */
    private final Set<String> valueOptions;

    /** {@code names} in the order usage lists them. */
    protected Verbs(List<String> names, Set<String> valueOptions) {
        this.names = List.copyOf(names);
        this.valueOptions = Set.copyOf(valueOptions);
    }

    /** A new command object for the verb {@code name} (one of the names). */
    protected abstract Object make(String name);

    /** The verb these arguments name (the first argument that is neither an option nor a root option's value); null if none. */
    public String chosen(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--")) {
                return null;
            }
            if (!a.startsWith("-")) {
                return a;
            }
            if (valueOptions.contains(a)) {
                i++;
            }
        }
        return null;
    }

    /** {@code root}'s command line with the verbs {@code args} need; {@code versionOptions} are the root's version flags. */
    public CommandLine commandLine(Object root, List<String> args, Set<String> versionOptions) {
        CommandLine cli = new CommandLine(root);
        String verb = chosen(args);
        if (verb != null && names.contains(verb) && !verb.equals("help")) {
            cli.addSubcommand(verb, make(verb));
        } else if (!(verb == null && args.size() == 1 && versionOptions.contains(args.getFirst()))) {
            for (String name : names) {
                cli.addSubcommand(name, make(name));
            }
        }
        return cli;
    }

    /** Every verb's command line (tests and the complete usage). */
    public CommandLine all(Object root) {
        return commandLine(root, List.of(), Set.of());
    }
}
