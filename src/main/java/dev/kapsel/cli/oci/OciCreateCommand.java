package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code create ID}: creates a container from a bundle; its monitor waits for {@code start}. */
@Command(name = "create", description = "create a container", mixinStandardHelpOptions = true)
public final class OciCreateCommand extends OciVerb {
    @Mixin
    CreateOptions options;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().create(options.request(id, log()));
        return 0;
    }
}
