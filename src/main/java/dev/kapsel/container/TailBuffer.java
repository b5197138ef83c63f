package dev.kapsel.container;

import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** Keeps the last bytes written to it (a guest console), bounded, for error messages. */
final class TailBuffer extends OutputStream {
    private final byte[] ring;
    private long written;

    TailBuffer(int capacity) {
        this.ring = new byte[capacity];
    }

    @Override
    public synchronized void write(int b) {
        ring[(int) (written++ % ring.length)] = (byte) b;
    }

    synchronized String tail() {
        int n = (int) Math.min(written, ring.length);
        byte[] out = new byte[n];
        for (int i = 0; i < n; i++) {
            out[i] = ring[(int) ((written - n + i) % ring.length)];
        }
        return new String(out, StandardCharsets.UTF_8);
    }

    String describeTail() {
        String t = tail().strip();
        return t.isEmpty() ? "" : "\nguest console (last lines):\n" + t;
    }
}
