package dev.kapsel.sandbox.machine;

import dev.kapsel.kvm.Regs;

/** Why the user program stopped running: the events the Java kernel serves. */
public sealed interface Trap {
    /** The program executed {@code syscall}; {@code regs} are its registers at that point (RCX = return RIP). */
    record Syscall(Regs regs) implements Trap {}

    /**
     * A CPU exception from user mode. {@code regs} are the user's registers with RIP, RSP and RFLAGS
     * taken from the exception frame; {@code faultAddress} is CR2 (meaningful for #PF only).
     */
    record Exception(int vector, long errorCode, long faultAddress, Regs regs) implements Trap {}

    /** A host signal or {@link Cpu#requestExit()} stopped the vCPU; {@code regs} are where the program was. */
    record Interrupted(dev.kapsel.kvm.Regs regs) implements Trap {}

    /** The machine itself failed (KVM error, triple fault, an exception inside the stub). */
    record MachineFailure(String reason) implements Trap {}
}
