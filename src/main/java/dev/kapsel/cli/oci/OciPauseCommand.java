package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code pause ID}: runc's verb; kapsel answers with the isolation that cannot pause yet (exit 1). */
@Command(name = "pause", description = "pause suspends all processes inside the container", mixinStandardHelpOptions = true,
        footer = {"", "Not supported yet by either isolation: an error naming the container's isolation, exit 1."})
public final class OciPauseCommand extends OciVerb {
    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().pause(id);
        return 0;
    }
}
