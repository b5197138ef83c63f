package dev.kapsel.sandbox.machine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.kvm.Regs;
import org.junit.jupiter.api.Test;

/**
 * Runs hand-assembled user programs on the sandbox machine: system calls, a demand-paged write,
 * the TLB flush after unmapping and write-protecting a page that was in use, privileged instructions.
 */
class MachineTest {
    private static final long CODE = 0x400000;
    private static final long STACK = 0x800000;
    private static final long DATA = 0x600000;

    private static final byte[] PROGRAM = {
        (byte) 0xb8, 39, 0, 0, 0,                       // mov eax, 39
        0x0f, 0x05,                                     // syscall
        0x48, (byte) 0xc7, (byte) 0xc3, 0, 0, 0x60, 0,  // mov rbx, 0x600000
        0x48, (byte) 0x89, 0x03,                        // mov [rbx], rax      (#PF: not present, write)
        0x48, (byte) 0x8b, 0x0b,                        // mov rcx, [rbx]
        (byte) 0xb8, 11, 0, 0, 0,                       // mov eax, 11
        0x0f, 0x05,                                     // syscall             (the test unmaps DATA)
        0x48, (byte) 0x8b, 0x13,                        // mov rdx, [rbx]      (#PF again: the stale TLB entry must be gone)
        (byte) 0xb8, 10, 0, 0, 0,                       // mov eax, 10
        0x0f, 0x05,                                     // syscall             (the test write-protects DATA)
        0x48, (byte) 0x89, 0x03,                        // mov [rbx], rax      (#PF: present, write)
        (byte) 0xf4,                                    // hlt                 (#GP at CPL3)
    };

    @Test
    void syscallsFaultsTlbFlushAndPrivilegedInstructions() {
        try (Machine m = Machine.create(16 << 20)) {
            PageTable pt = m.newPageTable();
            Cpu c = m.newCpu();
            long codeFrame = m.frames().allocate();
            m.memory().write(codeFrame, PROGRAM);
            pt.map(CODE, codeFrame, PageTable.USER);
            pt.map(STACK - 4096, m.frames().allocate(), PageTable.USER | PageTable.WRITABLE | PageTable.NO_EXECUTE);
            c.start(pt, CODE, STACK, 0);

            Trap first = c.next();
            if (first instanceof Trap.Exception e) {
                throw new AssertionError(Vectors.name(e.vector()) + " err " + e.errorCode() + " cr2 " + Long.toHexString(e.faultAddress()) + " " + e.regs());
            }
            Trap.Syscall getpid = assertInstanceOf(Trap.Syscall.class, first);
            assertEquals(39, getpid.regs().rax());
            c.resumeFromSyscall(getpid.regs(), 1234);

            Trap.Exception fault = assertInstanceOf(Trap.Exception.class, c.next());
            assertEquals(Vectors.PAGE_FAULT, fault.vector());
            assertEquals(DATA, fault.faultAddress());
            assertEquals(Vectors.PF_WRITE | Vectors.PF_USER, fault.errorCode());
            assertEquals(1234, fault.regs().rax());
            long dataFrame = m.frames().allocate();
            pt.map(DATA, dataFrame, PageTable.USER | PageTable.WRITABLE | PageTable.NO_EXECUTE);
            c.resumeFromException(fault.regs());

            Trap.Syscall munmap = assertInstanceOf(Trap.Syscall.class, c.next());
            assertEquals(11, munmap.regs().rax());
            assertEquals(1234, m.memory().readU64(dataFrame));
            pt.unmap(DATA);
            c.flush(java.util.List.of(new Invalidation(pt.entryAddress(DATA), DATA)));
            c.resumeFromSyscall(munmap.regs(), 0);

            Trap.Exception stale = assertInstanceOf(Trap.Exception.class, c.next());
            assertEquals(Vectors.PAGE_FAULT, stale.vector(), Vectors.name(stale.vector()));
            assertEquals(DATA, stale.faultAddress());
            assertEquals(0, stale.errorCode() & Vectors.PF_PRESENT);
            pt.map(DATA, dataFrame, PageTable.USER | PageTable.WRITABLE | PageTable.NO_EXECUTE);
            c.resumeFromException(stale.regs());

            Trap.Syscall mprotect = assertInstanceOf(Trap.Syscall.class, c.next());
            assertEquals(1234, mprotect.regs().rdx());
            pt.protect(DATA, PageTable.USER | PageTable.NO_EXECUTE);
            c.flush(java.util.List.of(new Invalidation(pt.entryAddress(DATA), DATA)));
            c.resumeFromSyscall(mprotect.regs(), 0);

            Trap.Exception readOnly = assertInstanceOf(Trap.Exception.class, c.next());
            assertEquals(Vectors.PAGE_FAULT, readOnly.vector());
            assertEquals(Vectors.PF_PRESENT | Vectors.PF_WRITE | Vectors.PF_USER, readOnly.errorCode());
            Regs r = readOnly.regs();
            c.resumeFromException(r.withRip(r.rip() + 3));

            Trap.Exception gp = assertInstanceOf(Trap.Exception.class, c.next());
            assertEquals(Vectors.GENERAL_PROTECTION, gp.vector());
            assertEquals(CODE + PROGRAM.length - 1, gp.regs().rip());
            assertTrue(gp.regs().rsp() == STACK);
        }
    }
}
