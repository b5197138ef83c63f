package dev.kapsel.host;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * The one store of container records, for the OCI runtime's state ({@code --root}) and the detached
 * containers ({@code <state>/containers}) alike: one directory per id holding the record file (JSON,
 * replaced whole through {@link RecordFiles#replace}) and whatever else lives and dies with the
 * container (logs, the start FIFO, the VM's root image).
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
public final class RecordStore<T> {
    private final Path root;
    private final String fileName;
    private final Class<T> type;
    private final Predicate<String> validId;
    private final ObjectMapper json;

    public RecordStore(Path root, String fileName, Class<T> type, Predicate<String> validId, ObjectMapper json) {
        this.root = root.toAbsolutePath();
        this.fileName = fileName;
        this.type = type;
        this.validId = validId;
        this.json = json;
    }

    public Path root() {
        return root;
    }

    /** {@code ROOT/ID}; the caller has checked the id ({@link #isValid}). */
    public Path directory(String id) {
        return root.resolve(id);
    }

    public boolean isValid(String id) {
        return id != null && validId.test(id);
    }

    /** Claims {@code id} and writes its first record; false if the id is taken. */
    public boolean create(String id, T record) {
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
    public Optional<T> load(String id) {
        Path file = directory(id).resolve(fileName);
        try {
            return Optional.of(json.readValue(file.toFile(), type));
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
    public Optional<T> update(String id, UnaryOperator<T> change) {
        Path dir = directory(id);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (StoreLock held = StoreLock.acquire(dir.resolve("lock"))) {
            Optional<T> now = load(id).map(change);
            now.ifPresent(r -> write(id, r));
            return now;
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every readable record, unsorted. */
    public List<T> list() {
        return RecordFiles.list(root, fileName, this::isValid, id -> load(id).orElseThrow());
    }

    /** Removes the record and its directory; false if there was none. */
    public boolean remove(String id) {
        Path dir = directory(id);
        if (!Files.exists(dir)) {
            return false;
        }
        try {
            Files.deleteIfExists(dir.resolve(fileName));
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

    private void write(String id, T record) {
        Path dir = directory(id);
        try {
            if (!Files.isDirectory(dir)) {
                throw new NoSuchFileException(dir.toString());
            }
            RecordFiles.replace(dir.resolve(fileName), json.writerWithDefaultPrettyPrinter().writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the record of " + id + ": " + e.getMessage(), e);
        }
    }
}
