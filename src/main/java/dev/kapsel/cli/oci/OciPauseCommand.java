package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pause ID}: runc's verb; the container's monitor parks its micro-VM (the sandbox refuses, exit 1). */
@Command(name = "pause", description = "pause suspends all processes inside the container", mixinStandardHelpOptions = true,
        footer = {"", "vm: every vCPU and device thread of the container's micro-VM parks; state says paused until resume."
            + " sandbox: not supported, an error naming the isolation, exit 1."})
public final class OciPauseCommand extends OciVerb {
    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().pause(id);
        return 0;
    }
}
