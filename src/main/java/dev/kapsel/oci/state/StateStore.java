package dev.kapsel.oci.state;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kapsel.host.RecordFiles;
import dev.kapsel.oci.ContainerExistsException;
import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.InvalidConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runtime's state directory ({@code --root}, default {@code /run/kapsel}): one directory per
 * container holding {@code state.json}, written atomically (temporary file, then rename) and changed
 * only under an exclusive {@code fcntl} lock on {@code ROOT/ID/lock}, so concurrent kapsel
 * invocations (the engine's {@code start} against the monitor's exit) never lose an update.
 */
public final class StateStore {
    public static final Path DEFAULT_ROOT = Path.of("/run/kapsel");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}");
    static final ObjectMapper JSON = new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    private static final Object IN_PROCESS = new Object();
    private final Path root;

    public StateStore(Path root) {
        this.root = root.toAbsolutePath();
    }

    public Path root() {
        return root;
    }

    /** Checks a container id: letters, digits and {@code _ . + -}, not starting with a dot, at most 1024. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidConfigException("invalid container id '" + id + "': use letters, digits and _.+- (not starting with . _ + -)");
        }
        return id;
    }

    public Path directory(String id) {
        return root.resolve(checkId(id));
    }

    /** Claims the id (the directory is created atomically) and writes the first record. */
    public Path create(ContainerRecord record) {
        Path dir = directory(record.id());
        try {
            Files.createDirectories(root);
            Files.createDirectory(dir);
        } catch (FileAlreadyExistsException e) {
            throw new ContainerExistsException(record.id());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        write(dir, record);
        return dir;
    }

    public boolean exists(String id) {
        return Files.isRegularFile(directory(id).resolve("state.json"));
    }

    public ContainerRecord load(String id) {
        Path file = directory(id).resolve("state.json");
        try {
            return JSON.readValue(file.toFile(), ContainerRecord.class);
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
            throw new ContainerNotFoundException(id);
        } catch (IOException e) {
            if (!Files.exists(file)) {
                throw new ContainerNotFoundException(id);
            }
            throw new UncheckedIOException("state of container " + id + " is unreadable: " + e.getMessage(), e);
        }
    }

    /** Reads, changes and writes the record under the container's lock; returns the new record. */
    public ContainerRecord update(String id, UnaryOperator<ContainerRecord> change) {
        // fcntl locks are per process: threads of one process serialise here first.
        synchronized (IN_PROCESS) {
            return updateLocked(id, change);
        }
    }

    private ContainerRecord updateLocked(String id, UnaryOperator<ContainerRecord> change) {
        Path dir = directory(id);
        if (!Files.isDirectory(dir)) {
            throw new ContainerNotFoundException(id);
        }
        try (FileChannel lock = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock held = lock.lock()) {
            ContainerRecord now = change.apply(load(id));
            write(dir, now);
            return now;
        } catch (NoSuchFileException e) {
            throw new ContainerNotFoundException(id);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock container " + id + ": " + e.getMessage(), e);
        }
    }

    /** All containers with a readable record, sorted by id. */
    public List<ContainerRecord> list() {
        List<ContainerRecord> out = RecordFiles.list(root, "state.json", id -> ID.matcher(id).matches(), this::load);
        out.sort(Comparator.comparing(ContainerRecord::id));
        return out;
    }

    /** Removes the container's directory and everything in it. */
    public void remove(String id) {
        Path dir = directory(id);
        if (!Files.exists(dir)) {
            throw new ContainerNotFoundException(id);
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void write(Path dir, ContainerRecord record) {
        try {
            RecordFiles.replace(dir.resolve("state.json"), JSON.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the state of " + record.id() + ": " + e.getMessage(), e);
        }
    }
}
