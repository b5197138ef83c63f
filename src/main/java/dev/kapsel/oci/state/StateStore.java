package dev.kapsel.oci.state;

import dev.kapsel.host.Json;
import dev.kapsel.host.RecordStore;
import dev.kapsel.oci.ContainerExistsException;
import dev.kapsel.oci.ContainerNotFoundException;
import dev.kapsel.oci.InvalidConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The runtime's state directory ({@code --root}, default {@code /run/kapsel}): one directory per
 * container holding {@code state.json}, kept in the one record store ({@link RecordStore}: atomic
 * replacement, changes under {@code ROOT/ID/lock}), here with the OCI runtime's ids and errors.
 */
public final class StateStore {
    public static final Path DEFAULT_ROOT = Path.of("/run/kapsel");
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.+-]{0,1023}");

    private final RecordStore<ContainerRecord> records;

    public StateStore(Path root) {
        this.records = new RecordStore<>(root, "state.json", ContainerRecord.class, id -> ID.matcher(id).matches(), Json.RECORDS);
    }

    public Path root() {
        return records.root();
    }

    /** Checks a container id: letters, digits and {@code _ . + -}, not starting with a dot, at most 1024. */
    public static String checkId(String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidConfigException("invalid container id '" + id + "': use letters, digits and _.+- (not starting with . _ + -)");
        }
        return id;
    }

    public Path directory(String id) {
        return records.directory(checkId(id));
    }

    /** Claims the id (the directory is created atomically) and writes the first record. */
    public Path create(ContainerRecord record) {
        if (!records.create(checkId(record.id()), record)) {
            throw new ContainerExistsException(record.id());
        }
        return directory(record.id());
    }

    public boolean exists(String id) {
        return Files.isRegularFile(directory(id).resolve("state.json"));
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
        List<ContainerRecord> out = new java.util.ArrayList<>(records.list());
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
