package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerId;
import dev.kapsel.container.detached.ContainerState;
import dev.kapsel.container.record.ContainerRecord;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code kapsel ps [-a] [-q]} without a container id: the containers started with {@code run -d}
 * ({@link PsCommand}; with an id, {@code ps} is the runc dialect's, {@code dev.kapsel.cli.oci.Dialect}).
 */
public final class ContainerListing {
    private ContainerListing() {}

    public static int print(boolean all, boolean quiet, PrintWriter out) {
        ContainerRegistry registry = ContainerRegistry.openDefault();
        List<PsTable.Row> rows = new ArrayList<>();
        for (ContainerRecord c : registry.list()) {
            ContainerState state = ContainerState.of(c);
            if (all || state.isActive()) {
                rows.add(new PsTable.Row(c, state));
            }
        }
        if (quiet) {
            rows.forEach(r -> out.println(ContainerId.shorten(r.container().id())));
        } else {
            out.print(PsTable.format(rows, registry.clock().instant()));
        }
        out.flush();
        return 0;
    }
}
