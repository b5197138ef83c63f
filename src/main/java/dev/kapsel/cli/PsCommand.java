package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerState;
import dev.kapsel.container.detached.DetachedContainer;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kapsel ps [-a] [-q]}: the containers started with {@code run -d}. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"List the containers started with 'kapsel run -d' (running ones; all with -a), newest first.", ""},
        footer = {
            "",
            "STATUS is 'Created' while the micro-VM boots, 'Up <time>' while the command runs, 'Exited (<code>) <time> ago'",
            "after it ended (128+N: signal N), and 'Exited (unknown)' when its monitor process died without",
            "recording a status (killed with SIGKILL, host reboot). A container counts as running only while its",
            "monitor process (same PID and start time) is alive.",
            "",
            "Examples:",
            "  kapsel ps                  running containers",
            "  kapsel ps -a               also the exited ones",
            "  kapsel rm $(kapsel ps -aq)  remove every stopped container"
        })
final class PsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-a", "--all"}, description = "Also list exited containers.")
    boolean all;

    @Option(names = {"-q", "--quiet"}, description = "Print only the short ids.")
    boolean quiet;

    @Override
    public Integer call() {
        ContainerRegistry registry = ContainerRegistry.openDefault();
        List<PsTable.Row> rows = new ArrayList<>();
        for (DetachedContainer c : registry.list()) {
            ContainerState state = c.observe();
            if (all || state.isActive()) {
                rows.add(new PsTable.Row(c, state));
            }
        }
        PrintWriter out = spec.commandLine().getOut();
        if (quiet) {
            rows.forEach(r -> out.println(r.container().shortId()));
        } else {
            out.print(PsTable.format(rows, registry.clock().instant()));
        }
        out.flush();
        return 0;
    }
}
