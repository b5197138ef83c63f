package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerRegistryException;
import dev.kapsel.container.record.ContainerRecord;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code stop} and {@code rm} on several containers, Docker style: each reference is resolved and
 * acted on in turn, printed on stdout when done; one that fails is reported on stderr and the rest
 * still run. Exit status 0, or 1 if any failed.
 */
final class EachContainer {
    /** What to do with one container. */
    interface Action {
        void apply(ContainerRecord container) throws InterruptedException;
    }

    private EachContainer() {}

    static int apply(ContainerRegistry registry, List<String> references, CommandSpec spec, Action action)
            throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int status = 0;
        for (String ref : references) {
            try {
                action.apply(registry.find(ref));
                out.println(ref);
            } catch (ContainerRegistryException e) {
                err.println("kapsel: " + e.getMessage());
                status = 1;
            }
        }
        out.flush();
        err.flush();
        return status;
    }
}
