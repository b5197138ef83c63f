package dev.kapsel.cli.oci;

import dev.kapsel.oci.InvalidStateException;
import dev.kapsel.oci.state.ContainerStatus;
import dev.kapsel.oci.state.StateReport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kapsel ps ID}: the host processes of a container. All of a container's processes run inside
 * its monitor, so that is the one host PID. Without an id, {@code kapsel ps [-a] [-q]} lists the
 * detached containers ({@link dev.kapsel.cli.ContainerListing}).
 */
@Command(name = "ps", mixinStandardHelpOptions = true, footer = {
            "",
            "Without ID: list the containers started with 'kapsel run -d' (running ones; all with -a), newest first,"
                + " as CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, NAMES. STATUS is 'Created' while the micro-VM boots,"
                + " 'Up <time>' while the command runs, 'Exited (<code>) <time> ago' after it ended (128+N: signal N), and"
                + " 'Exited (unknown)' when its monitor process died without recording a status (SIGKILL, crash, reboot):"
                + " a container counts as running only while its monitor (same PID and start time) is alive.",
            "",
            "With ID (the OCI runtime verb, for container engines): the host processes of that container.",
            "",
            "Examples:",
            "  kapsel ps                   running containers",
            "  kapsel ps -a                also the exited ones",
            "  kapsel rm $(kapsel ps -aq)  remove every stopped container"
        },
        description = {"List containers started with 'kapsel run -d' (no ID), or (OCI) the host processes of container ID."})
public final class OciPsCommand extends OciVerb {
    @Option(names = {"-a", "--all"}, description = "Without ID: also list exited containers.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Without ID: print only the short ids.")
    boolean quiet;

    @Option(names = {"-f", "--format"}, paramLabel = "table|json", description = "output format (default table)")
    String format = "table";

    @Parameters(index = "0", arity = "0..1", paramLabel = "ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "PS-ARGS", description = "accepted for runc compatibility")
    List<String> psArgs;

    @Override
    int execute() throws Exception {
        if (id == null) {
            return dev.kapsel.cli.ContainerListing.print(all, quiet, spec.commandLine().getOut());
        }
        StateReport state = runtime().state(id);
        List<Long> pids = state.status() == ContainerStatus.STOPPED ? List.of() : List.of(state.pid());
        switch (format) {
            case "json" -> System.out.println(OciJson.compact(pids));
            case "table" -> {
                System.out.println("PID    COMMAND");
                for (long pid : pids) {
                    System.out.printf("%-6d %s%n", pid, "kapsel container monitor (" + id + ")");
                }
            }
            default -> throw new InvalidStateException("ps --format must be table or json, not " + format);
        }
        return 0;
    }
}
