package dev.kapsel.vmm;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Passes console output through and notices the kernel's panic line ("Kernel panic - not syncing"), so
 * a reset that follows a panic ({@code panic=-1}) is reported as a panic rather than a reboot. Only the
 * last line is kept: memory stays bounded whatever the guest prints.
 */
public final class PanicWatcher extends FilterOutputStream {
    static final String PANIC_LINE = "Kernel panic - not syncing";
    private static final int MAX_LINE = 512;

    private final StringBuilder line = new StringBuilder();
    private volatile String panic;

    public PanicWatcher(OutputStream out) {
        super(out);
    }

    @Override
    public synchronized void write(int b) throws IOException {
        out.write(b);
        if (b == '\n' || b == '\r') {
            check();
            line.setLength(0);
        } else if (line.length() < MAX_LINE) {
            line.append((char) (b & 0xff));
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void check() {
        int at = line.indexOf(PANIC_LINE);
        if (panic == null && at >= 0) {
            panic = line.substring(at).trim();
        }
    }

    /** The panic line the guest printed, or null. */
    public String panicMessage() {
        return panic;
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
