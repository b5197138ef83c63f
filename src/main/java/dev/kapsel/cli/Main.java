package dev.kapsel.cli;

import dev.kapsel.cli.oci.Dialect;
import dev.kapsel.cli.oci.RuncCommand;
import java.util.List;
import picocli.CommandLine;

/**
 * The {@code kapsel} launcher: picks the dialect ({@link Dialect}: kapsel's own command line, or runc's
 * for the container engines), parses the command line and maps failures to one-line errors.
 */
public final class Main {
    /** The name the launcher was invoked as ({@code bin/kapsel} passes {@code -Dkapsel.program=$(basename $0)}). */
    static final String PROGRAM_PROPERTY = "kapsel.program";

    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine(args).execute(args);
    }

    /** The command line of the dialect these arguments speak, as invoked under this JVM's program name. */
    public static CommandLine commandLine(String... args) {
        String program = System.getProperty(PROGRAM_PROPERTY);
        return Dialect.of(program, List.of(args)) == Dialect.RUNC ? RuncCommand.commandLine(program) : kapsel();
    }

    /** kapsel's own command line: one-line errors, and options end where a program's arguments begin. */
    public static CommandLine kapsel() {
        CommandLine cli = new CommandLine(new KapselCommand()).setStopAtPositional(true);
        cli.setExecutionExceptionHandler(new OneLineErrors());
        return cli;
    }
}
