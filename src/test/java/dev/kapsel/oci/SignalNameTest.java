package dev.kapsel.oci;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class SignalNameTest {
    @Test
    void namesWithAndWithoutPrefixAndNumbers() {
        assertEquals(15, SignalName.parse("TERM"));
        assertEquals(15, SignalName.parse("SIGTERM"));
        assertEquals(15, SignalName.parse("sigterm"));
        assertEquals(15, SignalName.parse("15"));
        assertEquals(9, SignalName.parse("KILL"));
        assertEquals(1, SignalName.parse("SIGHUP"));
        assertEquals(28, SignalName.parse("WINCH"));
        assertEquals(19, SignalName.parse("STOP"));
        assertEquals(34, SignalName.parse("RTMIN"));
        assertEquals(35, SignalName.parse("SIGRTMIN+1"));
        assertEquals(62, SignalName.parse("RTMAX-2"));
    }

    @Test
    void rejectsUnknownNamesAndOutOfRangeNumbers() {
        for (String bad : new String[] {"", "FOO", "SIG", "0", "65", "-1", "1000000000000", "RTMIN+40", "RTMAX-x"}) {
            InvalidSignalException e = assertThrows(InvalidSignalException.class, () -> SignalName.parse(bad), bad);
            assertEquals(true, e.getMessage().contains("unknown signal"));
        }
    }

    @Property
    void everyNumberRoundTripsThroughItsName(@ForAll @IntRange(min = 1, max = 64) int signal) {
        assertEquals(signal, SignalName.parse(String.valueOf(signal)));
        if (signal != 32 && signal != 33) { // glibc reserves these; they have no name
            assertEquals(signal, SignalName.parse(SignalName.name(signal)));
        }
    }

    @Test
    void zeroIsTheProbeOnlyWhereAsked() {
        assertEquals(0, SignalName.parseOrProbe("0"));
        assertEquals(15, SignalName.parseOrProbe("TERM"));
        assertEquals(9, SignalName.parseOrProbe("9"));
        assertThrows(InvalidSignalException.class, () -> SignalName.parse("0"));
        assertThrows(InvalidSignalException.class, () -> SignalName.parseOrProbe("SIG0"));
    }
}
