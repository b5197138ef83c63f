package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kapsel start}: runs the process of a created container. */
@Command(name = "start", description = "executes the user defined process in a created container", mixinStandardHelpOptions = true)
public final class OciStartCommand extends OciVerb {
    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().start(id);
        return 0;
    }
}
