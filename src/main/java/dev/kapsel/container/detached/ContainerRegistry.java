package dev.kapsel.container.detached;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.host.StateDirectory;
import dev.kapsel.host.RecordFiles;
import dev.kapsel.host.StoreLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The containers started with {@code kapsel run -d}, under {@code <state>/containers}:
 * <pre>
 *   lock                  FileChannel lock ({@link StoreLock}) serialising every change
 *   ID/container.json     the {@link DetachedContainer} record, replaced atomically (write, then rename)
 *   ID/stdout.log         the container's stdout
 *   ID/stderr.log         the container's stderr
 *   ID/monitor.log        the monitor's own messages (why a start failed)
 * </pre>
 * Creating (the name check and the new directory), updating and removing happen under the lock, so
 * two {@code run -d --name x} at once cannot both win; reads take no lock, since every write is a rename.
 */
public final class ContainerRegistry {
    static final String RECORD = "container.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final Clock clock;

    public ContainerRegistry(Path root, Clock clock) {
        this.root = root.toAbsolutePath();
        this.clock = clock;
    }

    /** The registry of this user's kapsel state directory. */
    public static ContainerRegistry openDefault() {
        return new ContainerRegistry(StateDirectory.resolve().resolve("containers"), Clock.systemUTC());
    }

    public Path root() {
        return root;
    }

    public Clock clock() {
        return clock;
    }

    public Path directory(String id) {
        if (!ContainerId.isFull(id)) {
            throw new NoSuchContainerException(id);
        }
        return root.resolve(id);
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

    private StoreLock lock() throws IOException {
        Files.createDirectories(root);
        return StoreLock.acquire(root.resolve("lock"));
    }

    /**
     * Records a new container: {@code name} must be unused (null generates one). Returns its record,
     * in phase {@link DetachedContainer.Phase#CREATED}, with empty log files beside it.
     */
    @SuppressWarnings("try")
    public DetachedContainer create(String name, String image, List<String> command, boolean removeOnExit) {
        if (name != null) {
            ContainerNames.check(name);
        }
        try (StoreLock ignored = lock()) {
            List<DetachedContainer> all = list();
            Set<String> taken = new HashSet<>();
            for (DetachedContainer c : all) {
                if (c.name().equals(name)) {
                    throw new NameInUseException(name, c.id());
                }
                taken.add(c.name());
            }
            String chosen = name != null ? name : ContainerNames.generate(taken);
            String id;
            do {
                id = ContainerId.generate();
            } while (Files.exists(root.resolve(id)));
            DetachedContainer record = DetachedContainer.newRecord(id, chosen, image, command, clock.instant(), removeOnExit);
            Path dir = Files.createDirectory(root.resolve(id));
            for (Path log : List.of(stdoutLog(id), stderrLog(id), monitorLog(id))) {
                Files.createFile(log);
            }
            write(dir, record);
            return record;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record a new container in " + root + ": " + e.getMessage(), e);
        }
    }

    /** Reads, changes and writes a record under the lock; returns the new record. */
    @SuppressWarnings("try")
    public DetachedContainer update(String id, UnaryOperator<DetachedContainer> change) {
        try (StoreLock ignored = lock()) {
            DetachedContainer now = change.apply(load(id));
            write(directory(id), now);
            return now;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update container " + id + ": " + e.getMessage(), e);
        }
    }

    /** The record of the container with this full id. */
    public DetachedContainer load(String id) {
        Path file = directory(id).resolve(RECORD);
        try {
            return JSON.readValue(file.toFile(), DetachedContainer.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new NoSuchContainerException(id);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new NoSuchContainerException(id);
            }
            throw new UncheckedIOException("the record of container " + id + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Every container with a readable record, newest first (as {@code docker ps} lists them). */
    public List<DetachedContainer> list() {
        List<DetachedContainer> out = RecordFiles.list(root, RECORD, ContainerId::isFull, this::load);
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
    @SuppressWarnings("try")
    public void remove(String id) {
        Path dir = directory(id);
        try (StoreLock ignored = lock()) {
            if (!Files.exists(dir)) {
                return;
            }
            // The record goes first, so a half-removed directory is never listed.
            Files.deleteIfExists(dir.resolve(RECORD));
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path dir, DetachedContainer record) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new NoSuchContainerException(record.id());
        }
        RecordFiles.replace(dir.resolve(RECORD), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
    }
}
