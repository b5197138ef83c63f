package dev.kapsel.cli.oci;

import dev.kapsel.oci.InvalidStateException;
import dev.kapsel.oci.state.ContainerStatus;
import dev.kapsel.oci.state.StateReport;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code kapsel ps}: the host processes of a container. All of a container's processes run inside
 * its monitor, so that is the one host PID.
 */
@Command(name = "ps", description = "OCI: list the host processes of a container.", mixinStandardHelpOptions = true)
public final class OciPsCommand extends OciVerb {
    @Option(names = {"-f", "--format"}, paramLabel = "table|json", description = "output format (default table)")
    String format = "table";

    @Parameters(index = "0", paramLabel = "ID")
    String id;

    @Parameters(index = "1..*", paramLabel = "PS-ARGS", description = "accepted for runc compatibility")
    List<String> psArgs;

    @Override
    int execute() throws Exception {
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
