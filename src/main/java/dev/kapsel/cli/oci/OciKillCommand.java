package dev.kapsel.cli.oci;

import dev.kapsel.oci.SignalName;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kapsel kill}: sends a signal (default SIGTERM) to the container's process. */
@Command(name = "kill", description = "OCI: send a signal (name or number, default TERM) to a container.",
        mixinStandardHelpOptions = true)
public final class OciKillCommand extends OciVerb {
    @Option(names = {"-a", "--all"}, description = "signal all the container's processes (they all live in its one monitor)")
    boolean all;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1", paramLabel = "SIGNAL", defaultValue = "TERM")
    String signal;

    @Override
    int execute() {
        runtime().kill(id, SignalName.parse(signal));
        return 0;
    }
}
