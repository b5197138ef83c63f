package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task spinning in user mode, which never traps, is kicked out of KVM_RUN (kvm.VcpuKicker) when it
 * is killed: a spinning thread of an exiting process ends with it at once, and a spinning process that
 * outlives PID 1 is killed before the machine is closed instead of being left running on it.
 */
class SpinningTaskKickTest {
    @TempDir
    Path dir;

    @Test
    void exitGroupStopsASpinningThreadAtOnce() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("spinner", false));
        long start = System.nanoTime();
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/spinner", "thread");
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("exit_group with a spinning thread: %.2f s%n", seconds);
        assertEquals(3, r.result().exitStatus(), r.toString());
        assertFalse(r.result().reason().contains("abandoned"), r.result().reason());
        assertTrue(seconds < 4, "took " + seconds + " s: the spinning thread was not kicked (the drain waits 5 s)");
    }

    @Test
    void aSpinningStragglerIsKilledBeforeTheMachineCloses() throws Exception {
        Path root = GuestPrograms.rootfs(dir, GuestPrograms.compile("spinner", false));
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/spinner", "child");
        assertEquals(4, r.result().exitStatus(), r.toString());
        assertFalse(r.result().reason().contains("abandoned"), r.result().reason());
    }
}
