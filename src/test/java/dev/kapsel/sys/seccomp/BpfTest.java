package dev.kapsel.sys.seccomp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link Bpf}: label resolution, the kernel's limits refused at assembly, the wire encoding. */
class BpfTest {
    @Test
    void labelsResolveToForwardOffsetsFromTheNextInstruction() {
        List<Bpf.Instruction> p = new Bpf()
                .loadWord(0)
                .jumpIfEqual(7, "yes", Bpf.NEXT)
                .jumpIfAtLeast(9, Bpf.NEXT, "no")
                .jump("yes")
                .label("no").ret(1)
                .label("yes").ret(2)
                .assemble();
        assertEquals(new Bpf.Instruction(Bpf.JMP_JEQ_K, 3, 0, 7), p.get(1));
        assertEquals(new Bpf.Instruction(Bpf.JMP_JGE_K, 0, 1, 9), p.get(2));
        assertEquals(new Bpf.Instruction(Bpf.JMP_JA, 0, 0, 1), p.get(3));
        assertEquals(2, BpfInterpreter.run(p, 7, 0));
        assertEquals(1, BpfInterpreter.run(p, 8, 0));
        assertEquals(2, BpfInterpreter.run(p, 9, 0));
    }

    @Test
    void whatTheKernelWouldRefuseIsRefusedHere() {
        assertThrows(IllegalStateException.class, () -> new Bpf().label("a").loadWord(0).jumpIfEqual(1, "a", Bpf.NEXT).ret(0).assemble(),
                "backward");
        assertThrows(IllegalStateException.class, () -> new Bpf().jumpIfEqual(1, "nowhere", Bpf.NEXT).ret(0).assemble(), "unplaced");
        assertThrows(IllegalArgumentException.class, () -> new Bpf().label("a").label("a"), "placed twice");
        assertThrows(IllegalStateException.class, () -> new Bpf().loadWord(0).assemble(), "runs off the end");
        assertThrows(IllegalStateException.class, () -> new Bpf().assemble(), "empty");
        Bpf far = new Bpf().jumpIfEqual(1, "far", Bpf.NEXT);
        for (int i = 0; i < 256; i++) {
            far.ret(0);
        }
        assertThrows(IllegalStateException.class, () -> far.label("far").ret(1).assemble(), "a conditional jump past 255");
        Bpf near = new Bpf().jumpIfEqual(1, "near", Bpf.NEXT);
        for (int i = 0; i < 255; i++) {
            near.ret(0);
        }
        assertEquals(255, near.label("near").ret(1).assemble().get(0).jt());
        Bpf huge = new Bpf();
        for (int i = 0; i <= Bpf.MAX_INSTRUCTIONS; i++) {
            huge.ret(0);
        }
        assertThrows(IllegalStateException.class, huge::assemble, "longer than BPF_MAXINSNS");
        assertTrue(new Bpf().jump("x").label("x").ret(0).assemble().size() == 2);
    }

    @Test
    void encodingIsStructSockFilterLittleEndian() {
        byte[] b = Bpf.encode(List.of(new Bpf.Instruction(0x15, 1, 2, 0xC000003E)));
        assertArrayEquals(new byte[] {0x15, 0, 1, 2, 0x3E, 0, 0, (byte) 0xC0}, b);
    }
}
