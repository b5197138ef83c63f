package dev.kapsel.api;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VmExit;

/** A started {@link MicroVm} as the API's {@link GuestVm}. */
public record MicroVmGuest(MicroVm microVm) implements GuestVm {
    @Override
    public void pause() throws InterruptedException {
        microVm.pause();
    }

    @Override
    public void resume() {
        microVm.resume();
    }

    @Override
    public boolean sendCtrlAltDel() {
        return microVm.sendCtrlAltDel();
    }

    @Override
    public VmExit awaitExit() throws InterruptedException {
        return microVm.awaitExit();
    }

    @Override
    public VmConfig config() {
        return microVm.config();
    }

    @Override
    public void stop() {
        microVm.stop();
    }
}
