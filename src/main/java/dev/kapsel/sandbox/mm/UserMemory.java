package dev.kapsel.sandbox.mm;

import static dev.kapsel.sandbox.machine.KernelLayout.PAGE_SIZE;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;

/**
 * Copies between the Java kernel and the program's virtual memory, page by page through its page
 * table, with the checks of Linux's copy_to_user/copy_from_user: an address outside the program's
 * areas or without the needed permission fails with EFAULT.
 */
public final class UserMemory {
    public static final int PATH_MAX = 4096;

    private AddressSpace space;
    private final GuestMemory memory;

    public UserMemory(AddressSpace space, GuestMemory memory) {
        this.space = space;
        this.memory = memory;
    }

    public AddressSpace space() {
        return space;
    }

    /** After execve the program has a new address space. */
    public void setSpace(AddressSpace space) {
        this.space = space;
    }

    /** Checks that {@code [va, va+length)} could be written (or read) by the program, populating it. */
    public void check(long va, long length, boolean write) {
        if (length < 0 || (length > 0 && (va < 0 || va + length < va))) {
            throw new ErrnoException(Errno.EFAULT);
        }
        if (length > 0) {
            space.checkAccess(va, length, write);
        }
    }

    public void read(long va, byte[] dst, int offset, int length) {
        check(va, length, false);
        int done = 0;
        while (done < length) {
            long a = va + done;
            int chunk = (int) Math.min(length - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
            memory.read(space.physicalFor(a, false), dst, offset + done, chunk);
            done += chunk;
        }
    }

    public byte[] read(long va, int length) {
        if (length < 0) {
            throw new ErrnoException(Errno.EFAULT);
        }
        byte[] out = new byte[length];
        read(va, out, 0, length);
        return out;
    }

    public void write(long va, byte[] src, int offset, int length) {
        check(va, length, true);
        int done = 0;
        while (done < length) {
            long a = va + done;
            int chunk = (int) Math.min(length - done, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
            memory.write(space.physicalFor(a, true), src, offset + done, chunk);
            done += chunk;
        }
    }

    public void write(long va, byte[] src) {
        write(va, src, 0, src.length);
    }

    public long readU64(long va) {
        byte[] b = read(va, 8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (b[i] & 0xff);
        }
        return v;
    }

    public int readU32(long va) {
        byte[] b = read(va, 4);
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    }

    public void writeU64(long va, long v) {
        byte[] b = new byte[8];
        for (int i = 0; i < 8; i++) {
            b[i] = (byte) (v >>> (8 * i));
        }
        write(va, b);
    }

    public void writeU32(long va, int v) {
        write(va, new byte[] {(byte) v, (byte) (v >>> 8), (byte) (v >>> 16), (byte) (v >>> 24)});
    }

    /** A NUL-terminated string of at most {@code max} bytes (ENAMETOOLONG beyond). */
    public String readCString(long va, int max) {
        byte[] buf = new byte[Math.min(max, 256)];
        int n = 0;
        while (true) {
            if (n == max) {
                throw new ErrnoException(Errno.ENAMETOOLONG);
            }
            long a = va + n;
            if (a < va) {
                throw new ErrnoException(Errno.EFAULT);
            }
            long phys = space.physicalFor(a, false);
            int chunk = (int) Math.min(max - n, PAGE_SIZE - (a & (PAGE_SIZE - 1)));
            for (int i = 0; i < chunk; i++) {
                int c = memory.readU8(phys + i);
                if (c == 0) {
                    return new String(buf, 0, n, StandardCharsets.UTF_8);
                }
                if (n == buf.length) {
                    buf = java.util.Arrays.copyOf(buf, Math.min(max, buf.length * 2));
                }
                buf[n++] = (byte) c;
            }
        }
    }

    public String readPath(long va) {
        return readCString(va, PATH_MAX);
    }
}
