package dev.kapsel.sys;

/**
 * Computes ioctl request numbers the way the kernel's {@code _IO/_IOR/_IOW/_IOWR} macros do
 * (asm-generic/ioctl.h). It exists because there is no C preprocessor between Java and the kernel;
 * tests check the results against numbers printed by a C program compiled with the real headers.
 */
public final class Ioctl {
    private Ioctl() {}

    private static final int NRBITS = 8;
    private static final int TYPEBITS = 8;
    private static final int SIZEBITS = 14;
    private static final int NRSHIFT = 0;
    private static final int TYPESHIFT = NRSHIFT + NRBITS;
    private static final int SIZESHIFT = TYPESHIFT + TYPEBITS;
    private static final int DIRSHIFT = SIZESHIFT + SIZEBITS;
    private static final int NONE = 0;
    private static final int WRITE = 1;
    private static final int READ = 2;

    private static long ioc(int dir, int type, int nr, long size) {
        if (size >= (1 << SIZEBITS)) {
            throw new IllegalArgumentException("ioctl argument size too large: " + size);
        }
        return ((long) dir << DIRSHIFT) | ((long) type << TYPESHIFT) | ((long) nr << NRSHIFT) | (size << SIZESHIFT);
    }

    public static long io(int type, int nr) {
        return ioc(NONE, type, nr, 0);
    }

    public static long ior(int type, int nr, long size) {
        return ioc(READ, type, nr, size);
    }

    public static long iow(int type, int nr, long size) {
        return ioc(WRITE, type, nr, size);
    }

    public static long iowr(int type, int nr, long size) {
        return ioc(READ | WRITE, type, nr, size);
    }
}
