package dev.kapsel.sys.seccomp;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A small assembler for classic BPF, the instruction set seccomp filters are written in
 * ({@code linux/filter.h}, {@code linux/bpf_common.h}): only what a system-call filter needs, a
 * word load from the {@code seccomp_data} the kernel hands the filter, the unsigned comparisons
 * against a constant, an unconditional jump and a return of a constant. Jumps name labels; {@link
 * #assemble} resolves them and refuses what the kernel would (a backward jump, a conditional jump
 * further than 255 instructions, a label never placed or placed twice, a program that can run off
 * its end), so a bad filter is an exception here, not EINVAL from seccomp(2).
 */
public final class Bpf {
    /** One instruction, as {@code struct sock_filter} has it: a 16-bit code, two 8-bit jump offsets, a 32-bit constant. */
    public record Instruction(int code, int jt, int jf, int k) {}

    // the codes, built as bpf_common.h builds them: class | size | mode, class | op | source
    public static final int LD_W_ABS = 0x00 | 0x00 | 0x20;
    public static final int JMP_JA = 0x05 | 0x00;
    public static final int JMP_JEQ_K = 0x05 | 0x10 | 0x00;
    public static final int JMP_JGT_K = 0x05 | 0x20 | 0x00;
    public static final int JMP_JGE_K = 0x05 | 0x30 | 0x00;
    public static final int JMP_JSET_K = 0x05 | 0x40 | 0x00;
    public static final int RET_K = 0x06 | 0x00;

    /** BPF_MAXINSNS: the kernel refuses a longer program. */
    public static final int MAX_INSTRUCTIONS = 4096;
    /** A conditional jump's offsets are 8 bits. */
    static final int MAX_CONDITIONAL_JUMP = 255;

    /** Where a jump goes: a label, or {@link #NEXT} for the instruction after it. */
    public static final String NEXT = null;

    private record Pending(int code, String jt, String jf, String ja, int k) {}

    private final List<Pending> code = new ArrayList<>();
    private final Map<String, Integer> labels = new HashMap<>();

    /** A = the 32-bit word at {@code offset} of the filter's input. */
    public Bpf loadWord(int offset) {
        return add(new Pending(LD_W_ABS, NEXT, NEXT, null, offset));
    }

    /** To {@code ifTrue} when A == k, else to {@code ifFalse}. */
    public Bpf jumpIfEqual(int k, String ifTrue, String ifFalse) {
        return add(new Pending(JMP_JEQ_K, ifTrue, ifFalse, null, k));
    }

    /** To {@code ifTrue} when A &gt; k (unsigned), else to {@code ifFalse}. */
    public Bpf jumpIfGreater(int k, String ifTrue, String ifFalse) {
        return add(new Pending(JMP_JGT_K, ifTrue, ifFalse, null, k));
    }

    /** To {@code ifTrue} when A &gt;= k (unsigned), else to {@code ifFalse}. */
    public Bpf jumpIfAtLeast(int k, String ifTrue, String ifFalse) {
        return add(new Pending(JMP_JGE_K, ifTrue, ifFalse, null, k));
    }

    /** To {@code ifTrue} when A &amp; k != 0, else to {@code ifFalse}. */
    public Bpf jumpIfAnySet(int k, String ifTrue, String ifFalse) {
        return add(new Pending(JMP_JSET_K, ifTrue, ifFalse, null, k));
    }

    /** To {@code label} always (a 32-bit offset: the way past a conditional jump's 255). */
    public Bpf jump(String label) {
        if (label == null) {
            throw new IllegalArgumentException("an unconditional jump needs a label");
        }
        return add(new Pending(JMP_JA, NEXT, NEXT, label, 0));
    }

    /** Ends the filter with {@code value} (a seccomp action, {@link SeccompAction#value}). */
    public Bpf ret(int value) {
        return add(new Pending(RET_K, NEXT, NEXT, null, value));
    }

    /** Places {@code name} at the next instruction. */
    public Bpf label(String name) {
        if (labels.putIfAbsent(name, code.size()) != null) {
            throw new IllegalArgumentException("label " + name + " placed twice");
        }
        return this;
    }

    private Bpf add(Pending p) {
        code.add(p);
        return this;
    }

    /** The program with every label resolved to a forward offset. */
    public List<Instruction> assemble() {
        if (code.isEmpty()) {
            throw new IllegalStateException("an empty program");
        }
        if (code.size() > MAX_INSTRUCTIONS) {
            throw new IllegalStateException(code.size() + " instructions, more than the kernel's " + MAX_INSTRUCTIONS);
        }
        for (var label : labels.entrySet()) {
            if (label.getValue() >= code.size()) {
                throw new IllegalStateException("label " + label.getKey() + " is past the last instruction");
            }
        }
        Pending last = code.getLast();
        if (last.code() != RET_K && last.code() != JMP_JA) {
            throw new IllegalStateException("the program can run past its last instruction");
        }
        List<Instruction> out = new ArrayList<>(code.size());
        for (int pc = 0; pc < code.size(); pc++) {
            Pending p = code.get(pc);
            if (p.code() == JMP_JA) {
                out.add(new Instruction(p.code(), 0, 0, offset(pc, p.ja(), Integer.MAX_VALUE)));
            } else if ((p.code() & 0x07) == 0x05) {
                out.add(new Instruction(p.code(), offset(pc, p.jt(), MAX_CONDITIONAL_JUMP),
                        offset(pc, p.jf(), MAX_CONDITIONAL_JUMP), p.k()));
            } else {
                out.add(new Instruction(p.code(), 0, 0, p.k()));
            }
        }
        return out;
    }

    /** The offset from the instruction after {@code pc} to {@code label}. */
    private int offset(int pc, String label, int max) {
        if (label == null) {
            return 0;
        }
        Integer target = labels.get(label);
        if (target == null) {
            throw new IllegalStateException("label " + label + " is never placed");
        }
        int offset = target - pc - 1;
        if (offset < 0) {
            throw new IllegalStateException("jump from " + pc + " back to " + label + ": BPF jumps only forward");
        }
        if (offset > max) {
            throw new IllegalStateException("jump from " + pc + " to " + label + " is " + offset
                    + " instructions, more than a conditional jump's " + max);
        }
        return offset;
    }

    /** The program as the kernel reads it: {@code struct sock_filter} after another, 8 bytes each, little-endian. */
    public static byte[] encode(List<Instruction> program) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(program.size() * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (Instruction i : program) {
            b.putShort((short) i.code()).put((byte) i.jt()).put((byte) i.jf()).putInt(i.k());
        }
        return b.array();
    }
}
