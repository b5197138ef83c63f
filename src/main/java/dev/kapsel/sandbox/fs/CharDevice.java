package dev.kapsel.sandbox.fs;

import java.security.SecureRandom;
import java.util.Arrays;

/** /dev/null, /dev/zero, /dev/full and /dev/urandom, served by the kernel. */
public final class CharDevice extends Node {
    public enum Kind { NULL(1, 3), ZERO(1, 5), FULL(1, 7), RANDOM(1, 8), URANDOM(1, 9);
        final int major, minor;
        Kind(int major, int minor) {
            this.major = major;
            this.minor = minor;
        }
    }

    private static final SecureRandom RANDOM = new SecureRandom();
    private final Kind kind;

    public CharDevice(Kind kind) {
        this.kind = kind;
    }

    @Override
    public Stat stat() {
        return new Stat(6, ino(), S_IFCHR | 0666, 1, 0, 0, ((long) kind.major << 8) | kind.minor, 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        return new OpenFile() {
            private int status = flags;

            @Override
            public Node node() {
                return CharDevice.this;
            }

            @Override
            public int read(byte[] buf, int length) {
                switch (kind) {
                    case NULL -> {
                        return 0;
                    }
                    case ZERO, FULL -> Arrays.fill(buf, 0, length, (byte) 0);
                    default -> {
                        byte[] r = new byte[length];
                        RANDOM.nextBytes(r);
                        System.arraycopy(r, 0, buf, 0, length);
                    }
                }
                return length;
            }

            @Override
            public int pread(byte[] buf, int length, long position) {
                return read(buf, length);
            }

            @Override
            public int write(byte[] buf, int offset, int length) {
                if (kind == Kind.FULL) {
                    throw new dev.kapsel.sandbox.ErrnoException(dev.kapsel.sys.Errno.ENOSPC);
                }
                return length;
            }

            @Override
            public int pwrite(byte[] buf, int length, long position) {
                return write(buf, 0, length);
            }

            @Override
            public long seek(long offset, int whence) {
                return 0;
            }

            @Override
            public int statusFlags() {
                return status;
            }

            @Override
            public void setStatusFlags(int f) {
                status = f;
            }
        };
    }

    /** Fills {@code out} with random bytes (getrandom). */
    public static void random(byte[] out) {
        RANDOM.nextBytes(out);
    }
}
