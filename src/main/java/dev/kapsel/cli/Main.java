package dev.kapsel.cli;

import picocli.CommandLine;

/** The {@code kapsel} launcher: parses the command line and maps failures to one-line errors. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line: one-line errors, and options end where a program's arguments begin. */
    public static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new KapselCommand()).setStopAtPositional(true);
        cli.setExecutionExceptionHandler(new OneLineErrors());
        dev.kapsel.cli.oci.OciVerbs.configure(cli);
        return cli;
    }
}
