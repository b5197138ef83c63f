package dev.kapsel.api;

import dev.kapsel.vmm.snapshot.RestoreOverrides;
import java.nio.file.Path;

/**
 * What {@code PUT /snapshot/create} and {@code PUT /snapshot/load} call: the one seam between the API
 * and snapshot/restore ({@link MicroVmSnapshots} in {@code kapsel vm serve}). The controller checks the
 * phase and the request (create: after boot, VM paused, a full snapshot; load: before anything but the
 * logger and metrics is configured, a file memory backend, overrides resolved) before calling; a
 * {@link SnapshotException} becomes a 400 with its message as the fault.
 */
public interface SnapshotOperations {
    /** Writes the paused VM's memory to {@code memoryFile} and its state to {@code stateFile}; the VM stays paused. */
    void create(GuestVm paused, Path memoryFile, Path stateFile) throws SnapshotException;

    /** Restores the VM {@code load} names and starts it paused; the controller resumes it if {@code resume_vm} is true. */
    GuestVm load(Load load) throws SnapshotException;

    /** A checked {@code PUT /snapshot/load}: the two files and what the restore changes (taps by device index, the vsock socket). */
    record Load(Path memoryFile, Path stateFile, RestoreOverrides overrides) {}

    /** A snapshot request that cannot be carried out; the message is the client's fault_message. */
    final class SnapshotException extends Exception {
        public SnapshotException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The implementation of a build without snapshot support: every request is refused with a clear reason. */
    SnapshotOperations UNAVAILABLE = new SnapshotOperations() {
        private static final String MESSAGE = "snapshots are not available in this build of kapsel";

        @Override
        public void create(GuestVm paused, Path memoryFile, Path stateFile) throws SnapshotException {
            throw new SnapshotException(MESSAGE, null);
        }

        @Override
        public GuestVm load(Load load) throws SnapshotException {
            throw new SnapshotException(MESSAGE, null);
        }
    };
}
