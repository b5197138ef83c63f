package dev.kapsel.sys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FdStreamsTest {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @TempDir
    Path dir;

    /** Both ends of a FIFO, non-blocking: reads of an empty one and writes to a full one give EAGAIN. */
    private int[] nonBlockingFifo() {
        Path fifo = dir.resolve("fifo");
        Libc.mkfifo(fifo.toString(), 0600);
        int read = Libc.open(fifo.toString(), Libc.O_RDONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        int write = Libc.open(fifo.toString(), Libc.O_WRONLY | Libc.O_NONBLOCK | Libc.O_CLOEXEC, 0);
        return new int[] {read, write};
    }

    @Test
    void aReadThatWouldBlockWaitsInPollInsteadOfSpinning() throws Exception {
        int[] fifo = nonBlockingFifo();
        try {
            CompletableFuture<long[]> reader = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    byte[] b = new byte[16];
                    int n = FdStreams.input(fifo[0]).read(b);
                    reader.complete(new long[] {n, b[0], THREADS.getCurrentThreadCpuTime() - cpu});
                } catch (Throwable e) {
                    reader.completeExceptionally(e);
                }
            });
            Thread.sleep(300);
            assertTrue(t.isAlive(), "the reader waits while the FIFO is empty");
            FdStreams.output(fifo[1]).write(42);
            long[] got = reader.get(10, TimeUnit.SECONDS);
            assertEquals(1, got[0]);
            assertEquals(42, got[1]);
            // Spinning on EAGAIN for 300 ms costs about 300 ms of CPU; waiting in poll costs almost none.
            assertTrue(got[2] < 100_000_000L, "the reader used " + got[2] / 1_000_000 + " ms of CPU while it waited");
        } finally {
            Libc.close(fifo[0]);
            Libc.close(fifo[1]);
        }
    }

    @Test
    void aWriteToAFullPipeWaitsForRoomAndLosesNothing() throws Exception {
        int[] fifo = nonBlockingFifo();
        try {
            byte[] data = new byte[1 << 20]; // far more than the 64 KiB a pipe holds
            new Random(3).nextBytes(data);
            CompletableFuture<Long> writer = new CompletableFuture<>();
            Thread.ofPlatform().start(() -> {
                try {
                    long cpu = THREADS.getCurrentThreadCpuTime();
                    OutputStream out = FdStreams.output(fifo[1]);
                    out.write(data);
                    writer.complete(THREADS.getCurrentThreadCpuTime() - cpu);
                } catch (Throwable e) {
                    writer.completeExceptionally(e);
                }
            });
            Thread.sleep(300); // the writer fills the pipe and waits
            InputStream in = FdStreams.input(fifo[0]);
            byte[] got = new byte[data.length];
            int at = 0;
            while (at < got.length) {
                int n = in.read(got, at, got.length - at);
                assertTrue(n > 0);
                at += n;
            }
            assertArrayEquals(data, got);
            long cpu = writer.get(10, TimeUnit.SECONDS);
            assertTrue(cpu < 150_000_000L, "the writer used " + cpu / 1_000_000 + " ms of CPU");
        } finally {
            Libc.close(fifo[0]);
            Libc.close(fifo[1]);
        }
    }
}
