package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kapsel delete}: removes a stopped (or created) container; {@code --force} also a running one. */
@Command(name = "delete", description = "OCI: delete a container.", mixinStandardHelpOptions = true)
public final class OciDeleteCommand extends OciVerb {
    @Option(names = {"-f", "--force"}, description = "kill a running container first; succeed if it does not exist")
    boolean force;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int execute() {
        runtime().delete(id, force);
        return 0;
    }
}
