package dev.kapsel.api;

import dev.kapsel.api.ApiModel.SnapshotCreateParams;
import dev.kapsel.api.ApiModel.SnapshotLoadParams;

/**
 * What {@code PUT /snapshot/create} and {@code PUT /snapshot/load} call: the one seam between the API
 * and snapshot/restore. The controller checks the phase (create: after boot, VM paused; load: before
 * boot) before calling; a {@link SnapshotException} becomes a 400 with its message as the fault.
 */
public interface SnapshotOperations {
    /** Writes the paused VM's state to {@code params.snapshot_path} and its memory to {@code params.mem_file_path}. */
    void create(GuestVm paused, SnapshotCreateParams params) throws SnapshotException;

    /** Restores a VM from a snapshot, paused; the controller resumes it if {@code resume_vm} is true. */
    GuestVm load(SnapshotLoadParams params) throws SnapshotException;

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
        public void create(GuestVm paused, SnapshotCreateParams params) throws SnapshotException {
            throw new SnapshotException(MESSAGE, null);
        }

        @Override
        public GuestVm load(SnapshotLoadParams params) throws SnapshotException {
            throw new SnapshotException(MESSAGE, null);
        }
    };
}
