package dev.kapsel.vmm.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.RealModePayload;
import dev.kapsel.vmm.VmState;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The control socket of a running VM (the real-mode counting guest), as {@code kapsel vm snapshot} uses it. */
class ControlSocketTest {
    @TempDir
    Path dir;

    @Test
    void snapshotPausesTheVmWritesBothFilesAndResumeLetsItGoOn() throws Exception {
        Path sock = dir.resolve("vm.ctl");
        try (MicroVm vm = RealModePayload.build(dir, 1); ControlSocket control = ControlSocket.open(vm, sock)) {
            vm.start();
            Path mem = dir.resolve("vm.mem");
            Path state = dir.resolve("vm.state");
            assertEquals("ok", ControlSocket.request(sock, "snapshot\t" + mem + "\t" + state));
            assertEquals(VmState.PAUSED, vm.state());
            assertTrue(Files.size(mem) > 0 && Files.size(state) > 0);
            Snapshots.readState(state); // a state file that loads
            assertEquals("ok", ControlSocket.request(sock, "resume"));
            assertEquals(VmState.RUNNING, vm.state());
            assertTrue(ControlSocket.request(sock, "resume").startsWith("error: "), "resume of a running VM is refused");
            assertTrue(ControlSocket.request(sock, "snapshot\tonly-one").startsWith("error: snapshot needs"));
            assertTrue(ControlSocket.request(sock, "reboot").startsWith("error: unknown request 'reboot'"));
            assertEquals("ok", ControlSocket.request(sock, "stop"));
            assertEquals(VmState.STOPPED, vm.state());
        }
        assertFalse(Files.exists(sock), "the socket file is removed on close");
    }
}
