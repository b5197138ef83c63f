package dev.kapsel.sys;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;

/**
 * read(2) and write(2) on a descriptor that may be interrupted by signals or be non-blocking,
 * written once: EINTR is retried, and EAGAIN waits in poll(2) until the descriptor is ready
 * instead of retrying at once (which on a non-blocking descriptor would spin a core).
 */
public final class FdStreams {
    /** Size of the native buffer each stream keeps: one read or write moves at most this much. */
    private static final int CHUNK = 16 * 1024;

    private FdStreams() {}

    /** Reads up to {@code count} bytes into {@code buffer}; 0 only at end of file. */
    public static long read(int fd, MemorySegment buffer, long count) {
        while (true) {
            long n = Libc.readRaw(fd, buffer, count);
            if (n >= 0) {
                return n;
            }
            int errno = (int) -n;
            if (errno == Errno.EAGAIN) {
                Poll.ready(fd, Poll.POLLIN, -1);
            } else if (errno != Errno.EINTR) {
                throw new SyscallException("read", errno);
            }
        }
    }

    /** Writes all {@code count} bytes of {@code buffer}. */
    public static void writeFully(int fd, MemorySegment buffer, long count) {
        long done = 0;
        while (done < count) {
            try {
                done += Libc.write(fd, buffer.asSlice(done), count - done);
            } catch (SyscallException e) {
                if (e.errno() == Errno.EAGAIN) {
                    Poll.ready(fd, Poll.POLLOUT, -1);
                } else if (e.errno() != Errno.EINTR) {
                    throw e;
                }
            }
        }
    }

    /**
     * An input stream over {@code fd} (a pipe, a file, a terminal), with one native buffer for its
     * life. It never closes the descriptor. EIO reads as end of file: what a terminal's master gives
     * once the other end is closed.
     */
    public static InputStream input(int fd) {
        return new InputStream() {
            private final MemorySegment buffer = Arena.ofAuto().allocate(CHUNK);

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public synchronized int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                try {
                    int n = (int) FdStreams.read(fd, buffer, Math.min(len, CHUNK));
                    if (n == 0) {
                        return -1;
                    }
                    MemorySegment.copy(buffer, ValueLayout.JAVA_BYTE, 0, b, off, n);
                    return n;
                } catch (SyscallException e) {
                    if (e.errno() == Errno.EIO) {
                        return -1;
                    }
                    throw new IOException("read from fd " + fd + ": " + e.getMessage(), e);
                }
            }
        };
    }

    /** An output stream over {@code fd}, with one native buffer for its life; it never closes the descriptor. */
    public static OutputStream output(int fd) {
        return new OutputStream() {
            private final MemorySegment buffer = Arena.ofAuto().allocate(CHUNK);

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public synchronized void write(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                try {
                    for (int done = 0; done < len; ) {
                        int n = Math.min(len - done, CHUNK);
                        MemorySegment.copy(b, off + done, buffer, ValueLayout.JAVA_BYTE, 0, n);
                        writeFully(fd, buffer, n);
                        done += n;
                    }
                } catch (SyscallException e) {
                    throw new IOException("write to fd " + fd + ": " + e.getMessage(), e);
                }
            }
        };
    }
}
