package dev.kapsel.image.layer;

import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The file-system calls layer extraction makes where Java's NIO falls short ({@code lsetxattr} in
 * any namespace, {@code mknod}, and {@code chmod}/{@code lchown}/{@code utimensat} that never open
 * the file), from {@link Libc}, with failures as {@link IOException}s naming the call and the path
 * so extraction reports them like any other I/O error.
 */
final class NativeFiles {
    private NativeFiles() {}

    static final int S_IFIFO = Libc.S_IFIFO;
    static final int S_IFCHR = Libc.S_IFCHR;
    static final int S_IFBLK = Libc.S_IFBLK;

    /** One path call; a failed system call becomes an {@link IOException} with its message. */
    private interface PathCall {
        void run(String path);
    }

    private static void call(Path path, PathCall call) throws IOException {
        try {
            call.run(path.toString());
        } catch (SyscallException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** chmod(2) on a path that is not a symlink (the caller guarantees it). */
    static void chmod(Path path, int mode) throws IOException {
        call(path, p -> Libc.chmod(p, mode));
    }

    static void lchown(Path path, int uid, int gid) throws IOException {
        call(path, p -> Libc.lchown(p, uid, gid));
    }

    static void setModifiedTime(Path path, long epochSecond, int nanos) throws IOException {
        call(path, p -> Libc.setModifiedTimeNoFollow(p, epochSecond, nanos));
    }

    static void lsetxattr(Path path, String name, byte[] value) throws IOException {
        call(path, p -> Libc.lsetxattr(p, name, value));
    }

    static void mknod(Path path, int typeAndMode, long major, long minor) throws IOException {
        call(path, p -> Libc.mknod(p, typeAndMode, major, minor));
    }
}
