package dev.kapsel.vmm;

import dev.kapsel.devices.legacy.Serial16550;
import java.io.IOException;
import java.io.InputStream;

/**
 * Feeds the host's stdin to the guest's serial port on a daemon thread, waiting while the UART's
 * bounded receive FIFO is full, so typed or piped input is never dropped.
 */
public final class ConsoleInput {
    private ConsoleInput() {}

    public static Thread start(InputStream in, Serial16550 serial) {
        Thread t = Thread.ofPlatform().daemon().name("console-input").unstarted(() -> pump(in, serial));
        t.start();
        return t;
    }

    static void pump(InputStream in, Serial16550 serial) {
        byte[] buf = new byte[256];
        try {
            int n;
            while ((n = in.read(buf)) > 0) {
                int off = 0;
                while (off < n) {
                    serial.awaitInputRoom();
                    off += serial.enqueueInput(buf, off, n - off);
                }
            }
        } catch (IOException | InterruptedException e) {
            // stdin closed or the VM is going away: nothing more to feed.
        }
    }
}
