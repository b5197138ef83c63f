package dev.kapsel.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kapsel ps [-a] [-q]}: the containers started with {@code kapsel run -d}. runc's {@code ps ID} is the runc dialect's. */
@Command(name = "ps", mixinStandardHelpOptions = true, footer = {
            "",
            "Lists the containers started with 'kapsel run -d' (running ones; all with -a), newest first,"
                + " as CONTAINER ID, IMAGE, COMMAND, CREATED, STATUS, PORTS (what -p published), NAMES. STATUS is 'Created' while the micro-VM boots,"
                + " 'Up <time>' while the command runs, 'Exited (<code>) <time> ago' after it ended (128+N: signal N), and"
                + " 'Exited (unknown)' when its monitor process died without recording a status (SIGKILL, crash, reboot):"
                + " a container counts as running only while its monitor (same PID and start time) is alive.",
            "",
            "'kapsel ps ID' (with a container id) is the OCI runtime's ps, as 'kapsel-runc ps ID'.",
            "",
            "Examples:",
            "  kapsel ps                   running containers",
            "  kapsel ps -a                also the exited ones",
            "  kapsel rm $(kapsel ps -aq)  remove every stopped container"
        },
        description = "List containers started with 'kapsel run -d'.")
final class PsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--all"}, description = "Also list exited containers.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Print only the short ids.")
    boolean quiet;

    @Override
    public Integer call() {
        return ContainerListing.print(all, quiet, spec.commandLine().getOut());
    }
}
