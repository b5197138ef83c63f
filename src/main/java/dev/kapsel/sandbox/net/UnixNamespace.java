package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sys.Errno;
import java.util.HashMap;
import java.util.Map;

/**
 * Where AF_UNIX names live in one sandbox: path names are {@link SocketInode}s in the sandbox's
 * VFS, abstract names a table of their own (per sandbox, as per network namespace on Linux).
 * Nothing here reaches the host: a sandbox's unix sockets meet only each other.
 */
public final class UnixNamespace {
    private static final int MAX_ABSTRACT = 4096;
    private final Vfs vfs;
    private final Map<UnixAddress, UnixSocketBase> abstractNames = new HashMap<>();

    public UnixNamespace(Vfs vfs) {
        this.vfs = vfs;
    }

    /** Gives {@code socket} the name {@code address}; EADDRINUSE if taken; {@code mode} for a path's inode. */
    void bind(UnixAddress address, Location cwd, UnixSocketBase socket, int mode) {
        switch (address.kind()) {
            case UNNAMED -> throw new ErrnoException(Errno.EINVAL);
            case ABSTRACT -> {
                if (abstractNames.containsKey(address)) {
                    throw new ErrnoException(SocketErrno.EADDRINUSE);
                }
                if (abstractNames.size() >= MAX_ABSTRACT) {
                    throw new ErrnoException(Errno.ENOSPC);
                }
                abstractNames.put(address, socket);
            }
            case PATH -> {
                Vfs.Resolved r = vfs.resolve(cwd, address.path(), false);
                if (r.node() != null || r.name().isEmpty()) {
                    throw new ErrnoException(SocketErrno.EADDRINUSE);
                }
                r.parent().directory().add(r.name(), new SocketInode(socket, mode));
            }
        }
    }

    /** The socket bound to {@code address}: ENOENT for a missing path, ECONNREFUSED if nothing is bound there. */
    UnixSocketBase lookup(UnixAddress address, Location cwd) {
        UnixSocketBase s = switch (address.kind()) {
            case UNNAMED -> throw new ErrnoException(Errno.EINVAL);
            case ABSTRACT -> abstractNames.get(address);
            case PATH -> {
                Vfs.Resolved r = vfs.resolve(cwd, address.path(), true);
                if (r.node() == null) {
                    throw new ErrnoException(Errno.ENOENT);
                }
                yield r.node() instanceof SocketInode inode ? inode.socket() : null;
            }
        };
        if (s == null || s.isClosed()) {
            throw new ErrnoException(SocketErrno.ECONNREFUSED);
        }
        return s;
    }

    /** Frees an abstract name when its socket closes (path names stay in the file system). */
    void release(UnixAddress address, UnixSocketBase socket) {
        if (address != null && address.kind() == UnixAddress.Kind.ABSTRACT) {
            abstractNames.remove(address, socket);
        }
    }
}
