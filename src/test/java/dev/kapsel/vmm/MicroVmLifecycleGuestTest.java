package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.Guest;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A 2-vCPU Linux guest whose init prints a tick every 200 ms and otherwise sleeps, so both vCPUs idle
 * in HLT on the in-kernel irqchip: pause holds it (no tick while paused), resume lets it go on (the
 * ticks continue), and stop gets both vCPUs out of KVM_RUN and releases the VM. The stop happens after
 * the guest has gone quiet (no port I/O for ten minutes), so a vCPU that leaves KVM_RUN at all was
 * kicked out by the stop, not by the guest's next exit; the time it took is printed, not asserted
 * (a timing under the harness's nested TCG says more about the CI machine's load than about kapsel:
 * CI measured 122 ms once at load 2, 30-60 ms idle).
 */
@Tag("guest")
class MicroVmLifecycleGuestTest {
    private static final String INIT = """
            mount -t proc proc /proc
            echo "cpus: $(grep -c ^processor /proc/cpuinfo)"
            i=0
            while [ $i -lt 20 ]; do i=$((i+1)); echo "tick $i"; sleep 0.2; done
            echo "no more ticks"
            sleep 600
            """;
    private static final Pattern TICK = Pattern.compile("tick (\\d+)");

    /** The serial console, readable while the guest writes to it. */
    private static final class Console extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public synchronized void write(int b) {
            bytes.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            bytes.write(b, off, len);
        }

        synchronized String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }

        /** The highest tick printed so far, or 0. */
        int lastTick() {
            Matcher m = TICK.matcher(text());
            int last = 0;
            while (m.find()) {
                last = Integer.parseInt(m.group(1));
            }
            return last;
        }

        void awaitTick(int tick, long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (lastTick() < tick) {
                assertTrue(System.nanoTime() < deadline, "no tick " + tick + " within " + seconds + " s:\n" + text());
                Thread.sleep(20);
            }
        }
    }

    @Test
    void anIdleTwoVcpuGuestPausesResumesAndIsStoppedOutOfHlt() throws Exception {
        Path initrd = Guest.busyboxInitramfs(Guest.tempDir(), INIT);
        Console console = new Console();
        VmConfig config = new VmConfig(Guest.vmlinux(), Optional.of(initrd), VmConfig.DEFAULT_CMDLINE + " quiet", 2, 128);
        MicroVm vm = VmBuilder.build(config, console);
        try {
            vm.start();
            console.awaitTick(3, Guest.BOOT_TIMEOUT_SECONDS);
            assertTrue(console.text().contains("cpus: 2"), console.text());

            vm.pause();
            int paused = console.lastTick();
            Thread.sleep(1000); // five ticks' worth
            assertEquals(paused, console.lastTick(), "the guest printed while paused");
            vm.resume();
            console.awaitTick(paused + 2, 30);
            console.awaitTick(20, 60);
            awaitQuiet(console);
            Thread.sleep(500); // both vCPUs back in HLT, with no exit due for ten minutes
            // The guest has stopped once every vCPU thread has left KVM_RUN and ended; what follows (the
            // device threads, unmapping guest RAM, closing the VM fd while the host kernel frees the VM)
            // is teardown, measured apart: under the harness's TCG it is what takes the time.
            List<Thread> vcpus = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("vcpu-")).toList();
            assertEquals(2, vcpus.size(), "the VM's vCPU threads: " + vcpus);
            long start = System.nanoTime();
            Thread stopper = Thread.ofPlatform().start(vm::stop);
            for (Thread vcpu : vcpus) {
                vcpu.join();
            }
            long vcpusStopped = System.nanoTime() - start;
            stopper.join();
            long teardown = System.nanoTime() - start;
            System.out.printf("stop of an idle 2-vCPU Linux guest: vCPUs out and ended in %.2f ms, whole teardown %.2f ms%n",
                    vcpusStopped / 1e6, teardown / 1e6);
            assertTrue(vcpusStopped < TimeUnit.SECONDS.toNanos(10),
                    "the vCPUs took " + vcpusStopped / 1_000_000 + " ms to stop: not kicked out of KVM_RUN");
            assertEquals(VmState.STOPPED, vm.state());
            assertEquals(VmExitStatus.STOPPED, vm.awaitExit().status());
        } finally {
            vm.close();
        }
    }

    private static void awaitQuiet(Console console) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!console.text().contains("no more ticks")) {
            assertTrue(System.nanoTime() < deadline, "the guest never went quiet:\n" + console.text());
            Thread.sleep(20);
        }
    }
}
