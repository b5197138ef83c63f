package dev.kapsel.cli.oci;

import dev.kapsel.oci.OciRuntime;
import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.state.StateStore;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the OCI runtime verbs: finds the global options on the root command, and turns any
 * failure into one error line on stderr (and in the {@code --log} file, in its format) and exit 1.
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

    @Override
    public final Integer call() {
        try {
            return execute();
        } catch (Exception e) {
            String message = e.getMessage() != null ? e.getMessage() : e.toString();
            try {
                log().error(message);
            } catch (IllegalArgumentException badFormat) {
                System.err.println("kapsel: " + badFormat.getMessage());
            }
            if ("1".equals(System.getenv("KAPSEL_DEBUG"))) {
                e.printStackTrace();
            }
            return 1;
        }
    }
}
