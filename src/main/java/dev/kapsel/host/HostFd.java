package dev.kapsel.host;

import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Streams over a host file descriptor this process was given (a pipe from conmon or the shim, or a
 * terminal), read and written with {@code read(2)}/{@code write(2)} so that any kind of descriptor
 * works; the streams never close the descriptor. (Terminal operations on it are
 * {@link dev.kapsel.sys.Terminal}'s.)
 */
public final class HostFd {
    private static final int CHUNK = 16 * 1024;

    private HostFd() {}

    public static InputStream input(int fd) {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) <= 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                if (len == 0) {
                    return 0;
                }
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(Math.min(len, CHUNK));
                    while (true) {
                        try {
                            long n = Libc.read(fd, buf, buf.byteSize());
                            if (n == 0) {
                                return -1;
                            }
                            MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, b, off, (int) n);
                            return (int) n;
                        } catch (SyscallException e) {
                            if (e.errno() == Errno.EINTR || e.errno() == Errno.EAGAIN) {
                                continue;
                            }
                            if (e.errno() == Errno.EIO) {
                                return -1; // a terminal whose other end is closed
                            }
                            throw new IOException("read from fd " + fd + ": " + e.getMessage(), e);
                        }
                    }
                }
            }
        };
    }

    public static OutputStream output(int fd) {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                java.util.Objects.checkFromIndexSize(off, len, b.length);
                try (Arena arena = Arena.ofConfined()) {
                    MemorySegment buf = arena.allocate(Math.max(1, len));
                    MemorySegment.copy(b, off, buf, ValueLayout.JAVA_BYTE, 0, len);
                    long done = 0;
                    while (done < len) {
                        try {
                            done += Libc.write(fd, buf.asSlice(done), len - done);
                        } catch (SyscallException e) {
                            if (e.errno() != Errno.EINTR && e.errno() != Errno.EAGAIN) {
                                throw new IOException("write to fd " + fd + ": " + e.getMessage(), e);
                            }
                        }
                    }
                }
            }
        };
    }
}
