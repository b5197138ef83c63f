package dev.kapsel.kvm;

import dev.kapsel.sys.ThreadSignals;

/**
 * Gets one vCPU out of KVM_RUN from another thread, as QEMU and Firecracker do, but without a signal
 * handler. {@link #kick} sets {@code immediate_exit} in the vCPU's kvm_run page (a KVM_RUN about to
 * start returns at once) and sends {@link #SIGNAL} to the vCPU's thread with pthread_kill (a KVM_RUN
 * already running returns EINTR, whether the guest spins or sits in HLT on the in-kernel irqchip).
 *
 * <p>The vCPU thread keeps {@link #SIGNAL} blocked ({@link #bindCurrentThread}) and gives KVM, through
 * KVM_SET_SIGNAL_MASK, its own mask without it: the signal is deliverable only while the thread is
 * inside KVM_RUN, where it merely ends the ioctl, and the kernel puts the blocked mask back before
 * returning, so no handler ever runs and the JVM never sees it. A signal sent while the thread is
 * in user space stays pending; {@link #acknowledge} takes it off (sigtimedwait with a zero timeout,
 * QEMU's {@code kvm_eat_signals}) so the next KVM_RUN is not cut short. A Java handler would need an
 * upcall stub running on an arbitrary JVM thread state inside a signal frame, which FFM does not
 * promise to support.
 */
public final class VcpuKicker {
    /**
     * SIGRTMIN+6: HotSpot uses no real-time signal (its suspend/resume signal is SIGUSR2), and glibc
     * keeps 32 and 33 for itself. Real-time signals queue, one instance per kick, so draining takes
     * every instance: one left pending when the thread unblocks the signal would kill the process.
     */
    public static final int SIGNAL = ThreadSignals.SIGRTMIN + 6;

    private final VcpuFd vcpu;
    /** pthread_t of the thread running the vCPU while it is bound; guarded by this. */
    private long thread;
    private boolean bound;

    VcpuKicker(VcpuFd vcpu) {
        this.vcpu = vcpu;
    }

    /**
     * Called on the thread that will run the vCPU, before its first KVM_RUN: blocks {@link #SIGNAL}
     * in this thread, lets it through inside KVM_RUN, and records the thread for {@link #kick}.
     */
    public synchronized void bindCurrentThread() {
        ThreadSignals.block(SIGNAL);
        vcpu.setSignalMask(ThreadSignals.blocked() & ~ThreadSignals.bit(SIGNAL));
        thread = ThreadSignals.self();
        bound = true;
    }

    /**
     * Called on the bound thread when it stops running the vCPU (before it ends: a pthread_t of an
     * ended thread may name a new one). Later kicks only set {@code immediate_exit}.
     */
    public synchronized void unbind() {
        if (!bound) {
            return;
        }
        bound = false;
        drain();
        ThreadSignals.unblock(SIGNAL);
    }

    /**
     * From any thread: the vCPU's current or next KVM_RUN returns {@link VcpuExit.Interrupted}. The
     * caller records why (a stop or pause request) before kicking; the vCPU thread looks after
     * {@link #acknowledge}.
     */
    public synchronized void kick() {
        vcpu.setImmediateExit(true);
        if (bound) {
            ThreadSignals.send(thread, SIGNAL);
        }
    }

    /**
     * On the vCPU thread after KVM_RUN returned {@link VcpuExit.Interrupted}: clears
     * {@code immediate_exit} and a kick signal still pending, so the next entry runs the guest.
     * The caller then looks at what the kicker asked for.
     */
    public void acknowledge() {
        vcpu.setImmediateExit(false);
        if (bound) {
            drain();
        }
    }

    private static void drain() {
        while (ThreadSignals.takePending(SIGNAL)) {
            // one queued instance per kick
        }
    }
}
