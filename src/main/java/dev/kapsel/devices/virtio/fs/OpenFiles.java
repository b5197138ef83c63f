package dev.kapsel.devices.virtio.fs;

import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import java.util.HashMap;
import java.util.Map;

/**
 * The files and directories the guest has open (OPEN, CREATE, OPENDIR until RELEASE/RELEASEDIR), by
 * a handle number from a counter. Bounded like the inode table: beyond {@link #limit} open handles
 * an open is refused with EMFILE. A handle the server did not give out is EBADF.
 */
final class OpenFiles {
    /** One open file: a real (not O_PATH) host descriptor; {@code directory} for OPENDIR handles. */
    record Open(int fd, boolean directory, boolean writable) {}

    private final int limit;
    private final Map<Long, Open> open = new HashMap<>();
    private long next = 1;

    OpenFiles(int limit) {
        this.limit = limit;
    }

    int size() {
        return open.size();
    }

    /** Takes over {@code fd}; closes it and refuses with EMFILE at the limit. */
    long add(int fd, boolean directory, boolean writable) throws FuseError {
        if (open.size() >= limit) {
            FileCalls.close(fd);
            throw new FuseError(Errno.EMFILE);
        }
        long handle = next++;
        open.put(handle, new Open(fd, directory, writable));
        return handle;
    }

    /** The open file {@code handle} names, which must be a directory exactly when {@code directory}. */
    Open get(long handle, boolean directory) throws FuseError {
        Open o = open.get(handle);
        if (o == null || o.directory() != directory) {
            throw new FuseError(Errno.EBADF);
        }
        return o;
    }

    void release(long handle, boolean directory) throws FuseError {
        get(handle, directory);
        FileCalls.close(open.remove(handle).fd());
    }

    void clear() {
        open.values().forEach(o -> FileCalls.close(o.fd()));
        open.clear();
    }
}
