package dev.kapsel.cli.oci;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kapsel delete}: removes a stopped (or created) container; {@code --force} also a running one. */
@Command(name = "delete", description = "delete any resources held by the container often used with detached container", mixinStandardHelpOptions = true)
public final class OciDeleteCommand extends OciVerb {
    @Option(names = {"-f", "--force"}, description = "Forcibly deletes the container if it is still running (uses SIGKILL); succeeds if it does not exist")
    boolean force;

    @Parameters(index = "0", paramLabel = "<container-id>")
    String id;

    @Override
    int execute() {
        runtime().delete(id, force);
        return 0;
    }
}
