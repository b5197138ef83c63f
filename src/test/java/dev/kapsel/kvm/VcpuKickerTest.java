package dev.kapsel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sys.ThreadSignals;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link VcpuKicker} on this host's KVM: a vCPU spinning in {@code jmp $}, and one halted on the
 * in-kernel irqchip (where KVM_RUN never returns by itself), both leave KVM_RUN within 100 ms of a
 * kick, and the kick leaves nothing behind that would cut the next KVM_RUN short.
 */
class VcpuKickerTest {
    private static final byte[] SPIN = {(byte) 0xeb, (byte) 0xfe}; // jmp $
    private static final byte[] HALT = {(byte) 0xf4, (byte) 0xeb, (byte) 0xfd}; // hlt; jmp back to hlt

    /** Runs the vCPU on its own bound thread until it is interrupted; returns how long the kick took. */
    private static long kickAfterEntering(byte[] code, boolean irqchip) throws Exception {
        try (Kvm kvm = Kvm.open(); RealModeVm guest = RealModeVm.create(kvm, 0x10000, code, irqchip)) {
            VcpuFd vcpu = guest.vcpu();
            CountDownLatch bound = new CountDownLatch(1);
            CompletableFuture<VcpuExit> result = new CompletableFuture<>();
            CompletableFuture<Boolean> stillPending = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    vcpu.kicker().bindCurrentThread();
                    bound.countDown();
                    VcpuExit exit = vcpu.run();
                    vcpu.kicker().acknowledge();
                    result.complete(exit);
                    stillPending.complete(ThreadSignals.takePending(VcpuKicker.SIGNAL));
                    vcpu.kicker().unbind();
                } catch (Throwable e) {
                    result.completeExceptionally(e);
                }
            });
            bound.await();
            Thread.sleep(100); // well inside KVM_RUN by now
            assertFalse(result.isDone(), "the guest left KVM_RUN on its own: " + result.getNow(null));
            long start = System.nanoTime();
            vcpu.kicker().kick();
            VcpuExit exit = result.get(5, TimeUnit.SECONDS);
            long nanos = System.nanoTime() - start;
            t.join();
            assertInstanceOf(VcpuExit.Interrupted.class, exit);
            assertFalse(stillPending.get(), "acknowledge left the kick signal pending");
            return nanos;
        }
    }

    @Test
    void aSpinningVcpuLeavesKvmRunWhenKicked() throws Exception {
        long nanos = kickAfterEntering(SPIN, false);
        System.out.printf("kick of a spinning vCPU: %.3f ms%n", nanos / 1e6);
        assertTrue(nanos < TimeUnit.MILLISECONDS.toNanos(100), nanos + " ns");
    }

    @Test
    void aVcpuHaltedOnTheInKernelIrqchipLeavesKvmRunWhenKicked() throws Exception {
        long nanos = kickAfterEntering(HALT, true);
        System.out.printf("kick of a halted vCPU: %.3f ms%n", nanos / 1e6);
        assertTrue(nanos < TimeUnit.MILLISECONDS.toNanos(100), nanos + " ns");
    }

    @Test
    void aKickBeforeEntryMakesTheNextRunReturnAndAcknowledgeClearsIt() throws Exception {
        try (Kvm kvm = Kvm.open(); RealModeVm guest = RealModeVm.create(kvm, 0x10000, new byte[] {(byte) 0xf4})) {
            VcpuFd vcpu = guest.vcpu();
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    vcpu.kicker().bindCurrentThread();
                    vcpu.kicker().kick(); // signal pending, immediate_exit set, before any KVM_RUN
                    VcpuExit first = vcpu.run();
                    vcpu.kicker().acknowledge();
                    VcpuExit second = vcpu.run(); // runs the guest: hlt without an irqchip exits
                    vcpu.kicker().unbind();
                    outcome.complete(first.getClass().getSimpleName() + "," + second.getClass().getSimpleName());
                } catch (Throwable e) {
                    outcome.completeExceptionally(e);
                }
            }).join();
            assertEquals("Interrupted,Hlt", outcome.get());
        }
    }

    @Test
    void theSignalIsBlockedOnlyWhileBound() throws Exception {
        CompletableFuture<long[]> masks = new CompletableFuture<>();
        try (Kvm kvm = Kvm.open(); RealModeVm guest = RealModeVm.create(kvm, 0x10000, SPIN)) {
            Thread.ofPlatform().start(() -> {
                long before = ThreadSignals.blocked();
                guest.vcpu().kicker().bindCurrentThread();
                long during = ThreadSignals.blocked();
                guest.vcpu().kicker().unbind();
                masks.complete(new long[] {before, during, ThreadSignals.blocked()});
            }).join();
        }
        long bit = ThreadSignals.bit(VcpuKicker.SIGNAL);
        long[] m = masks.get();
        assertEquals(0, m[0] & bit);
        assertEquals(bit, m[1] & bit);
        assertEquals(m[0], m[2]);
    }
}
