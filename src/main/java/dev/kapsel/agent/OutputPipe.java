package dev.kapsel.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayDeque;

/**
 * The host end of one of a process's output streams: the connection's reader thread puts STDOUT or
 * STDERR payloads in, the user reads them out. Holds at most {@code capacity} bytes; a writer that
 * would exceed it waits, which stops the reader thread and so, through the socket, the agent.
 */
final class OutputPipe extends InputStream {
    private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
    private final long capacity;
    private long buffered;
    private int headOffset;
    private boolean ended;
    private IOException failure;

    OutputPipe(long capacity) {
        this.capacity = capacity;
    }

    synchronized void put(byte[] data) throws InterruptedException {
        while (buffered > 0 && buffered + data.length > capacity && !ended) {
            wait();
        }
        if (ended || data.length == 0) {
            return;
        }
        chunks.add(data);
        buffered += data.length;
        notifyAll();
    }

    /** No more data: readers get EOF once the buffer is empty. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** The connection broke: readers get this once the buffer is empty. */
    synchronized void fail(IOException e) {
        if (!ended) {
            failure = e;
            ended = true;
        }
        notifyAll();
    }

    @Override
    public synchronized int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        while (chunks.isEmpty()) {
            if (ended) {
                if (failure != null) {
                    throw failure;
                }
                return -1;
            }
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for process output");
            }
        }
        int n = 0;
        while (n < len && !chunks.isEmpty()) {
            byte[] head = chunks.peek();
            int take = Math.min(len - n, head.length - headOffset);
            System.arraycopy(head, headOffset, b, off + n, take);
            n += take;
            headOffset += take;
            if (headOffset == head.length) {
                chunks.remove();
                headOffset = 0;
            }
        }
        buffered -= n;
        notifyAll();
        return n;
    }

    @Override
    public synchronized int available() {
        return (int) Math.min(Integer.MAX_VALUE, buffered);
    }

    /** Reading stops here: buffered and future data are dropped so the reader thread never waits on us. */
    @Override
    public synchronized void close() {
        chunks.clear();
        buffered = 0;
        headOffset = 0;
        ended = true;
        failure = null;
        notifyAll();
    }
}
