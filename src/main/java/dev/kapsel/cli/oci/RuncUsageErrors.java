package dev.kapsel.cli.oci;

import dev.kapsel.oci.RuntimeLog;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.UnmatchedArgumentException;

/**
 * Usage mistakes answered as runc answers them: "Incorrect Usage" and the verb's help on stdout, the
 * error as one line on stderr (and in the {@code --log} file, so an engine sees it), exit 1; an
 * unknown verb exits 3 ("No help topic for 'X'"), as urfave/cli does.
 */
final class RuncUsageErrors implements CommandLine.IParameterExceptionHandler {
    static final int USAGE = 1;
    static final int UNKNOWN_COMMAND = 3;

    @Override
    public int handleParseException(ParameterException e, String[] args) {
        CommandLine cli = e.getCommandLine();
        RuntimeLog log = log(cli);
        boolean atRoot = cli.getParent() == null;
        if (atRoot && e instanceof UnmatchedArgumentException u && !u.getUnmatched().isEmpty()
                && !u.getUnmatched().getFirst().startsWith("-")) {
            log.error("No help topic for '" + u.getUnmatched().getFirst() + "'");
            return UNKNOWN_COMMAND;
        }
        PrintWriter out = cli.getOut();
        out.println("Incorrect Usage: " + e.getMessage());
        out.println();
        cli.usage(out);
        out.flush();
        log.error(e.getMessage());
        return USAGE;
    }

    /** The log the global options name, as far as they were parsed; stderr in text when they are unusable. */
    private static RuntimeLog log(CommandLine cli) {
        CommandLine root = cli;
        while (root.getParent() != null) {
            root = root.getParent();
        }
        CommandLine.Model.CommandSpec mixin = root.getCommandSpec().mixins().get(OciVerb.GLOBALS);
        if (mixin != null) {
            try {
                return ((OciGlobalOptions) mixin.userObject()).log();
            } catch (IllegalArgumentException badFormat) {
                // fall through to stderr
            }
        }
        return new RuntimeLog(null, RuntimeLog.Format.TEXT, System.err);
    }
}
