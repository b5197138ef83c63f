package dev.kapsel.api;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExit;

/**
 * The running VM as the API drives it after InstanceStart: {@link MicroVmGuest} for a real
 * {@link MicroVm}; tests of the controller give it one that records what it was asked.
 */
public interface GuestVm {
    void pause() throws InterruptedException;

    void resume();

    /** @return false if the guest's keyboard buffer had no room */
    boolean sendCtrlAltDel();

    /** Waits until the guest ends the run (or {@link #stop} ends it). */
    VmExit awaitExit() throws InterruptedException;

    void stop();

    /** What the VM was built from: the launched configuration, or a loaded snapshot's with its overrides. */
    VmConfig config();

    /** The micro-VM itself, for what works on its state (snapshots). */
    MicroVm microVm();
}
