package dev.kapsel.cli;

import picocli.CommandLine;

/** The {@code kapsel} launcher: parses the command line and maps failures to one-line errors. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        CommandLine cli = new CommandLine(new KapselCommand());
        cli.setExecutionExceptionHandler(new OneLineErrors());
        return cli.execute(args);
    }
}
