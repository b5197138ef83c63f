package dev.kapsel.vmm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.ByteArrayOutputStream;
import org.junit.jupiter.api.Test;

class PanicWatcherTest {
    @Test
    void passesOutputThroughAndCatchesThePanicLine() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PanicWatcher w = new PanicWatcher(sink);
        byte[] text = PanicWatcher.bytes("booting\r\n[    1.2] Kernel panic - not syncing: Attempted to kill init! exitcode=0x100\r\n");
        w.write(text, 0, text.length);
        assertArrayEquals(text, sink.toByteArray());
        assertEquals("Kernel panic - not syncing: Attempted to kill init! exitcode=0x100", w.panicMessage());
    }

    @Test
    void ignoresOrdinaryOutputAndBoundsLongLines() throws Exception {
        PanicWatcher w = new PanicWatcher(new ByteArrayOutputStream());
        byte[] text = PanicWatcher.bytes("x".repeat(100_000) + " Kernel panic - not syncing\n" + "all fine\n");
        w.write(text, 0, text.length);
        assertNull(w.panicMessage());
    }
}
