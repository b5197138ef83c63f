package dev.kapsel.oci.backend;

import dev.kapsel.container.record.ContainerRecord;
import dev.kapsel.oci.state.StateStore;
import java.nio.file.Path;

/**
 * A container as its monitor sees its stored state: its directory under the runtime root (for files
 * that live and die with the container, such as the VM's root image) and its record, which the
 * monitor extends with what other kapsel processes need to find (the micro-VM's agent socket).
 */
public record ContainerHandle(StateStore store, String id) {
    /** {@code ROOT/ID}, removed with the container by {@code delete}. */
    public Path directory() {
        return store.directory(id);
    }

    public ContainerRecord record() {
        return store.load(id);
    }

    /** Records where the container's agent can be reached. */
    public void recordVmSocket(Path socket) {
        store.update(id, r -> r.withVmSocket(socket.toString()));
    }
}
