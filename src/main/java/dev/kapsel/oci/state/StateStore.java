package dev.kapsel.oci.state;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.container.record.ContainerStore;
import dev.kapsel.oci.ContainerExistsException;
import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The runtime's state directory ({@code --root}, default {@code /run/kapsel}) as the OCI verbs see
 * it: the one {@link ContainerStore} of {@link ContainerRecord}s, with runc's id rule and the OCI
 * runtime's errors (not found, exists, invalid id).
 */
public final class StateStore {
    public static final Path DEFAULT_ROOT = Path.of("/run/kapsel");

    private final ContainerStore records;

    public StateStore(Path root) {
        this.records = new ContainerStore(root);
    }

    public Path root() {
        return records.root();
    }

    /** Checks a container id: letters, digits and {@code _ . + -}, not starting with a dot, at most 1024. */
    public static String checkId(String id) {
        if (!ContainerStore.isValid(id)) {
            throw new InvalidConfigException("invalid container id '" + id + "': use letters, digits and _.+- (not starting with . _ + -)");
        }
        return id;
    }

    public Path directory(String id) {
        return records.directory(checkId(id));
    }

    /** Claims the id (the directory is created atomically) and writes the first record. */
    public Path create(ContainerRecord record) {
        checkId(record.id());
        if (!records.create(record)) {
            throw new ContainerExistsException(record.id());
        }
        return directory(record.id());
    }

    public boolean exists(String id) {
        return Files.isRegularFile(directory(id).resolve(ContainerStore.RECORD));
    }

    public ContainerRecord load(String id) {
        return records.load(checkId(id)).orElseThrow(() -> new ContainerNotFoundException(id));
    }

    /** Reads, changes and writes the record under the container's lock; returns the new record. */
    public ContainerRecord update(String id, UnaryOperator<ContainerRecord> change) {
        return records.update(checkId(id), change).orElseThrow(() -> new ContainerNotFoundException(id));
    }

    /** All containers with a readable record, sorted by id. */
    public List<ContainerRecord> list() {
        List<ContainerRecord> out = new ArrayList<>(records.list());
        out.sort(Comparator.comparing(ContainerRecord::id));
        return out;
    }

    /** Removes the container's directory and everything in it. */
    public void remove(String id) {
        if (!records.remove(checkId(id))) {
            throw new ContainerNotFoundException(id);
        }
    }
}
