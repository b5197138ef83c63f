package dev.kapsel.cli.oci;

import dev.kapsel.oci.OciRuntime;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kapsel create}: creates a container from a bundle; its monitor waits for {@code start}. */
@Command(name = "create", description = "OCI: create a container from a bundle (started by 'kapsel start').",
        mixinStandardHelpOptions = true)
public final class OciCreateCommand extends OciVerb {
    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", description = "bundle directory (default: current directory)")
    Path bundle = Path.of(".");

    @Option(names = "--pid-file", paramLabel = "FILE", description = "write the container process's PID here")
    Path pidFile;

    @Option(names = "--console-socket", paramLabel = "PATH", description = "Unix socket that receives the terminal's master fd")
    String consoleSocket;

    @Option(names = "--no-pivot", description = "accepted; kapsel does not pivot_root on the host")
    boolean noPivot;

    @Option(names = "--no-new-keyring", description = "accepted; no host session keyring is involved")
    boolean noNewKeyring;

    @Option(names = "--preserve-fds", paramLabel = "N", description = "accepted; extra descriptors are not passed into the container")
    int preserveFds;

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Override
    int execute() {
        if (preserveFds > 0) {
            log().warn("container " + id + ": --preserve-fds " + preserveFds + " is not honoured; only stdio reaches the container");
        }
        runtime().create(new OciRuntime.CreateRequest(id, bundle, pidFile, consoleSocket));
        return 0;
    }
}
