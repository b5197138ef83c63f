package dev.kapsel.cli.oci;

import dev.kapsel.oci.OciRuntime;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.state.StateStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the OCI runtime verbs: finds the global options on the root command, and turns any
 * failure into one error line on stderr (and in the {@code --log} file, in its format) and exit 1
 * ({@link #failureStatus()}: 255 for {@code exec}, as runc). With {@code --debug} the verb and its
 * arguments, and its outcome, are debug lines in the log.
 */
abstract class OciVerb implements Callable<Integer> {
    /** The name of the {@link OciGlobalOptions} mixin in {@code KapselCommand}. */
    static final String GLOBALS = "oci";

    @Spec
    CommandSpec spec;

    private RuntimeLog log;

    OciGlobalOptions globals() {
        CommandSpec mixin = spec.root().mixins().get(GLOBALS);
        return mixin != null ? (OciGlobalOptions) mixin.userObject() : new OciGlobalOptions();
    }

    RuntimeLog log() {
        if (log == null) {
            log = globals().log();
        }
        return log;
    }

    OciRuntime runtime() {
        return new OciRuntime(new StateStore(globals().root()), log());
    }

    abstract int execute() throws Exception;

    /** The exit status of a verb that failed (runc: 1, {@code exec}: 255). */
    int failureStatus() {
        return 1;
    }

    @Override
    public final Integer call() {
        try {
            if (log().debugEnabled()) {
                log().debug("command line: " + spec.root().name() + " " + String.join(" ", spec.commandLine().getParseResult().originalArgs()));
            }
            int status = execute();
            log().debug(spec.name() + " ended with exit status " + status);
            return status;
        } catch (Exception e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            try {
                log().error(message);
                log().debug(spec.name() + " failed: " + e);
            } catch (IllegalArgumentException badFormat) {
                System.err.println("kapsel: " + badFormat.getMessage());
            }
            if ("1".equals(System.getenv("KAPSEL_DEBUG"))) {
                e.printStackTrace();
            }
            return failureStatus();
        }
    }
}
