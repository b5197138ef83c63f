package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/** The program's file descriptors: lowest free number first, close-on-exec flags, a fixed limit (RLIMIT_NOFILE). */
public final class FdTable {
    public static final int LIMIT = 1024;
    private final OpenFile[] files = new OpenFile[LIMIT];
    private final boolean[] cloexec = new boolean[LIMIT];
    /** How many descriptors share a description, so close() runs once. */
    private final Map<OpenFile, Integer> refs;

    /** The first table of a sandbox; {@link #copy()}s share its reference counts, which are per open file description. */
    public FdTable() {
        this(new IdentityHashMap<>());
    }

    private FdTable(Map<OpenFile, Integer> refs) {
        this.refs = refs;
    }

    /** fork: a table with the same descriptors sharing the same open file descriptions. */
    public FdTable copy() {
        FdTable t = new FdTable(refs);
        for (int i = 0; i < LIMIT; i++) {
            if (files[i] != null) {
                t.set(i, files[i], cloexec[i]);
            }
        }
        return t;
    }

    public OpenFile get(long fd) {
        if (fd < 0 || fd >= LIMIT || files[(int) fd] == null) {
            throw new ErrnoException(Errno.EBADF);
        }
        return files[(int) fd];
    }

    public int install(OpenFile file, boolean closeOnExec) {
        return installFrom(0, file, closeOnExec);
    }

    public int installFrom(long lowest, OpenFile file, boolean closeOnExec) {
        if (lowest < 0 || lowest >= LIMIT) {
            throw new ErrnoException(Errno.EINVAL);
        }
        for (int i = (int) lowest; i < LIMIT; i++) {
            if (files[i] == null) {
                set(i, file, closeOnExec);
                return i;
            }
        }
        throw new ErrnoException(Errno.EMFILE);
    }

    private void set(int fd, OpenFile file, boolean closeOnExec) {
        files[fd] = file;
        cloexec[fd] = closeOnExec;
        refs.merge(file, 1, Integer::sum);
    }

    /** dup2/dup3: makes {@code newFd} refer to {@code file}, closing what it held. */
    public void installAt(long newFd, OpenFile file, boolean closeOnExec) {
        if (newFd < 0 || newFd >= LIMIT) {
            throw new ErrnoException(Errno.EBADF);
        }
        if (files[(int) newFd] != null) {
            close(newFd);
        }
        set((int) newFd, file, closeOnExec);
    }

    public void close(long fd) {
        OpenFile f = get(fd);
        files[(int) fd] = null;
        cloexec[(int) fd] = false;
        int left = refs.merge(f, -1, Integer::sum);
        if (left <= 0) {
            refs.remove(f);
            f.close();
        }
    }

    public boolean closeOnExec(long fd) {
        get(fd);
        return cloexec[(int) fd];
    }

    public void setCloseOnExec(long fd, boolean value) {
        get(fd);
        cloexec[(int) fd] = value;
    }

    public List<Integer> open() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < LIMIT; i++) {
            if (files[i] != null) {
                out.add(i);
            }
        }
        return out;
    }

    public void closeAll() {
        for (int fd : open()) {
            close(fd);
        }
    }
}
