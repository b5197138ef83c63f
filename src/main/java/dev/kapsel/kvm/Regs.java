package dev.kapsel.kvm;

/** The general-purpose registers of a vCPU ({@code struct kvm_regs}). Immutable; use the withers. */
public record Regs(long rax, long rbx, long rcx, long rdx, long rsi, long rdi, long rsp, long rbp,
                   long r8, long r9, long r10, long r11, long r12, long r13, long r14, long r15,
                   long rip, long rflags) {

    /** All zero except RFLAGS bit 1, which is reserved and always set. */
    public static final Regs INITIAL = new Regs(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2);

    long[] toArray() {
        return new long[] {rax, rbx, rcx, rdx, rsi, rdi, rsp, rbp, r8, r9, r10, r11, r12, r13, r14, r15, rip, rflags};
    }

    static Regs fromArray(long[] r) {
        return new Regs(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[10], r[11], r[12], r[13],
                r[14], r[15], r[16], r[17]);
    }

    public Regs withRip(long v) {
        long[] r = toArray();
        r[16] = v;
        return fromArray(r);
    }

    public Regs withRsp(long v) {
        long[] r = toArray();
        r[6] = v;
        return fromArray(r);
    }

    public Regs withRflags(long v) {
        long[] r = toArray();
        r[17] = v;
        return fromArray(r);
    }

    public Regs withRax(long v) {
        long[] r = toArray();
        r[0] = v;
        return fromArray(r);
    }

    public Regs withRcx(long v) {
        long[] r = toArray();
        r[2] = v;
        return fromArray(r);
    }

    public Regs withRdx(long v) {
        long[] r = toArray();
        r[3] = v;
        return fromArray(r);
    }

    public Regs withRsi(long v) {
        long[] r = toArray();
        r[4] = v;
        return fromArray(r);
    }

    public Regs withRdi(long v) {
        long[] r = toArray();
        r[5] = v;
        return fromArray(r);
    }
}
