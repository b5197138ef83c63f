package dev.kapsel.cli.oci;

import dev.kapsel.oci.RuntimeLog;
import dev.kapsel.oci.state.StateStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * runc's global options, given before the verb by the engines ({@code kapsel --root R --log L
 * --log-format json create ...}); a mixin of the runc-dialect root ({@link RuncCommand}), read by
 * every OCI verb.
 */
public final class OciGlobalOptions {
    @Option(names = "--root", paramLabel = "DIR", description = "OCI runtime state directory (default /run/kapsel)")
    Path root = StateStore.DEFAULT_ROOT;

    @Option(names = "--log", paramLabel = "FILE", description = "OCI runtime log file (default: stderr)")
    Path log;

    @Option(names = "--log-format", paramLabel = "text|json", description = "OCI runtime log format (default text)")
    String logFormat = "text";

    @Option(names = "--systemd-cgroup", description = "accepted for runc compatibility and ignored: kapsel puts no container process in host cgroups")
    boolean systemdCgroup;

    @Option(names = "--debug", description = "enable debug logging: debug lines in the --log file (or on stderr)")
    boolean debug;

    @Option(names = "--criu", paramLabel = "PATH", description = "accepted and ignored: kapsel has no checkpoint/restore through criu")
    String criu = "criu";

    @Option(names = "--rootless", paramLabel = "true|false|auto", description = "accepted and ignored: kapsel touches no host cgroups, so there are no cgroup permission errors to ignore")
    String rootless = "auto";

    public Path root() {
        return root;
    }

    public RuntimeLog log() {
        return new RuntimeLog(log, RuntimeLog.parseFormat(logFormat), System.err).withDebug(debug);
    }
}
