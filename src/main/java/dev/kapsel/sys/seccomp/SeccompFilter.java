package dev.kapsel.sys.seccomp;

import dev.kapsel.sys.Seccomp;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * An allow-list filter: the x86-64 system calls whose numbers are {@link #allowed} return
 * {@link SeccompAction#ALLOW}, every other one {@link #otherwise}. The program checks the
 * architecture first (a call made through another ABI, i386's {@code int 0x80} or x32's numbers
 * with bit 30 set, would be read with the wrong numbers) and ends the process on a mismatch whatever
 * {@link #otherwise} is, then finds the number in the sorted list by binary search: a balanced tree
 * of {@code jge} that ends in leaves of up to {@link #LEAF} {@code jeq}, so a call costs about
 * log2(n) + 4 comparisons, not n.
 */
public record SeccompFilter(SortedSet<Integer> allowed, SeccompAction otherwise) {
    /** AUDIT_ARCH_X86_64: EM_X86_64 (62) | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE. */
    public static final int AUDIT_ARCH_X86_64 = 0xC000003E;
    /** __X32_SYSCALL_BIT: x32 calls are x86-64 numbers with this bit set, and the same arch value. */
    public static final int X32_SYSCALL_BIT = 0x40000000;
    /** Offsets in {@code struct seccomp_data}: {@code int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6];}. */
    public static final int OFFSET_NR = 0;
    public static final int OFFSET_ARCH = 4;
    /** Numbers per leaf of the search tree. */
    static final int LEAF = 4;

    public SeccompFilter {
        if (otherwise == SeccompAction.ALLOW) {
            throw new IllegalArgumentException("a filter that allows everything is no filter");
        }
        allowed = new TreeSet<>(allowed);
        for (int n : allowed) {
            if (n < 0 || (n & X32_SYSCALL_BIT) != 0) {
                throw new IllegalArgumentException("not an x86-64 system-call number: " + n);
            }
        }
    }

    /** The filter of the calls named (x86-64 names, {@link SyscallNumbers}). */
    public static SeccompFilter ofNames(Iterable<String> names, SeccompAction otherwise) {
        SortedSet<Integer> numbers = new TreeSet<>();
        for (String name : names) {
            numbers.add(SyscallNumbers.number(name));
        }
        return new SeccompFilter(numbers, otherwise);
    }

    /** The program, assembled. */
    public List<Bpf.Instruction> program() {
        Bpf bpf = new Bpf()
                .loadWord(OFFSET_ARCH)
                .jumpIfEqual(AUDIT_ARCH_X86_64, "arch-ok", Bpf.NEXT)
                .ret(SeccompAction.KILL_PROCESS.value())
                .label("arch-ok")
                .loadWord(OFFSET_NR)
                .jumpIfAnySet(X32_SYSCALL_BIT, Bpf.NEXT, "search")
                .ret(SeccompAction.KILL_PROCESS.value())
                .label("search");
        search(bpf, List.copyOf(allowed), "n");
        return bpf.assemble();
    }

    /**
     * The subtree for {@code numbers}, named {@code name}. An inner node is {@code jge mid} whose true
     * branch is an unconditional jump to the upper half (a {@code ja} reaches any distance; the
     * conditional's own offsets stop at 255) and whose false branch falls into the lower half.
     */
    private void search(Bpf bpf, List<Integer> numbers, String name) {
        if (numbers.size() <= LEAF) {
            for (int n : numbers) {
                bpf.jumpIfEqual(n, name + "-allow", Bpf.NEXT);
            }
            bpf.ret(otherwise.value());
            if (!numbers.isEmpty()) {
                bpf.label(name + "-allow").ret(SeccompAction.ALLOW.value());
            }
            return;
        }
        int mid = numbers.size() / 2;
        bpf.jumpIfAtLeast(numbers.get(mid), Bpf.NEXT, name + "0")
                .jump(name + "1")
                .label(name + "0");
        search(bpf, numbers.subList(0, mid), name + "0");
        bpf.label(name + "1");
        search(bpf, numbers.subList(mid, numbers.size()), name + "1");
    }

    /**
     * Sets no_new_privs and installs the filter on every thread of this process (TSYNC): from here on
     * this process and anything it starts make only the listed calls. Irreversible.
     */
    public void install() {
        List<Bpf.Instruction> program = program();
        Seccomp.setNoNewPrivs();
        Seccomp.installFilter(Bpf.encode(program), program.size());
    }
}
