package dev.kapsel.cli.oci;

import dev.kapsel.host.MonitorSeccomp;
import dev.kapsel.oci.OciRuntime;
import dev.kapsel.oci.RuntimeLog;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options {@code create} and {@code run} share (runc's create.go and run.go). */
final class CreateOptions {
    @Option(names = {"-b", "--bundle"}, paramLabel = "DIR", description = "path to the root of the bundle directory, defaults to the current directory")
    Path bundle = Path.of(".");

    @Option(names = "--pid-file", paramLabel = "FILE", description = "specify the file to write the process id to")
    Path pidFile;

    @Option(names = "--console-socket", paramLabel = "PATH", description = "path to an AF_UNIX socket which will receive a file descriptor referencing the master end of the console's pseudoterminal")
    String consoleSocket;

    @Option(names = "--no-pivot", description = "accepted; kapsel does not pivot_root on the host")
    boolean noPivot;

    @Option(names = "--no-new-keyring", description = "accepted; no host session keyring is involved")
    boolean noNewKeyring;

    @Option(names = "--no-seccomp", description = "do not confine the container's monitor with kapsel's seccomp filter"
            + " (for debugging; KAPSEL_SECCOMP=kill|trap|log|off chooses the filter's action, kill by default; docs/security.md)")
    boolean noSeccomp;

    @Option(names = "--preserve-fds", paramLabel = "N", description = "not honoured: only stdio reaches the container")
    int preserveFds;

    OciRuntime.CreateRequest request(String id, RuntimeLog log) {
        if (noSeccomp) {
            MonitorSeccomp.disable();
        }
        if (preserveFds > 0) {
            log.warn("container " + id + ": --preserve-fds " + preserveFds + " is not honoured; only stdio reaches the container");
        }
        return new OciRuntime.CreateRequest(id, bundle, pidFile, consoleSocket);
    }
}
