package dev.kapsel.sys.seccomp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** {@link SeccompFilter}'s program run by {@link BpfInterpreter} against plain set membership. */
class SeccompFilterTest {
    private static final int I386 = 0x40000003;

    @Provide
    Arbitrary<Set<Integer>> allowLists() {
        return Arbitraries.integers().between(0, 600).set().ofMaxSize(500);
    }

    @Provide
    Arbitrary<SeccompAction> actions() {
        return Arbitraries.of(SeccompAction.KILL_PROCESS, SeccompAction.TRAP, SeccompAction.LOG);
    }

    @Property(tries = 300)
    void aCallIsAllowedExactlyWhenItIsOnTheList(@ForAll("allowLists") Set<Integer> allowed, @ForAll("actions") SeccompAction otherwise) {
        List<Bpf.Instruction> program = new SeccompFilter(new TreeSet<>(allowed), otherwise).program();
        assertTrue(program.size() <= Bpf.MAX_INSTRUCTIONS);
        for (int nr = -2; nr <= 640; nr++) {
            // -1 and -2 have the x32 bit set (every number from 2^30 up has): refused whatever the action
            int expected = nr < 0 ? SeccompAction.KILL_PROCESS.value()
                    : allowed.contains(nr) ? SeccompAction.ALLOW.value() : otherwise.value();
            assertEquals(expected, BpfInterpreter.run(program, nr, SeccompFilter.AUDIT_ARCH_X86_64), "call " + nr);
        }
    }

    @Property(tries = 100)
    void anotherArchitectureOrX32IsKilledWhateverTheAction(@ForAll("allowLists") Set<Integer> allowed,
            @ForAll("actions") SeccompAction otherwise, @ForAll int arch) {
        List<Bpf.Instruction> program = new SeccompFilter(new TreeSet<>(allowed), otherwise).program();
        for (int nr : allowed) {
            assertEquals(SeccompAction.KILL_PROCESS.value(), BpfInterpreter.run(program, nr | SeccompFilter.X32_SYSCALL_BIT,
                    SeccompFilter.AUDIT_ARCH_X86_64), "x32 call " + nr);
            if (arch != SeccompFilter.AUDIT_ARCH_X86_64) {
                assertEquals(SeccompAction.KILL_PROCESS.value(), BpfInterpreter.run(program, nr, arch), "arch " + arch);
            }
            assertEquals(SeccompAction.KILL_PROCESS.value(), BpfInterpreter.run(program, nr, I386), "i386 call " + nr);
        }
    }

    @Test
    void theProgramStartsWithTheArchitectureCheck() {
        List<Bpf.Instruction> p = SeccompFilter.ofNames(List.of("read"), SeccompAction.KILL_PROCESS).program();
        assertEquals(new Bpf.Instruction(Bpf.LD_W_ABS, 0, 0, SeccompFilter.OFFSET_ARCH), p.get(0));
        assertEquals(new Bpf.Instruction(Bpf.JMP_JEQ_K, 1, 0, SeccompFilter.AUDIT_ARCH_X86_64), p.get(1));
        assertEquals(new Bpf.Instruction(Bpf.RET_K, 0, 0, SeccompAction.KILL_PROCESS.value()), p.get(2));
        assertEquals(new Bpf.Instruction(Bpf.LD_W_ABS, 0, 0, SeccompFilter.OFFSET_NR), p.get(3));
        assertEquals(new Bpf.Instruction(Bpf.JMP_JSET_K, 0, 1, SeccompFilter.X32_SYSCALL_BIT), p.get(4));
    }

    @Test
    void anEmptyListRefusesEverything() {
        List<Bpf.Instruction> p = new SeccompFilter(new TreeSet<>(), SeccompAction.LOG).program();
        assertEquals(SeccompAction.LOG.value(), BpfInterpreter.run(p, 0, SeccompFilter.AUDIT_ARCH_X86_64));
    }

    @Test
    void allowingEverythingOrAnX32NumberIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new SeccompFilter(new TreeSet<>(), SeccompAction.ALLOW));
        assertThrows(IllegalArgumentException.class, () -> new SeccompFilter(new TreeSet<>(Set.of(SeccompFilter.X32_SYSCALL_BIT)),
                SeccompAction.KILL_PROCESS));
        assertThrows(IllegalArgumentException.class, () -> SeccompFilter.ofNames(List.of("nonesuch"), SeccompAction.KILL_PROCESS));
    }

    @Test
    void theActionValuesAreTheKernels() {
        assertEquals(0x80000000, SeccompAction.KILL_PROCESS.value());
        assertEquals(0x00030000, SeccompAction.TRAP.value());
        assertEquals(0x7ffc0000, SeccompAction.LOG.value());
        assertEquals(0x7fff0000, SeccompAction.ALLOW.value());
    }
}
