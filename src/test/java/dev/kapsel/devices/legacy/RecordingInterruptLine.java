package dev.kapsel.devices.legacy;

import dev.kapsel.bus.InterruptLine;
import java.util.concurrent.atomic.AtomicInteger;

/** An interrupt line that counts its edges. */
final class RecordingInterruptLine implements InterruptLine {
    private final AtomicInteger edges = new AtomicInteger();

    @Override
    public void trigger() {
        edges.incrementAndGet();
    }

    int edges() {
        return edges.get();
    }
}
