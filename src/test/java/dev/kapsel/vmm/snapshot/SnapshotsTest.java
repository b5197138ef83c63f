package dev.kapsel.vmm.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.MicroVmState;
import dev.kapsel.vmm.RealModePayload;
import dev.kapsel.vmm.VmStateException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshot and restore of a whole {@link MicroVm} on this host's KVM: a real-mode guest counting in
 * memory on vCPU 0 (vCPU 1 halted on the in-kernel irqchip), with a disk, the entropy device and vsock.
 */
class SnapshotsTest {
    @TempDir
    Path dir;

    private static long counter(MicroVm vm) {
        return vm.memory().readU64(RealModePayload.COUNTER);
    }

    private static void awaitCounterAbove(MicroVm vm, long floor) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (counter(vm) <= floor) {
            assertTrue(System.nanoTime() < deadline, "the guest did not count past " + floor);
            Thread.sleep(5);
        }
    }

    @Test
    void aRestoredVmCountsOnFromWhereTheSnapshotWasTaken() throws Exception {
        Path mem = dir.resolve("vm.mem");
        Path state = dir.resolve("vm.state");
        long saved;
        long savedRip;
        try (MicroVm vm = RealModePayload.build(Files.createDirectories(dir.resolve("a")), 2)) {
            vm.start();
            awaitCounterAbove(vm, 0);
            vm.pause();
            saved = counter(vm);
            savedRip = vm.vcpus().getFirst().getRegs().rip();
            long start = System.nanoTime();
            Snapshots.create(vm, mem, state);
            System.out.printf("snapshot of a %d MiB, 2-vCPU VM: %.1f ms%n", vm.config().memoryMib(),
                    (System.nanoTime() - start) / 1e6);
        }
        assertEquals(32L << 20, Files.size(mem), "the memory file is guest RAM as it is");

        long start = System.nanoTime();
        try (MicroVm restored = Snapshots.restore(mem, state,
                new RestoreOverrides(Map.of(), Optional.of(dir.resolve("b.sock"))), OutputStream.nullOutputStream())) {
            System.out.printf("restore to a built VM: %.1f ms%n", (System.nanoTime() - start) / 1e6);
            assertEquals(saved, counter(restored), "guest RAM comes from the memory file");
            assertEquals(savedRip, restored.vcpus().getFirst().getRegs().rip());
            restored.start();
            awaitCounterAbove(restored, saved);
            restored.pause();
            long rip = restored.vcpus().getFirst().getRegs().rip();
            assertTrue(rip >= 0x1000 && rip < 0x100e, "vCPU 0 runs its loop, rip 0x" + Long.toHexString(rip));
            assertTrue(counter(restored) > saved, "counted on from " + saved);
        }
    }

    @Test
    void theStateFileHoldsEveryVcpuAndDeviceAndRoundTrips() throws Exception {
        try (MicroVm vm = RealModePayload.build(dir, 2)) {
            assertThrows(VmStateException.class, vm::saveState, "a VM that is not paused is not saved");
            vm.start();
            awaitCounterAbove(vm, 0);
            vm.pause();
            MicroVmState state = vm.saveState();
            assertEquals(2, state.vcpus().size());
            assertTrue(state.vcpus().getFirst().msrs().size() > 10, "the saveable MSRs are kept");
            MicroVmState back = StateCodec.decode(StateCodec.encode(state));
            assertEquals(state.config().disks(), back.config().disks());
            assertEquals(state.config().vsock(), back.config().vsock());
            assertEquals(state.vcpus().getFirst().regs(), back.vcpus().getFirst().regs());
            assertEquals(state.vcpus().get(1).mpState(), back.vcpus().get(1).mpState());
            assertEquals(state.vcpus().getFirst().msrs(), back.vcpus().getFirst().msrs());
            assertEquals(state.vcpus().getFirst().cpuid(), back.vcpus().getFirst().cpuid());
            assertArrayEquals(state.vcpus().getFirst().xsave(), back.vcpus().getFirst().xsave());
            assertArrayEquals(state.vm().ioapic(), back.vm().ioapic());
            assertArrayEquals(state.devices(), back.devices());
            assertArrayEquals(StateCodec.encode(state), StateCodec.encode(back));
        }
    }

    @Test
    void aMemoryFileOfAnotherSizeIsRefusedBeforeAnyVmIsMade() throws Exception {
        Path mem = dir.resolve("vm.mem");
        Path state = dir.resolve("vm.state");
        try (MicroVm vm = RealModePayload.build(Files.createDirectories(dir.resolve("a")), 1)) {
            vm.start();
            vm.pause();
            Snapshots.create(vm, mem, state);
        }
        Files.write(mem, new byte[4096]);
        var e = assertThrows(SnapshotException.MemoryFile.class,
                () -> Snapshots.restore(mem, state, RestoreOverrides.NONE, OutputStream.nullOutputStream()));
        assertTrue(e.getMessage().contains("4096 bytes"), e.getMessage());
        Files.write(state, "garbage".getBytes());
        assertThrows(SnapshotException.NotASnapshot.class,
                () -> Snapshots.restore(mem, state, RestoreOverrides.NONE, OutputStream.nullOutputStream()));
    }
}
