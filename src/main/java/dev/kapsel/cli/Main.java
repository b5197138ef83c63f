package dev.kapsel.cli;

import picocli.CommandLine;

/** The {@code kapsel} launcher: parses the command line and maps failures to one-line errors. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        // Options end where a program's arguments begin (kapsel sandbox run --rootfs D sh -c ...).
        CommandLine cli = new CommandLine(new KapselCommand()).setStopAtPositional(true);
        cli.setExecutionExceptionHandler(new OneLineErrors());
        return cli.execute(args);
    }
}
