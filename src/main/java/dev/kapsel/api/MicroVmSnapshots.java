package dev.kapsel.api;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.snapshot.Snapshots;
import java.io.OutputStream;
import java.nio.file.Path;

/**
 * The API's snapshots as {@code kapsel vm snapshot} and {@code vm restore} take them: {@link Snapshots}
 * on the {@link MicroVm} behind the {@link GuestVm}. A loaded VM's serial console writes to the
 * console this was made with, as a launched one's does.
 */
public final class MicroVmSnapshots implements SnapshotOperations {
    private final OutputStream console;

    public MicroVmSnapshots(OutputStream console) {
        this.console = console;
    }

    @Override
    public void create(GuestVm paused, Path memoryFile, Path stateFile) throws SnapshotException {
        try {
            Snapshots.create(paused.microVm(), memoryFile, stateFile);
        } catch (dev.kapsel.vmm.snapshot.SnapshotException e) {
            throw new SnapshotException("Cannot create the snapshot: " + e.getMessage(), e);
        }
    }

    @Override
    public GuestVm load(Load load) throws SnapshotException {
        MicroVm vm;
        try {
            vm = Snapshots.restore(load.memoryFile(), load.stateFile(), load.overrides(), console);
        } catch (dev.kapsel.vmm.snapshot.SnapshotException e) {
            throw new SnapshotException("Cannot load the snapshot: " + e.getMessage(), e);
        }
        try {
            vm.startPaused();
        } catch (InterruptedException e) {
            vm.close();
            Thread.currentThread().interrupt();
            throw new SnapshotException("Cannot load the snapshot: interrupted while starting the restored VM", e);
        } catch (RuntimeException e) {
            vm.close();
            throw new SnapshotException("Cannot load the snapshot: the restored VM does not start: " + e.getMessage(), e);
        }
        return new MicroVmGuest(vm);
    }
}
