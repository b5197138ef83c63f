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
    void ignoresOrdinaryOutput() throws Exception {
        PanicWatcher w = new PanicWatcher(new ByteArrayOutputStream());
        byte[] text = PanicWatcher.bytes("Kernel: all fine\nnot syncing\r\n");
        w.write(text, 0, text.length);
        assertNull(w.panicMessage());
    }

    @Test
    void detectionResumesOnTheLineAfterAnOverlongOne() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PanicWatcher w = new PanicWatcher(sink);
        // memory stays bounded: the tail of a 100,000-byte line is not kept ...
        byte[] longLine = PanicWatcher.bytes("x".repeat(100_000) + " Kernel panic - not syncing: lost\n");
        w.write(longLine, 0, longLine.length);
        assertNull(w.panicMessage());
        // ... but the next line is read from its start
        byte[] next = PanicWatcher.bytes("[    2.0] Kernel panic - not syncing: VFS: Unable to mount root fs\n");
        w.write(next, 0, next.length);
        assertEquals("Kernel panic - not syncing: VFS: Unable to mount root fs", w.panicMessage());
        assertEquals(longLine.length + next.length, sink.size(), "everything passes through");
    }
}
