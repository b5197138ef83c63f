package dev.kapsel.devices.virtio.fs;

import dev.kapsel.memory.LittleEndian;
import dev.kapsel.sys.Errno;
import java.util.Arrays;

/**
 * The argument block of one request (what follows {@code struct fuse_in_header}), read front to back.
 * Every read is checked against the bytes the guest actually sent: a short block is EINVAL, never a
 * read past the end. Names are checked to be one path component.
 */
final class FuseArgs {
    /** NAME_MAX: the longest name a Linux file system takes. */
    static final int NAME_MAX = 255;
    /** PATH_MAX: the longest symlink target. */
    static final int PATH_MAX = 4096;

    private final byte[] bytes;
    private final int length;
    private int at;

    FuseArgs(byte[] bytes, int length) {
        this.bytes = bytes;
        this.length = length;
    }

    int remaining() {
        return length - at;
    }

    private void need(int n) throws FuseError {
        if (n < 0 || n > length - at) {
            throw new FuseError(Errno.EINVAL);
        }
    }

    int u32() throws FuseError {
        need(4);
        int v = LittleEndian.get32(bytes, at);
        at += 4;
        return v;
    }

    long u64() throws FuseError {
        need(8);
        long v = LittleEndian.get64(bytes, at);
        at += 8;
        return v;
    }

    /** Skips to the end of a fixed-size struct of {@code size} bytes that started at {@code start}. */
    void skipTo(int start, int size) throws FuseError {
        int end = start + size;
        if (end > length || end < at) {
            throw new FuseError(Errno.EINVAL);
        }
        at = end;
    }

    int position() {
        return at;
    }

    /** The next NUL-terminated byte string, at most {@code max} bytes before the NUL. */
    byte[] string(int max) throws FuseError {
        int end = at;
        while (end < length && bytes[end] != 0) {
            end++;
        }
        if (end == length) {
            throw new FuseError(Errno.EINVAL);
        }
        if (end - at > max) {
            throw new FuseError(Errno.ENAMETOOLONG);
        }
        byte[] s = Arrays.copyOfRange(bytes, at, end);
        at = end + 1;
        return s;
    }

    /**
     * The next name: one path component, so that resolving it beneath a directory handle can never
     * name anything but an entry of that directory. Empty, ".", "..", or containing '/' is EINVAL.
     */
    byte[] name() throws FuseError {
        byte[] n = string(NAME_MAX);
        if (!isComponent(n)) {
            throw new FuseError(Errno.EINVAL);
        }
        return n;
    }

    static boolean isComponent(byte[] n) {
        if (n.length == 0 || (n.length == 1 && n[0] == '.') || (n.length == 2 && n[0] == '.' && n[1] == '.')) {
            return false;
        }
        for (byte b : n) {
            if (b == '/' || b == 0) {
                return false;
            }
        }
        return true;
    }

    /** The rest of the block, at most {@code n} bytes of it: an xattr value. */
    byte[] bytes(int n) throws FuseError {
        need(n);
        byte[] b = Arrays.copyOfRange(bytes, at, at + n);
        at += n;
        return b;
    }
}
