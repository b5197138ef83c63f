package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.fs.Node;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.Stat;
import dev.kapsel.sys.Errno;

/**
 * The file a path-name bind makes in the sandbox's file system (upper layer): stat shows
 * S_IFSOCK, open fails with ENXIO, and connect finds the socket through it. After the socket is
 * closed the file stays (as on Linux) and connecting to it is refused; unlink removes it.
 */
final class SocketInode extends Node {
    private final UnixSocketBase socket;
    private final int mode;

    SocketInode(UnixSocketBase socket, int mode) {
        this.socket = socket;
        this.mode = mode & 07777;
    }

    /** The bound socket, or null once it is closed. */
    UnixSocketBase socket() {
        return socket.isClosed() ? null : socket;
    }

    @Override
    public Stat stat() {
        return new Stat(8, ino(), S_IFSOCK | mode, 1, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        throw new ErrnoException(Errno.ENXIO);
    }
}
