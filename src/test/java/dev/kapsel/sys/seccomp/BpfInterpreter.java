package dev.kapsel.sys.seccomp;

import java.util.List;

/**
 * A classic BPF interpreter for the instructions {@link Bpf} assembles, as the kernel's seccomp runs
 * them over a {@code struct seccomp_data} (only nr and arch matter here): A is unsigned 32 bits,
 * comparisons are unsigned, a jump offset counts from the next instruction. It refuses what the
 * kernel's checker refuses (a jump out of the program, a load outside seccomp_data, running off the
 * end) by failing the test.
 */
final class BpfInterpreter {
    private BpfInterpreter() {}

    /** sizeof(struct seccomp_data). */
    static final int SECCOMP_DATA_SIZE = 64;

    static int run(List<Bpf.Instruction> program, int nr, int arch) {
        long a = 0;
        int pc = 0;
        for (int steps = 0; steps <= program.size(); steps++) {
            if (pc < 0 || pc >= program.size()) {
                throw new AssertionError("pc " + pc + " outside the program of " + program.size());
            }
            Bpf.Instruction i = program.get(pc);
            switch (i.code()) {
                case Bpf.LD_W_ABS -> {
                    a = switch (i.k()) {
                        case SeccompFilter.OFFSET_NR -> Integer.toUnsignedLong(nr);
                        case SeccompFilter.OFFSET_ARCH -> Integer.toUnsignedLong(arch);
                        default -> {
                            if (i.k() < 0 || i.k() + 4 > SECCOMP_DATA_SIZE || i.k() % 4 != 0) {
                                throw new AssertionError("load at " + i.k() + " outside seccomp_data");
                            }
                            yield 0;
                        }
                    };
                    pc++;
                }
                case Bpf.JMP_JA -> pc += 1 + i.k();
                case Bpf.JMP_JEQ_K -> pc += 1 + (a == Integer.toUnsignedLong(i.k()) ? i.jt() : i.jf());
                case Bpf.JMP_JGT_K -> pc += 1 + (a > Integer.toUnsignedLong(i.k()) ? i.jt() : i.jf());
                case Bpf.JMP_JGE_K -> pc += 1 + (a >= Integer.toUnsignedLong(i.k()) ? i.jt() : i.jf());
                case Bpf.JMP_JSET_K -> pc += 1 + ((a & Integer.toUnsignedLong(i.k())) != 0 ? i.jt() : i.jf());
                case Bpf.RET_K -> {
                    return i.k();
                }
                default -> throw new AssertionError("unknown code " + i.code());
            }
        }
        throw new AssertionError("the program loops");
    }
}
