package dev.kapsel.cli;

import dev.kapsel.container.detached.ContainerRegistry;
import dev.kapsel.container.detached.ContainerState;
import dev.kapsel.container.detached.ContainerRegistryException;
import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.detached.NoSuchContainerException;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code kapsel logs [-f] NAME|ID}: the output a detached container wrote. */
@Command(name = "logs", mixinStandardHelpOptions = true,
        description = {"Print what a detached container wrote: its stdout to stdout, its stderr to stderr.", ""},
        footer = {
            "",
            "The logs are <state>/containers/<id>/stdout.log and stderr.log; they stay until 'kapsel rm'."
                + " With -f, new output is printed as it comes until the container ends (the order between stdout and"
                + " stderr is only kept within each stream).",
            "",
            "Exit status: 0; 1 if the container is unknown or the prefix ambiguous.",
            "",
            "Examples:",
            "  kapsel logs web",
            "  kapsel logs -f web 2>&1 | grep error"
        })
final class LogsCommand implements Callable<Integer> {
    private static final long POLL_MILLIS = 100;

    @Option(names = {"-f", "--follow"}, description = "Keep printing new output until the container ends.")
    boolean follow;

    @Parameters(index = "0", paramLabel = "NAME|ID", description = "Container name, id or unique id prefix.")
    String reference;

    @Override
    public Integer call() throws IOException, InterruptedException {
        ContainerRegistry registry = ContainerRegistry.openDefault();
        ContainerRecord c;
        try {
            c = registry.find(reference);
        } catch (ContainerRegistryException e) {
            throw new CommandFailure(1, e.getMessage(), e);
        }
        OutputStream stdout = new FileOutputStream(FileDescriptor.out);
        OutputStream stderr = new FileOutputStream(FileDescriptor.err);
        try (FileChannel out = FileChannel.open(registry.stdoutLog(c.id()), StandardOpenOption.READ);
             FileChannel err = FileChannel.open(registry.stderrLog(c.id()), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
            while (true) {
                // Decided before draining, so whatever the container wrote before it ended is still printed.
                boolean ended = !follow || !isActive(registry, c.id());
                drain(out, stdout, buf);
                drain(err, stderr, buf);
                if (ended) {
                    return 0;
                }
                Thread.sleep(POLL_MILLIS);
            }
        }
    }

    private static boolean isActive(ContainerRegistry registry, String id) {
        try {
            return ContainerState.of(registry.load(id)).isActive();
        } catch (NoSuchContainerException removed) {
            return false;
        }
    }

    /** Copies what the file holds beyond the channel's position. */
    static void drain(FileChannel from, OutputStream to, ByteBuffer buf) throws IOException {
        while (true) {
            buf.clear();
            int n = from.read(buf);
            if (n <= 0) {
                to.flush();
                return;
            }
            to.write(buf.array(), 0, n);
        }
    }
}
