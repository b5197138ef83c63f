package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 200 whole VMs started and stopped in one JVM give back everything: file descriptors (KVM, VM,
 * vCPUs, eventfds, disk, vsock sockets, /dev/urandom), threads (vCPUs, vsock I/O, queue
 * notifiers) and mappings (guest RAM, kvm_run pages). A build that fails at its last step leaves nothing either.
 */
class MicroVmTeardownTest {
    private static final int WARM_UP = 30;
    private static final int VMS = 200;

    @TempDir
    Path dir;

    private record Usage(long fds, long threads, long vmSizeKib) {
        static Usage now() {
            return new Usage(count(Path.of("/proc/self/fd")), count(Path.of("/proc/self/task")), readVmSizeKib());
        }

        private static long count(Path dir) {
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static long readVmSizeKib() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("VmSize:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            throw new IllegalStateException("no VmSize in /proc/self/status");
        }
    }

    private void startAndStop(int vms) throws Exception {
        for (int i = 0; i < vms; i++) {
            MicroVm vm = RealModePayload.build(dir, 2);
            vm.start();
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (vm.memory().readU64(RealModePayload.COUNTER) == 0) {
                assertTrue(System.nanoTime() < deadline, "VM " + i + " never ran");
                Thread.onSpinWait();
            }
            vm.stop();
        }
    }

    @Test
    void twoHundredVmsLeaveNoFdsThreadsOrMappingsBehind() throws Exception {
        startAndStop(WARM_UP);
        Usage before = Usage.now();
        long start = System.nanoTime();
        startAndStop(VMS);
        double seconds = (System.nanoTime() - start) / 1e9;
        Usage after = Usage.now();
        System.out.printf("%d VMs (2 vCPUs, disk, rng, vsock) started and stopped in %.1f s: fds %d -> %d, threads %d -> %d,"
                + " VmSize %d -> %d KiB%n", VMS, seconds, before.fds, after.fds, before.threads, after.threads,
                before.vmSizeKib, after.vmSizeKib);
        // One VM holds over a dozen fds, four threads and 32 MiB of guest RAM; a leak of any of it
        // would grow by 200 times that. The slack is the JVM's own (a JIT or GC thread, a malloc arena).
        assertTrue(after.fds <= before.fds + 2, "fds " + before.fds + " -> " + after.fds);
        assertTrue(after.threads <= before.threads + 3, "threads " + before.threads + " -> " + after.threads);
        assertTrue(after.vmSizeKib <= before.vmSizeKib + 32 * 1024, "VmSize " + before.vmSizeKib + " -> " + after.vmSizeKib + " KiB");
    }

    @Test
    void aBuildThatFailsAtItsLastStepReleasesWhatItMade() throws Exception {
        // vCPU 1's set-up fails: KVM, the VM, guest RAM, disk, rng and vsock (their threads running)
        // and vCPU 0 all exist by then.
        GuestPayload failingVcpu1 = (memory, devices, vcpus) -> {
            GuestPayload.VcpuStart start = new RealModePayload().load(memory, devices, vcpus);
            return (vcpu, supported, count) -> {
                if (vcpu.id() == 1) {
                    throw new IllegalStateException("no second vCPU today");
                }
                start.configure(vcpu, supported, count);
            };
        };
        Files.write(dir.resolve("disk.img"), new byte[64 * 1024]);
        VmConfig config = new VmConfig(Path.of("/no-kernel"), Optional.empty(), "", 2, VmConfig.MIN_MEMORY_MIB,
                List.of(new DiskConfig(dir.resolve("disk.img"), false)), true,
                Optional.of(new VsockConfig(dir.resolve("v.sock"), 3)), List.of());
        for (int i = 0; i < 3; i++) {
            assertThrows(VmSetupException.Vcpu.class, () -> VmBuilder.build(config, OutputStream.nullOutputStream(), failingVcpu1));
        }
        Usage before = Usage.now();
        for (int i = 0; i < 50; i++) {
            VmSetupException.Vcpu e = assertThrows(VmSetupException.Vcpu.class,
                    () -> VmBuilder.build(config, OutputStream.nullOutputStream(), failingVcpu1));
            assertEquals(1, e.id());
        }
        Usage after = Usage.now();
        System.out.printf("50 failed builds: fds %d -> %d, threads %d -> %d, VmSize %d -> %d KiB%n", before.fds, after.fds,
                before.threads, after.threads, before.vmSizeKib, after.vmSizeKib);
        assertTrue(after.fds <= before.fds + 2, "fds " + before.fds + " -> " + after.fds);
        assertTrue(after.threads <= before.threads + 3, "threads " + before.threads + " -> " + after.threads);
        assertTrue(after.vmSizeKib <= before.vmSizeKib + 32 * 1024, "VmSize " + before.vmSizeKib + " -> " + after.vmSizeKib);
    }
}
