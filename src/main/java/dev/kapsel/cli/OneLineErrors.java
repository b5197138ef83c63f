package dev.kapsel.cli;

import picocli.CommandLine;

/**
 * Turns an exception escaping a command into one line on stderr and exit code 1 (or the code the
 * exception carries), the stack trace only with {@code KAPSEL_DEBUG=1}.
 */
final class OneLineErrors implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine cli, CommandLine.ParseResult parsed) {
        String message = e.getMessage() != null ? e.getMessage() : e.toString();
        cli.getErr().println("kapsel: " + message);
        if ("1".equals(System.getenv("KAPSEL_DEBUG"))) {
            e.printStackTrace(cli.getErr());
        }
        cli.getErr().flush();
        return e instanceof CommandFailure f ? f.exitCode() : 1;
    }
}
