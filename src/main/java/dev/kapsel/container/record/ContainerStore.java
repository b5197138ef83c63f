package dev.kapsel.container.record;

import dev.kapsel.host.Json;
import dev.kapsel.host.RecordFiles;
import dev.kapsel.host.StoreLock;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The one store of {@link ContainerRecord}s, for the OCI runtime's state ({@code --root}) and the
 * detached containers ({@code <state>/containers}) alike: one directory per id holding
 * {@code state.json} (the record as JSON, replaced whole through {@link RecordFiles#replace}, strict:
 * a field this kapsel does not know fails the read) and whatever else lives and dies with the
 * container (logs, the start FIFO, the VM's root image, the control socket).
 * <ul>
 *   <li>An id is claimed by creating its directory (atomic), so two creators cannot both win.</li>
 *   <li>A change is read-modify-write under {@code ID/lock} ({@link StoreLock}: between processes and
 *       between threads), so concurrent kapsel processes (an engine's {@code start} against the
 *       monitor's exit) never lose an update. Reads take no lock, since every write is a rename.</li>
 *   <li>{@link #locked} holds the store-wide {@code ROOT/lock}, for decisions over all records (a
 *       name that must be unique).</li>
 *   <li>Removal deletes the record first, so a half-removed directory is never listed.</li>
 * </ul>
 */
public final class ContainerStore {
    /** The record's file in its container's directory. */
    public static final String RECORD = "state.json";
    /** runc's ids (letters, digits and {@code _ . + -}, not starting with a dot, at most 1024), which kapsel's hex ids are too. */
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}");

    private final Path root;

    public ContainerStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** {@code ROOT/ID}; the caller has checked the id ({@link #isValid}). */
    public Path directory(String id) {
        return root.resolve(id);
    }

    /** Whether {@code id} can name a container (and stays inside the root). */
    public static boolean isValid(String id) {
        return id != null && ID.matcher(id).matches();
    }

    /** Claims {@code id} and writes its first record; false if the id is taken. */
    public boolean create(ContainerRecord record) {
        String id = record.id();
        Path dir = directory(id);
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        write(id, record);
        return true;
    }

    /** The record, or empty when there is none (never created, removed, or removed meanwhile). */
    public Optional<ContainerRecord> load(String id) {
        Path file = directory(id).resolve(RECORD);
        if (!Files.exists(file)) {
            return Optional.empty(); // without touching Jackson: "does not exist" is a common answer (state, delete --force)
        }
        try {
            return Optional.of(Json.RECORDS.readValue(file.toFile(), ContainerRecord.class));
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            return Optional.empty();
        } catch (IOException e) {
            if (!Files.exists(file)) {
                return Optional.empty();
            }
            throw new UncheckedIOException("the record of " + id + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Reads, changes and writes the record under its lock; empty if there is no record. */
    @SuppressWarnings("try")
    public Optional<ContainerRecord> update(String id, UnaryOperator<ContainerRecord> change) {
        Path dir = directory(id);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (StoreLock held = StoreLock.acquire(dir.resolve("lock"))) {
            Optional<ContainerRecord> now = load(id).map(change);
            now.ifPresent(r -> write(id, r));
            return now;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every readable record, unsorted. */
    public List<ContainerRecord> list() {
        return RecordFiles.list(root, RECORD, ContainerStore::isValid, id -> load(id).orElseThrow());
    }

    /** Removes the record and its directory; false if there was none. */
    public boolean remove(String id) {
        Path dir = directory(id);
        if (!Files.exists(dir)) {
            return false;
        }
        try {
            Files.deleteIfExists(dir.resolve(RECORD));
            try (Stream<Path> walk = Files.walk(dir)) {
                for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
            return true;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Runs {@code action} under the store-wide lock. */
    @SuppressWarnings("try")
    public <R> R locked(java.util.concurrent.Callable<R> action) {
        try {
            Files.createDirectories(root);
            try (StoreLock held = StoreLock.acquire(root.resolve("lock"))) {
                return action.call();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + root + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void write(String id, ContainerRecord record) {
        Path dir = directory(id);
        try {
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString());
            }
            RecordFiles.replace(dir.resolve(RECORD), Json.RECORDS.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of " + id + ": " + e.getMessage(), e);
        }
    }
}
