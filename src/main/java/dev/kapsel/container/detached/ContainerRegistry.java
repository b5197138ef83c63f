package dev.kapsel.container.detached;

import dev.kapsel.host.Json;
import dev.kapsel.host.RecordStore;
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
 * one record store ({@link RecordStore}, as the OCI runtime's state):
 * <pre>
 *   lock                  the store-wide lock: creating (the name check and the new directory) and removing
 *   ID/lock               the record's lock: every change to it
 *   ID/container.json     the {@link DetachedContainer} record, replaced atomically (write, then rename)
 *   ID/stdout.log         the container's stdout
 *   ID/stderr.log         the container's stderr
 *   ID/monitor.log        the monitor's own messages (why a start failed)
 * </pre>
 * Two {@code run -d --name x} at once cannot both win; reads take no lock, since every write is a rename.
 */
public final class ContainerRegistry {
    static final String RECORD = "container.json";

    private final RecordStore<DetachedContainer> records;
    private final Clock clock;

    public ContainerRegistry(Path root, Clock clock) {
        this.records = new RecordStore<>(root, RECORD, DetachedContainer.class, ContainerId::isFull, Json.RECORDS);
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
     * in phase {@link DetachedContainer.Phase#CREATED}, with empty log files beside it.
     */
    public DetachedContainer create(String name, String image, List<String> command, boolean removeOnExit) {
        if (name != null) {
            ContainerNames.check(name);
        }
        return records.locked(() -> {
            List<DetachedContainer> all = list();
            Set<String> taken = new HashSet<>();
            for (DetachedContainer c : all) {
                if (c.name().equals(name)) {
                    throw new NameInUseException(name, c.id());
                }
                taken.add(c.name());
            }
            String chosen = name != null ? name : ContainerNames.generate(taken);
            DetachedContainer record;
            do {
                record = DetachedContainer.newRecord(ContainerId.generate(), chosen, image, command, clock.instant(), removeOnExit);
            } while (!records.create(record.id(), record));
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
    public DetachedContainer update(String id, UnaryOperator<DetachedContainer> change) {
        return records.update(checkedId(id), change).orElseThrow(() -> new NoSuchContainerException(id));
    }

    /** The record of the container with this full id. */
    public DetachedContainer load(String id) {
        return records.load(checkedId(id)).orElseThrow(() -> new NoSuchContainerException(id));
    }

    private static String checkedId(String id) {
        if (!ContainerId.isFull(id)) {
            throw new NoSuchContainerException(id);
        }
        return id;
    }

    /** Every container with a readable record, newest first (as {@code docker ps} lists them). */
    public List<DetachedContainer> list() {
        List<DetachedContainer> out = new ArrayList<>(records.list());
        out.sort(Comparator.comparing((DetachedContainer c) -> Instant.parse(c.created())).reversed().thenComparing(DetachedContainer::id));
        return out;
    }

    /**
     * The container a user means by {@code reference}: a full id, else a name, else a unique id prefix
     * (Docker's order). Throws {@link NoSuchContainerException} or {@link AmbiguousContainerException}.
     */
    public DetachedContainer find(String reference) {
        List<DetachedContainer> all = list();
        Optional<DetachedContainer> exact = all.stream()
                .filter(c -> c.id().equals(reference)).findFirst()
                .or(() -> all.stream().filter(c -> c.name().equals(reference)).findFirst());
        if (exact.isPresent()) {
            return exact.get();
        }
        List<DetachedContainer> prefixed = reference.isEmpty() ? List.of()
                : all.stream().filter(c -> c.id().startsWith(reference)).toList();
        if (prefixed.isEmpty()) {
            throw new NoSuchContainerException(reference);
        }
        if (prefixed.size() > 1) {
            throw new AmbiguousContainerException(reference, prefixed.stream().map(DetachedContainer::id).sorted().toList());
        }
        return prefixed.getFirst();
    }

    /** Removes the container's directory (record and logs); already gone is fine. */
    public void remove(String id) {
        String checked = checkedId(id);
        records.locked(() -> records.remove(checked));
    }
}
