package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code kapsel state}: prints the container's state JSON (runtime specification). */
@Command(name = "state", description = "output the state of a container", mixinStandardHelpOptions = true)
public final class OciStateCommand extends OciVerb {
    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() throws Exception {
        System.out.println(RuncJson.pretty(runtime().state(id)));
        return 0;
    }
}
