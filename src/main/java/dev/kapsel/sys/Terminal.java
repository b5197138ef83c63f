package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The terminal operations kapsel performs on host descriptors, over the kernel's own structures
 * (x86-64): {@code struct termios} as TCGETS/TCSETS see it (four flag words, the line discipline,
 * 19 control characters) and {@code struct winsize}.
 */
public final class Terminal {
    public static final long TCGETS = 0x5401;
    public static final long TCSETS = 0x5402;
    public static final long TIOCGWINSZ = 0x5413;
    /** sizeof(struct termios) as the kernel copies it for TCGETS (not glibc's larger struct). */
    public static final int TERMIOS_SIZE = 36;
    /** sizeof(struct winsize): rows, columns, x and y pixels, 16 bits each. */
    public static final int WINSIZE_SIZE = 8;

    private Terminal() {}

    /** Whether {@code fd} is a terminal: TCGETS succeeds on it. */
    public static boolean isTerminal(int fd) {
        return attributes(fd) != null;
    }

    /** The terminal's attributes ({@code struct termios} as TCGETS returns it), or null when {@code fd} is not a terminal. */
    public static byte[] attributes(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment t = arena.allocate(TERMIOS_SIZE);
            Libc.ioctl(fd, TCGETS, t);
            return t.toArray(ValueLayout.JAVA_BYTE);
        } catch (SyscallException e) {
            return null;
        }
    }

    /** Sets attributes {@link #attributes} returned (TCSETS: at once). */
    public static void setAttributes(int fd, byte[] termios) {
        if (termios.length != TERMIOS_SIZE) {
            throw new IllegalArgumentException("termios must be " + TERMIOS_SIZE + " bytes, not " + termios.length);
        }
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(fd, TCSETS, arena.allocateFrom(ValueLayout.JAVA_BYTE, termios));
        }
    }

    /** The terminal's size as {@code {rows, cols}}, or null when {@code fd} is not a terminal. */
    public static int[] windowSize(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(WINSIZE_SIZE);
            Libc.ioctl(fd, TIOCGWINSZ, ws);
            return new int[] {Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 0)), Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, 2))};
        } catch (SyscallException e) {
            return null;
        }
    }

    /**
     * Puts the terminal on {@code fd} into raw mode, as cfmakeraw(3) does: bytes pass through
     * unchanged (no echo, no line editing, no signals from keys, no output processing).
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
