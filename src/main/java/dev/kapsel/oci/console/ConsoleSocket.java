package dev.kapsel.oci.console;

import dev.kapsel.sys.Libc;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The engine's {@code --console-socket}: a Unix stream socket to which the runtime sends the
 * terminal's master descriptor in one {@code sendmsg} with {@code SCM_RIGHTS}, the terminal's name
 * as the data, as runc does (conmon and containerd's shim receive it this way).
 */
public final class ConsoleSocket {
    /** {@code sizeof(sockaddr_un.sun_path)}, including the terminating NUL. */
    static final int SUN_PATH = 108;

    private ConsoleSocket() {}

    public static void sendMaster(String socketPath, int masterFd, String name) {
        byte[] path = socketPath.getBytes(StandardCharsets.UTF_8);
        if (path.length >= SUN_PATH) {
            throw new IllegalArgumentException("console socket path is longer than " + (SUN_PATH - 1) + " bytes: " + socketPath);
        }
        int fd = Libc.socket(Libc.AF_UNIX, Libc.SOCK_STREAM | Libc.SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(2 + SUN_PATH);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) Libc.AF_UNIX);
            MemorySegment.copy(path, 0, address, ValueLayout.JAVA_BYTE, 2, path.length);
            Libc.connect(fd, address);
            Libc.sendmsg(fd, message(arena, masterFd, name.getBytes(StandardCharsets.UTF_8)), 0);
        } finally {
            Libc.close(fd);
        }
    }

    /**
     * A {@code struct msghdr} (56 bytes on x86-64: name, namelen, iov, iovlen, control, controllen,
     * flags) with one iovec holding {@code data} and one {@code SCM_RIGHTS} control message of one fd.
     */
    static MemorySegment message(Arena arena, int fd, byte[] data) {
        MemorySegment payload = arena.allocate(Math.max(1, data.length));
        MemorySegment.copy(data, 0, payload, ValueLayout.JAVA_BYTE, 0, data.length);
        MemorySegment iov = arena.allocate(16, 8);
        iov.set(ValueLayout.JAVA_LONG, 0, payload.address());
        iov.set(ValueLayout.JAVA_LONG, 8, Math.max(1, data.length));
        // cmsghdr: cmsg_len (size_t) = CMSG_LEN(4) = 20, cmsg_level, cmsg_type, then the fd; CMSG_SPACE(4) = 24.
        MemorySegment control = arena.allocate(24, 8);
        control.set(ValueLayout.JAVA_LONG, 0, 20);
        control.set(ValueLayout.JAVA_INT, 8, Libc.SOL_SOCKET);
        control.set(ValueLayout.JAVA_INT, 12, Libc.SCM_RIGHTS);
        control.set(ValueLayout.JAVA_INT, 16, fd);
        MemorySegment msg = arena.allocate(56, 8);
        msg.set(ValueLayout.JAVA_LONG, 16, iov.address());
        msg.set(ValueLayout.JAVA_LONG, 24, 1);
        msg.set(ValueLayout.JAVA_LONG, 32, control.address());
        msg.set(ValueLayout.JAVA_LONG, 40, 24);
        return msg;
    }
}
