package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Optional;

/**
 * The terminal operations kapsel performs on host descriptors, over the kernel's own structures
 * (x86-64): {@code struct termios} as TCGETS/TCSETS see it (four flag words, the line discipline,
 * 19 control characters) and {@code struct winsize}; and the pseudo-terminal ioctls of
 * {@code /dev/ptmx} (pts(4)).
 */
public final class Terminal {
    public static final long TCGETS = 0x5401;
    public static final long TCSETS = 0x5402;
    public static final long TIOCGWINSZ = 0x5413;
    public static final long TIOCSCTTY = 0x540E;
    /** The number N of a master's slave, {@code /dev/pts/N}. */
    public static final long TIOCGPTN = Ioctl.ior('T', 0x30, 4);
    /** Locks (1) or unlocks (0) a master's slave; it starts locked. */
    public static final long TIOCSPTLCK = Ioctl.iow('T', 0x31, 4);
    /** sizeof(struct termios) as the kernel copies it for TCGETS (not glibc's larger struct). */
    public static final int TERMIOS_SIZE = 36;
    /** sizeof(struct winsize): rows, columns, x and y pixels, 16 bits each. */
    public static final int WINSIZE_SIZE = 8;
    public static final long WINSIZE_ROW = 0;
    public static final long WINSIZE_COL = 2;

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

    /** The terminal's size, or empty when {@code fd} is not a terminal. */
    public static Optional<WindowSize> windowSize(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment ws = arena.allocate(WINSIZE_SIZE);
            Libc.ioctl(fd, TIOCGWINSZ, ws);
            return Optional.of(new WindowSize(Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, WINSIZE_ROW)),
                    Short.toUnsignedInt(ws.get(ValueLayout.JAVA_SHORT, WINSIZE_COL))));
        } catch (SyscallException e) {
            return Optional.empty();
        }
    }

    /** unlockpt(3): lets the slave of pseudo-terminal master {@code master} be opened. */
    public static void unlockSlave(int master) {
        try (Arena arena = Arena.ofConfined()) {
            Libc.ioctl(master, TIOCSPTLCK, arena.allocateFrom(ValueLayout.JAVA_INT, 0));
        }
    }

    /** ptsname(3): the path of the slave of pseudo-terminal master {@code master}. */
    public static String slavePath(int master) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment number = arena.allocate(ValueLayout.JAVA_INT);
            Libc.ioctl(master, TIOCGPTN, number);
            return "/dev/pts/" + number.get(ValueLayout.JAVA_INT, 0);
        }
    }

    /** Makes the terminal on {@code fd} the controlling terminal of this process, a session leader without one. */
    public static void makeControlling(int fd) {
        Libc.ioctl(fd, TIOCSCTTY, 0);
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
