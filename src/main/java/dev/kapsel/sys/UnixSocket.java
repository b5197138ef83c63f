package dev.kapsel.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Passing a descriptor to another process over a Unix stream socket ({@code unix(7)}): one
 * sendmsg(2) whose {@code SCM_RIGHTS} control message carries the descriptor. Java's own Unix
 * sockets cannot send descriptors, hence the kernel structures here (x86-64): {@code sockaddr_un},
 * {@code msghdr}, {@code iovec} and one {@code cmsghdr} holding one int.
 */
public final class UnixSocket {
    /** {@code struct sockaddr_un}: {@code sa_family_t sun_family} then {@code char sun_path[108]}. */
    public static final long SOCKADDR_UN_SIZE = 110;
    public static final long SUN_PATH_OFFSET = 2;
    /** {@code sizeof(sun_path)}, the terminating NUL included. */
    public static final int SUN_PATH_SIZE = 108;

    /** {@code struct msghdr}: name, namelen, iov, iovlen, control, controllen, flags. */
    public static final long MSGHDR_SIZE = 56;
    public static final long MSG_IOV = 16;
    public static final long MSG_IOVLEN = 24;
    public static final long MSG_CONTROL = 32;
    public static final long MSG_CONTROLLEN = 40;

    /** {@code struct iovec}: base, len. */
    public static final long IOVEC_SIZE = 16;
    public static final long IOV_BASE = 0;
    public static final long IOV_LEN = 8;

    /** {@code struct cmsghdr}: {@code size_t cmsg_len; int cmsg_level; int cmsg_type;} then the data. */
    public static final long CMSG_LEVEL = 8;
    public static final long CMSG_TYPE = 12;
    /** {@code CMSG_DATA(cmsg) - cmsg} for a header at an aligned address. */
    public static final long CMSG_DATA_OFFSET = 16;
    /** {@code CMSG_LEN(sizeof(int))}: what cmsg_len says for one descriptor. */
    public static final long CMSG_LEN_ONE_FD = 20;
    /** {@code CMSG_SPACE(sizeof(int))}: the control buffer for one descriptor, padding included. */
    public static final long CMSG_SPACE_ONE_FD = 24;

    public static final int AF_UNIX = 1;
    public static final int SOCK_STREAM = 1;
    public static final int SOCK_CLOEXEC = 02000000;
    public static final int SOL_SOCKET = 1;
    public static final int SCM_RIGHTS = 1;

    private UnixSocket() {}

    /**
     * Connects to the stream socket at {@code path} and sends {@code fd} with {@code data} as the
     * message's bytes (at least one byte goes: a message with no data carries no descriptor on a
     * stream socket), then closes the connection.
     */
    public static void sendFd(String path, int fd, byte[] data) {
        byte[] name = path.getBytes(StandardCharsets.UTF_8);
        if (name.length >= SUN_PATH_SIZE) {
            throw new IllegalArgumentException("socket path is longer than " + (SUN_PATH_SIZE - 1) + " bytes: " + path);
        }
        int socket = Libc.socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(SOCKADDR_UN_SIZE, 2);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
            MemorySegment.copy(name, 0, address, ValueLayout.JAVA_BYTE, SUN_PATH_OFFSET, name.length);
            Libc.connect(socket, address);
            Libc.sendmsg(socket, message(arena, fd, data), 0);
        } finally {
            Libc.close(socket);
        }
    }

    /** A msghdr with one iovec over {@code data} and one SCM_RIGHTS control message holding {@code fd}. */
    private static MemorySegment message(Arena arena, int fd, byte[] data) {
        MemorySegment payload = arena.allocate(Math.max(1, data.length));
        MemorySegment.copy(data, 0, payload, ValueLayout.JAVA_BYTE, 0, data.length);
        MemorySegment iov = arena.allocate(IOVEC_SIZE, 8);
        iov.set(ValueLayout.ADDRESS, IOV_BASE, payload);
        iov.set(ValueLayout.JAVA_LONG, IOV_LEN, payload.byteSize());
        MemorySegment control = arena.allocate(CMSG_SPACE_ONE_FD, 8);
        control.set(ValueLayout.JAVA_LONG, 0, CMSG_LEN_ONE_FD);
        control.set(ValueLayout.JAVA_INT, CMSG_LEVEL, SOL_SOCKET);
        control.set(ValueLayout.JAVA_INT, CMSG_TYPE, SCM_RIGHTS);
        control.set(ValueLayout.JAVA_INT, CMSG_DATA_OFFSET, fd);
        MemorySegment msg = arena.allocate(MSGHDR_SIZE, 8);
        msg.set(ValueLayout.ADDRESS, MSG_IOV, iov);
        msg.set(ValueLayout.JAVA_LONG, MSG_IOVLEN, 1);
        msg.set(ValueLayout.ADDRESS, MSG_CONTROL, control);
        msg.set(ValueLayout.JAVA_LONG, MSG_CONTROLLEN, CMSG_SPACE_ONE_FD);
        return msg;
    }
}
