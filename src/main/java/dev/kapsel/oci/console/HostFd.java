package dev.kapsel.oci.console;

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
 * works; the streams never close the descriptor. Also the terminal operations a VM's console end
 * needs: the window size and raw mode.
 */
public final class HostFd {
    static final long TCGETS = 0x5401;
    static final long TCSETS = 0x5402;
    static final long TIOCGWINSZ = 0x5413;
    /** sizeof(struct termios) on x86-64 (kernel layout: four flags, line, 19 control characters). */
    static final int TERMIOS_SIZE = 36;
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

    /** The terminal's size as {@code {rows, cols}}, or null when {@code fd} is not a terminal. */
    public static int[] windowSize(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(8);
            Libc.ioctl(fd, TIOCGWINSZ, ws);
            return new int[] {Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 0)), Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2))};
        } catch (SyscallException e) {
            return null;
        }
    }

    /**
     * Puts the terminal on {@code fd} into raw mode, as cfmakeraw(3) does: the line discipline that
     * counts is the one on the other side (the guest's terminal), so this end must pass bytes through.
     */
    public static void makeRaw(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(TERMIOS_SIZE);
            Libc.ioctl(fd, TCGETS, t);
            int iflag = t.get(ValueLayout.JAVA_INT, 0);
            int oflag = t.get(ValueLayout.JAVA_INT, 4);
            int cflag = t.get(ValueLayout.JAVA_INT, 8);
            int lflag = t.get(ValueLayout.JAVA_INT, 12);
            // IGNBRK BRKINT PARMRK ISTRIP INLCR IGNCR ICRNL IXON; OPOST; ECHO ECHONL ICANON ISIG IEXTEN; CSIZE PARENB
            iflag &= ~(0x001 | 0x002 | 0x008 | 0x020 | 0x040 | 0x080 | 0x100 | 0x400);
            oflag &= ~0x1;
            lflag &= ~(0x008 | 0x040 | 0x002 | 0x001 | 0x8000);
            cflag = (cflag & ~(0x30 | 0x100)) | 0x30; // CS8
            t.set(ValueLayout.JAVA_INT, 0, iflag);
            t.set(ValueLayout.JAVA_INT, 4, oflag);
            t.set(ValueLayout.JAVA_INT, 8, cflag);
            t.set(ValueLayout.JAVA_INT, 12, lflag);
            t.set(ValueLayout.JAVA_BYTE, 17 + 6, (byte) 1); // VMIN
            t.set(ValueLayout.JAVA_BYTE, 17 + 5, (byte) 0); // VTIME
            Libc.ioctl(fd, TCSETS, t);
        }
    }
}
