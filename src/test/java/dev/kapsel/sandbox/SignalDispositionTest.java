package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The typed signal dispositions and alternate stacks read their flags as Linux defines them. */
class SignalDispositionTest {
    @Test
    void sigActionFlagsAreTheKernelsBits() {
        SigAction nocldwait = new SigAction(0x1000, 2, 0, 0);
        assertTrue(nocldwait.noChildWait());
        assertFalse(nocldwait.ignored() || nocldwait.restartsCalls() || nocldwait.noDefer());
        SigAction all = new SigAction(Signals.SIG_IGN, 0x10000000 | 0x08000000 | 0x40000000 | 0x80000000L, 0x2000, 5);
        assertTrue(all.ignored() && all.restartsCalls() && all.onAltStack() && all.noDefer() && all.resetsToDefault());
        assertFalse(all.noChildWait());
    }

    @Test
    void altStackContainsItsTopButNotItsBase() {
        AltStack s = new AltStack(0x10000, 0x2000, false);
        assertFalse(s.contains(0x10000), "sp == base is below the stack: it grows down into base");
        assertTrue(s.contains(0x10001));
        assertTrue(s.contains(0x12000));
        assertFalse(s.contains(0x12001));
        assertEquals(0x12000, s.top());
        assertEquals(AltStack.SS_ONSTACK, s.flags(0x11000));
        assertEquals(0, s.flags(0x20000));
        assertEquals(AltStack.SS_DISABLE, AltStack.DISABLED.flags(0));
        assertFalse(new AltStack(0x10000, 0x2000, true).contains(0x11000));
    }
}
