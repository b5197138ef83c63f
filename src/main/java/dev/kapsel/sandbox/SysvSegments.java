package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.ShmemFile;
import dev.kapsel.sandbox.fs.UpperQuota;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.mm.SharedPages;
import dev.kapsel.sys.Errno;
import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;

/**
 * The sandbox's System V shared-memory segments, by id and key (the IPC namespace of a container).
 * Ids are {@code sequence * 32768 + index} as Linux makes them, so a removed id is not reused at
 * once. Limits are Linux's defaults: SHMMNI 4096 segments, SHMMIN 1 byte; a segment is at most
 * the guest's RAM.
 */
final class SysvSegments {
    static final int IPC_PRIVATE = 0, IPC_CREAT = 01000, IPC_EXCL = 02000;
    static final int SHMMNI = 4096;
    static final int SEQ_MULTIPLIER = 32768;
    private final Map<Integer, SysvSegment> byId = new TreeMap<>();
    private final Machine machine;
    private final UpperQuota quota;
    private int sequence;

    SysvSegments(Machine machine, UpperQuota quota) {
        this.machine = machine;
        this.quota = quota;
    }

    /** shmget(2). */
    SysvSegment get(int key, long size, int flags, int pid, Credentials creds) {
        collect();
        if (key != IPC_PRIVATE) {
            SysvSegment found = byKey(key);
            if (found != null) {
                if ((flags & (IPC_CREAT | IPC_EXCL)) == (IPC_CREAT | IPC_EXCL)) {
                    throw new ErrnoException(Errno.EEXIST);
                }
                if (size > found.size) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                return found;
            }
            if ((flags & IPC_CREAT) == 0) {
                throw new ErrnoException(Errno.ENOENT);
            }
        }
        if (size < 1 || size > machine.memory().size()) {
            throw new ErrnoException(size < 1 ? Errno.EINVAL : Errno.ENOMEM);
        }
        if (byId.size() >= SHMMNI) {
            throw new ErrnoException(Errno.ENOSPC);
        }
        int index = freeIndex();
        int id = (sequence++ % (Integer.MAX_VALUE / SEQ_MULTIPLIER)) * SEQ_MULTIPLIER + index;
        ShmemFile file = new ShmemFile(quota, false);
        file.truncate(size);
        file.hold();
        SharedPages pages = SharedPages.of(file, file, machine.memory(), machine.frames());
        SysvSegment s = new SysvSegment(id, key, size, file, pages, pid, creds.uid().effective(), creds.gid().effective(), flags);
        byId.put(id, s);
        return s;
    }

    private int freeIndex() {
        boolean[] used = new boolean[SHMMNI];
        byId.keySet().forEach(id -> used[id % SEQ_MULTIPLIER] = true);
        for (int i = 0; i < SHMMNI; i++) {
            if (!used[i]) {
                return i;
            }
        }
        throw new ErrnoException(Errno.ENOSPC);
    }

    private SysvSegment byKey(int key) {
        for (SysvSegment s : byId.values()) {
            if (!s.removed && s.key == key) {
                return s;
            }
        }
        return null;
    }

    /** The segment {@code id}; EINVAL if there is none (or it went). */
    SysvSegment byId(long id) {
        collect();
        SysvSegment s = id == (int) id ? byId.get((int) id) : null;
        if (s == null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return s;
    }

    /** The segment whose pages {@code pages} are, or null. */
    SysvSegment of(SharedPages pages) {
        for (SysvSegment s : byId.values()) {
            if (s.pages == pages) {
                return s;
            }
        }
        return null;
    }

    /** IPC_RMID: no key finds it any more; it goes with its last attach. */
    void remove(SysvSegment s) {
        s.removed = true;
        s.changeTime = SysvSegment.now();
        collect();
    }

    /** Drops the removed segments that nothing attaches any more; their bytes go with the file's last holder. */
    void collect() {
        for (SysvSegment s : new ArrayList<>(byId.values())) {
            if (s.destroyable()) {
                byId.remove(s.id);
                s.file.drop();
            }
        }
    }

    int count() {
        return byId.size();
    }

    int highestIndex() {
        return byId.keySet().stream().mapToInt(id -> id % SEQ_MULTIPLIER).max().orElse(0);
    }
}
