package dev.kapsel.cli;

import dev.kapsel.cli.oci.Dialect;
import dev.kapsel.cli.oci.RuncCommand;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;

/**
 * The {@code kapsel} launcher: picks the dialect ({@link Dialect}: kapsel's own command line, or runc's
 * for the container engines), parses the command line and maps failures to one-line errors.
 */
public final class Main {
    /** The name the launcher was invoked as ({@code bin/kapsel} passes {@code -Dkapsel.program=$(basename $0)}). */
    static final String PROGRAM_PROPERTY = "kapsel.program";

    private Main() {}

    /**
     * Whether this JVM was started as the {@code kapsel} command ({@link #main}), not a test calling
     * {@link #run}: only then does a foreground {@code kapsel run} confine its own process with the
     * monitors' seccomp filter (a test JVM must not be filtered for the rest of its tests).
     */
    static volatile boolean ownProcess;

    public static void main(String[] args) {
        ownProcess = true;
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line of the dialect these arguments speak, as invoked under this JVM's program name. */
    public static CommandLine commandLine(String... args) {
        String program = System.getProperty(PROGRAM_PROPERTY);
        List<String> list = List.of(args);
        return Dialect.of(program, list) == Dialect.RUNC ? RuncCommand.commandLine(program, list) : kapsel(list);
    }

    /**
     * kapsel's own command line, with the verb {@code args} name (every verb without one): one-line
     * errors, and options end where a program's arguments begin.
     */
    public static CommandLine kapsel(List<String> args) {
        CommandLine cli = KapselCommand.VERBS.commandLine(new KapselCommand(), args, Set.of("-V", "--version")).setStopAtPositional(true);
        cli.setExecutionExceptionHandler(new OneLineErrors());
        return cli;
    }
}
