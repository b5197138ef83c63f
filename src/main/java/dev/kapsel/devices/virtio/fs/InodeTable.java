package dev.kapsel.devices.virtio.fs;

import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FileCalls;
import java.util.HashMap;
import java.util.Map;

/**
 * The inodes the guest holds, by node id and by host identity (dev, ino), so two names of one file
 * (hard links, a second lookup) are one node. Node ids are a counter, never a host fd or address: a
 * forged id names nothing, and an id is never reused. The table is bounded: beyond {@link #limit}
 * inodes a lookup is refused with ENFILE, so a guest that never sends FORGET cannot make the host
 * hold unbounded handles. The root is never forgotten.
 */
final class InodeTable {
    private final int limit;
    private final Map<Long, Inode> byId = new HashMap<>();
    private final Map<Key, Inode> byKey = new HashMap<>();
    private final Inode root;
    private long nextId = FuseAbi.FUSE_ROOT_ID + 1;

    private record Key(long dev, long ino) {}

    InodeTable(int rootFd, long dev, long ino, int limit) {
        this.limit = limit;
        this.root = new Inode(FuseAbi.FUSE_ROOT_ID, rootFd, dev, ino, FileCalls.S_IFDIR);
        root.lookups = 1;
        byId.put(root.nodeId, root);
        byKey.put(new Key(dev, ino), root);
    }

    Inode root() {
        return root;
    }

    int size() {
        return byId.size();
    }

    /** The inode {@code nodeId} names; a node id the server never gave out (or that was forgotten) is ESTALE. */
    Inode get(long nodeId) throws FuseError {
        Inode inode = byId.get(nodeId);
        if (inode == null) {
            throw new FuseError(Errno.ESTALE);
        }
        return inode;
    }

    /**
     * Counts one lookup of the inode {@code fd} (an O_PATH handle the caller hands over) refers to:
     * the known node if the inode is known (and {@code fd} is closed), else a new node. Beyond the
     * limit the handle is closed and the lookup refused with ENFILE.
     */
    Inode lookedUp(int fd, long dev, long ino, int type) throws FuseError {
        Inode known = byKey.get(new Key(dev, ino));
        if (known != null) {
            FileCalls.close(fd);
            known.lookups++;
            return known;
        }
        if (byId.size() >= limit) {
            FileCalls.close(fd);
            throw new FuseError(Errno.ENFILE);
        }
        Inode inode = new Inode(nextId++, fd, dev, ino, type);
        inode.lookups = 1;
        byId.put(inode.nodeId, inode);
        byKey.put(new Key(dev, ino), inode);
        return inode;
    }

    /** FORGET: drops {@code count} lookups; at none left the handle is closed. Unknown ids and the root are ignored. */
    void forget(long nodeId, long count) {
        Inode inode = byId.get(nodeId);
        if (inode == null || inode == root) {
            return;
        }
        inode.lookups -= Math.min(inode.lookups, Math.max(0, count));
        if (count < 0 || inode.lookups == 0) {
            remove(inode);
        }
    }

    private void remove(Inode inode) {
        byId.remove(inode.nodeId);
        byKey.remove(new Key(inode.dev, inode.ino));
        FileCalls.close(inode.fd);
    }

    /** Forgets every inode but the root (DESTROY, device reset). */
    void clear() {
        for (Inode inode : byId.values().toArray(Inode[]::new)) {
            if (inode != root) {
                remove(inode);
            }
        }
    }
}
