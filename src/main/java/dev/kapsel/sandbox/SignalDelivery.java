package dev.kapsel.sandbox;

import dev.kapsel.kvm.Regs;
import dev.kapsel.sys.Errno;

/**
 * Takes signals as Linux does on the way back to user mode: the default action (ignore or end the
 * process), or a handler entered with a real {@code rt_sigframe} on the user stack (or the
 * alternate stack): return address = {@code sa_restorer}, a {@code ucontext} with the interrupted
 * registers and mask, and a {@code siginfo}. {@link #sigreturn} reads the frame back. System calls
 * interrupted by the signal are restarted or fail with EINTR as SA_RESTART says. Handlers run only
 * at system call boundaries and for faults, where the x86 ABI lets them clobber vector registers
 * (the frame has no FPU state).
 */
final class SignalDelivery {
    static final int FRAME_SIZE = 8 + 304 + 128;
    private static final int UC = 8, MCONTEXT = UC + 40, SIGMASK = UC + 296, INFO = UC + 304;
    private static final long RED_ZONE = 128;

    private SignalDelivery() {}

    /** System calls that fail with EINTR after any handler (Linux's ERESTARTNOHAND), whatever SA_RESTART says. */
    private static boolean noRestartWithHandler(long nr) {
        return nr == 7 || nr == 23 || nr == 270 || nr == 271 || nr == 232 || nr == 281 || nr == 441 || nr == 35
                || nr == 230 || nr == 34 || nr == 130 || nr == 128;
    }

    static void beforeUserMode(Task task) {
        long interrupted = task.takeInterruptedCall();
        SandboxProcess p = task.process();
        while (true) {
            SignalInfo info = task.takeSignal();
            if (info == null) {
                break;
            }
            int sig = info.signo();
            SigAction action = p.sigaction(sig);
            if (action == null) {
                if (Signals.defaultIgnored(sig)) {
                    continue;
                }
                throw ProgramTermination.killed(sig, "killed by " + Signals.name(sig));
            }
            if (action.ignored()) {
                continue;
            }
            Regs regs = task.cpu().regs();
            if (interrupted >= 0) {
                boolean restart = action.restartsCalls() && !noRestartWithHandler(interrupted);
                regs = restart ? regs.withRip(regs.rip() - 2).withRax(interrupted) : regs.withRax(-Errno.EINTR);
            }
            enterHandler(task, regs, info, action);
            return;
        }
        if (interrupted >= 0) {
            Regs regs = task.cpu().regs();
            task.cpu().enterUser(regs.withRip(regs.rip() - 2).withRax(interrupted));
        }
        task.restoreSuspendedMask();
    }

    /** A signal caused by the instruction at {@code regs} (a fault): its handler runs now, or the process ends. */
    static void force(Task task, Regs regs, SignalInfo info, String reason) {
        int sig = info.signo();
        SigAction action = task.process().sigaction(sig);
        boolean blocked = (task.sigmask() & Signals.bit(sig)) != 0;
        if (action == null || action.ignored() || blocked) {
            throw ProgramTermination.killed(sig, reason);
        }
        enterHandler(task, regs, info, action);
    }

    private static void enterHandler(Task task, Regs regs, SignalInfo info, SigAction action) {
        int sig = info.signo();
        long sp = regs.rsp();
        AltStack alt = task.altStack();
        if (action.onAltStack() && !alt.disabled() && !alt.contains(sp)) {
            sp = alt.top();
        } else {
            sp -= RED_ZONE;
        }
        long frame = ((sp - FRAME_SIZE) & ~15L) - 8;
        long frameMask = task.hasSavedMaskValue();
        byte[] b = new byte[FRAME_SIZE];
        put(b, 0, action.restorer());
        put(b, UC + 16, alt.sp());
        put(b, UC + 24, alt.flags(regs.rsp()));
        put(b, UC + 32, alt.size());
        long[] g = {regs.r8(), regs.r9(), regs.r10(), regs.r11(), regs.r12(), regs.r13(), regs.r14(), regs.r15(),
            regs.rdi(), regs.rsi(), regs.rbp(), regs.rbx(), regs.rdx(), regs.rax(), regs.rcx(), regs.rsp(), regs.rip(),
            regs.rflags()};
        for (int i = 0; i < g.length; i++) {
            put(b, MCONTEXT + 8 * i, g[i]);
        }
        put(b, MCONTEXT + 144, 0x33 | (0x2bL << 48)); // cs, gs, fs, ss
        put(b, MCONTEXT + 160, sig == Signals.SIGSEGV ? 14 : 0);
        put(b, MCONTEXT + 168, frameMask);
        put(b, MCONTEXT + 176, info.address());
        put(b, SIGMASK, frameMask);
        System.arraycopy(info.encode(), 0, b, INFO, 128);
        try {
            task.process().memory().write(frame, b);
        } catch (ErrnoException e) {
            throw ProgramTermination.killed(Signals.SIGSEGV, "killed by SIGSEGV: no room for the " + Signals.name(sig)
                    + " signal frame at 0x" + Long.toHexString(frame));
        }
        task.restoreSuspendedMask();
        long mask = task.sigmask() | action.mask() | (action.noDefer() ? 0 : Signals.bit(sig));
        task.setSigmask(mask);
        if (action.resetsToDefault()) {
            task.process().setSigaction(sig, null);
        }
        Regs handler = regs.withRip(action.handler()).withRsp(frame).withRdi(sig).withRsi(frame + INFO).withRdx(frame + UC)
                .withRax(0).withRflags(regs.rflags() & ~(0x400L | 0x100L));
        task.cpu().enterUser(handler);
    }

    /** rt_sigreturn: registers and mask from the frame whose ucontext is at the stack pointer. */
    static void sigreturn(Task task, Regs regs) {
        long uc = regs.rsp();
        byte[] b;
        try {
            b = task.process().memory().read(uc, 304);
        } catch (ErrnoException e) {
            throw ProgramTermination.killed(Signals.SIGSEGV, "killed by SIGSEGV: bad signal frame at 0x" + Long.toHexString(uc));
        }
        int m = MCONTEXT - UC;
        long[] g = new long[18];
        for (int i = 0; i < 18; i++) {
            g[i] = get(b, m + 8 * i);
        }
        task.setSigmask(get(b, SIGMASK - UC));
        Regs r = new Regs(g[13], g[11], g[14], g[12], g[9], g[8], g[15], g[10], g[0], g[1], g[2], g[3], g[4], g[5],
                g[6], g[7], g[16], g[17]);
        task.cpu().enterUser(r);
    }

    private static void put(byte[] b, int off, long v) {
        for (int i = 0; i < 8; i++) {
            b[off + i] = (byte) (v >>> (8 * i));
        }
    }

    private static long get(byte[] b, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[off + i] & 0xff);
        }
        return v;
    }
}
