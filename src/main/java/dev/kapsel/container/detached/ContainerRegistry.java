package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStore;
import dev.kapsel.host.StateDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The containers started with {@code kapsel run -d}, under {@code <state>/containers}, kept in the
 * one record store ({@link ContainerStore}, as the OCI runtime's state):
 * <pre>
 *   lock                  the store-wide lock: creating (the name check and the new directory) and removing
 *   ID/lock               the record's lock: every change to it
 *   ID/state.json         the {@link ContainerRecord}, replaced atomically (write, then rename)
 *   ID/stdout.log         the container's stdout
 *   ID/stderr.log         the container's stderr
 *   ID/monitor.log        the monitor's own messages (why a start failed)
 * </pre>
 * Two {@code run -d --name x} at once cannot both win; reads take no lock, since every write is a rename.
 */
public final class ContainerRegistry {
    private final ContainerStore records;
    private final Clock clock;

    public ContainerRegistry(Path root, Clock clock) {
        this.records = new ContainerStore(root);
        this.clock = clock;
    }

    /** The registry of this user's kapsel state directory. */
    public static ContainerRegistry openDefault() {
        return new ContainerRegistry(StateDirectory.resolve().resolve("containers"), Clock.systemUTC());
    }

    public Path root() {
        return records.root();
    }

    public Clock clock() {
        return clock;
    }

    public Path directory(String id) {
        if (!ContainerId.isFull(id)) {
            throw new NoSuchContainerException(id);
        }
        return records.directory(id);
    }

    public Path stdoutLog(String id) {
        return directory(id).resolve("stdout.log");
    }

    public Path stderrLog(String id) {
        return directory(id).resolve("stderr.log");
    }

    public Path monitorLog(String id) {
        return directory(id).resolve("monitor.log");
    }

    /**
     * Records a new container: {@code name} must be unused (null generates one). Returns its record,
     * {@link dev.kapsel.container.record.ContainerStatus#CREATING} until its monitor runs the process, with empty log files beside it.
     */
    public ContainerRecord create(String name, String image, List<String> command, String isolation, boolean removeOnExit) {
        if (name != null) {
            ContainerNames.check(name);
        }
        return records.locked(() -> {
            List<ContainerRecord> all = list();
            Set<String> taken = new HashSet<>();
            for (ContainerRecord c : all) {
                if (c.name().equals(name)) {
                    throw new NameInUseException(name, c.id());
                }
                taken.add(c.name());
            }
            String chosen = name != null ? name : ContainerNames.generate(taken);
            ContainerRecord record;
            do {
                record = ContainerRecord.ofImage(ContainerId.generate(), chosen, image, command, isolation, clock.instant(), removeOnExit);
            } while (!records.create(record));
            try {
                for (Path log : List.of(stdoutLog(record.id()), stderrLog(record.id()), monitorLog(record.id()))) {
                    Files.createFile(log);
                }
            } catch (IOException e) {
                records.remove(record.id());
                throw new UncheckedIOException("cannot record a new container in " + root() + ": " + e.getMessage(), e);
            }
            return record;
        });
    }

    /** Reads, changes and writes a record under its lock; returns the new record. */
    public ContainerRecord update(String id, UnaryOperator<ContainerRecord> change) {
        return records.update(checkedId(id), change).orElseThrow(() -> new NoSuchContainerException(id));
    }

    /** The record of the container with this full id. */
    public ContainerRecord load(String id) {
        return records.load(checkedId(id)).orElseThrow(() -> new NoSuchContainerException(id));
    }

    private static String checkedId(String id) {
        if (!ContainerId.isFull(id)) {
            throw new NoSuchContainerException(id);
        }
        return id;
    }

    /** Every container with a readable record, newest first (as {@code docker ps} lists them). */
    public List<ContainerRecord> list() {
        List<ContainerRecord> out = new ArrayList<>(records.list());
        out.sort(Comparator.comparing((ContainerRecord c) -> Instant.parse(c.created())).reversed().thenComparing(ContainerRecord::id));
        return out;
    }

    /**
     * The container a user means by {@code reference}: a full id, else a name, else a unique id prefix
     * (Docker's order). Throws {@link NoSuchContainerException} or {@link AmbiguousContainerException}.
     */
    public ContainerRecord find(String reference) {
        List<ContainerRecord> all = list();
        Optional<ContainerRecord> exact = all.stream()
                .filter(c -> c.id().equals(reference)).findFirst()
                .or(() -> all.stream().filter(c -> c.name().equals(reference)).findFirst());
        if (exact.isPresent()) {
            return exact.get();
        }
        List<ContainerRecord> prefixed = reference.isEmpty() ? List.of()
                : all.stream().filter(c -> c.id().startsWith(reference)).toList();
        if (prefixed.isEmpty()) {
            throw new NoSuchContainerException(reference);
        }
        if (prefixed.size() > 1) {
            throw new AmbiguousContainerException(reference, prefixed.stream().map(ContainerRecord::id).sorted().toList());
        }
        return prefixed.getFirst();
    }

    /** Removes the container's directory (record and logs); already gone is fine. */
    public void remove(String id) {
        String checked = checkedId(id);
        records.locked(() -> records.remove(checked));
    }
}
