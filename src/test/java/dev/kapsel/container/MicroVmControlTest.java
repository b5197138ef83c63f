package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.RealModePayload;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@link MicroVm} (the real-mode payload on this host's KVM: vCPU 0 counts in guest memory)
 * paused and resumed through its control socket, as runc's pause and resume will do it.
 */
class MicroVmControlTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private static long counter(MicroVm vm) {
        return vm.memory().readU64(RealModePayload.COUNTER);
    }

    private static void awaitCounterPast(MicroVm vm, long value, String why) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (counter(vm) == value) {
            assertTrue(System.nanoTime() < deadline, why);
            Thread.sleep(5);
        }
    }

    @Test
    void pauseAndResumeThroughTheSocketHoldAndReleaseTheGuest() throws Exception {
        Path socket = ControlServer.socketIn(dir);
        try (MicroVm vm = RealModePayload.build(dir, 2);
                ControlServer server = ControlServer.start(socket, new MicroVmControl(vm))) {
            ControlException.Refused notStarted = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket, "pause", TIMEOUT));
            assertEquals("the micro-VM has not started", notStarted.reason());
            vm.start();
            assertEquals("running", ControlClient.send(socket, "state", TIMEOUT));
            awaitCounterPast(vm, 0, "the guest never ran");

            assertEquals("paused", ControlClient.send(socket, "pause", TIMEOUT));
            long paused = counter(vm);
            Thread.sleep(100);
            assertEquals(paused, counter(vm), "the guest ran while paused");
            assertEquals("paused", ControlClient.send(socket, "state", TIMEOUT));
            ControlException.Refused twice = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket, "pause", TIMEOUT));
            assertEquals("the micro-VM is already paused", twice.reason());

            assertEquals("running", ControlClient.send(socket, "resume", TIMEOUT));
            awaitCounterPast(vm, paused, "the guest did not go on after resume");
            ControlException.Refused notPaused = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket, "resume", TIMEOUT));
            assertEquals("the micro-VM is running, not paused", notPaused.reason());

            vm.stop();
            assertEquals("stopped", ControlClient.send(socket, "state", TIMEOUT));
            ControlException.Refused stopped = assertThrows(ControlException.Refused.class,
                    () -> ControlClient.send(socket, "pause", TIMEOUT));
            assertEquals("the micro-VM is stopped", stopped.reason());
            assertEquals("pause: refused by the monitor on " + socket + ": the micro-VM is stopped",
                    stopped.getMessage());
        }
    }
}
