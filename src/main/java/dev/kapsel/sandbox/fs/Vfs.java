package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The sandbox's file system: a root (an {@link OverlayDirectory} over the image with its writable
 * layer in memory, or a {@link HostShare} written through) with /dev and /proc on top, a
 * {@link MountTable} of bind mounts, and path resolution done here, one component at a time.
 * Symbolic links are read as text and followed inside the sandbox (absolute targets restart at the
 * sandbox root); ".." stops at the root and leaves a mounted directory for its mount point's parent;
 * more than 40 links fail with ELOOP. Nothing in a path can name a host file outside the root or
 * outside a share. Renames and links across mounts fail with EXDEV, removing or renaming a mount
 * point with EBUSY.
 */
public final class Vfs {
    public static final int MAX_LINKS = 40;
    private final Directory root;
    private final UpperQuota quota;
    private final Location rootLocation;
    private final MountTable mounts = new MountTable();

    public Vfs(Path lowerRoot, UpperQuota quota) {
        this(new OverlayDirectory(lowerRoot.toAbsolutePath().normalize(), quota, 0755), quota);
    }

    private Vfs(Directory root, UpperQuota quota) {
        this.root = root;
        this.quota = quota;
        this.rootLocation = Location.root(root);
    }

    /** A file system whose root is {@code share} itself: the program's writes land in the host directory. */
    public static Vfs writeThrough(HostShare share, UpperQuota quota) {
        return new Vfs(share.root(), quota);
    }

    public Location root() {
        return rootLocation;
    }

    /** Mounts a kernel-made directory (dev, proc) at a top-level name. */
    public void mount(String name, Directory dir) {
        if (root instanceof OverlayDirectory overlay) {
            overlay.add(name, dir);
        } else {
            mounts.add("/" + name, dir);
        }
    }

    /**
     * Mounts {@code node} (a share's root directory, a host file, an in-memory directory) at the
     * absolute sandbox path {@code target}, resolved in the sandbox's view as a mount point is
     * (symlinks followed inside the sandbox). A missing mount point is made, with its parents, in the
     * file system beneath it, as runc does; a directory is mounted only on a directory, a file on a file.
     */
    public void bind(String target, Node node) {
        if (!target.startsWith("/")) {
            throw new ErrnoException(Errno.EINVAL);
        }
        boolean directory = node instanceof Directory;
        Location at = rootLocation;
        String[] parts = target.substring(1).split("/");
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].isEmpty() || parts[i].equals(".")) {
                continue;
            }
            boolean last = i == parts.length - 1;
            Resolved r = resolve(at, parts[i], true);
            if (r.node() == null) {
                if (last && !directory) {
                    createFile(r, 0644).open(0).close();
                } else {
                    mkdir(r, 0755);
                }
                r = resolve(at, parts[i], true);
            }
            if (last) {
                if (r.name().isEmpty() || (r.node() instanceof Directory) != directory) {
                    throw new ErrnoException(directory ? Errno.ENOTDIR : Errno.EISDIR);
                }
                String dir = r.parent().path();
                mounts.add(dir.equals("/") ? "/" + r.name() : dir + "/" + r.name(), node);
                return;
            }
            if (!(r.node() instanceof Directory)) {
                throw new ErrnoException(Errno.ENOTDIR);
            }
            at = r.location();
        }
        throw new ErrnoException(Errno.EBUSY); // "/" itself: the root is chosen at construction
    }

    /** The mount points and what is mounted there, for /proc/mounts. */
    public java.util.Map<String, Node> mounts() {
        return mounts.entries();
    }

    public UpperQuota quota() {
        return quota;
    }

    /** Result of a walk: the directory that holds the last component, its name, and the node (null if absent). */
    public record Resolved(Location parent, String name, Node node) {
        /** Location of the node itself when it is a directory. */
        public Location location() {
            if (name.isEmpty()) {
                return parent;
            }
            return parent.child(name, (Directory) node);
        }
    }

    /**
     * Resolves {@code path} from {@code start}. Symlinks in the last component are followed if
     * {@code followLast}. Missing intermediate directories fail with ENOENT; a missing last component
     * gives a null node.
     */
    public Resolved resolve(Location start, String path, boolean followLast) {
        if (path.isEmpty()) {
            throw new ErrnoException(Errno.ENOENT);
        }
        int[] links = {0};
        return walk(path.startsWith("/") ? rootLocation : start, path, followLast, links);
    }

    private Resolved walk(Location at, String path, boolean followLast, int[] links) {
        Deque<String> parts = new ArrayDeque<>();
        for (String p : path.split("/")) {
            if (!p.isEmpty() && !p.equals(".")) {
                parts.add(p);
            }
        }
        boolean trailingSlash = path.endsWith("/");
        if (parts.isEmpty()) {
            return new Resolved(at, "", at.directory());
        }
        Location cur = at;
        while (!parts.isEmpty()) {
            String name = parts.poll();
            boolean last = parts.isEmpty();
            if (name.equals("..")) {
                cur = cur.parent();
                if (last) {
                    return new Resolved(cur, "", cur.directory());
                }
                continue;
            }
            if (name.length() > 255) {
                throw new ErrnoException(Errno.ENAMETOOLONG);
            }
            Node node = cur.directory().lookup(name);
            Node mounted = mounts.at(cur, name);
            if (mounted != null) {
                node = mounted;
            }
            if (node instanceof Symlink link && (!last || followLast || trailingSlash)) {
                if (++links[0] > MAX_LINKS) {
                    throw new ErrnoException(Errno.ELOOP);
                }
                Node magic = link.magicTarget();
                Resolved r;
                if (magic != null) {
                    r = new Resolved(cur, name, magic);
                    if (magic instanceof Directory d) {
                        r = new Resolved(rootLocation, "", d); // no path back up from a magic directory link
                    }
                } else {
                    String target = link.target();
                    if (target.isEmpty()) {
                        throw new ErrnoException(Errno.ENOENT);
                    }
                    r = walk(target.startsWith("/") ? rootLocation : cur, target, true, links);
                }
                if (last) {
                    return r;
                }
                if (!(r.node() instanceof Directory d)) {
                    throw new ErrnoException(r.node() == null ? Errno.ENOENT : Errno.ENOTDIR);
                }
                cur = r.name().isEmpty() ? r.parent() : r.parent().child(r.name(), d);
                continue;
            }
            if (last) {
                if (trailingSlash && node != null && !(node instanceof Directory)) {
                    throw new ErrnoException(Errno.ENOTDIR);
                }
                return new Resolved(cur, name, node);
            }
            if (node == null) {
                throw new ErrnoException(Errno.ENOENT);
            }
            if (!(node instanceof Directory d)) {
                throw new ErrnoException(Errno.ENOTDIR);
            }
            cur = cur.child(name, d);
        }
        return new Resolved(cur, "", cur.directory());
    }

    /** Looks an existing node up, following links; ENOENT if absent. */
    public Node lookup(Location start, String path) {
        Resolved r = resolve(start, path, true);
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        return r.node();
    }

    /** Makes a lower file writable (copy-up) if it is one; returns the node to open. */
    public Node forWriting(Resolved r) {
        if (r.node() instanceof HostFile f && r.parent().directory() instanceof OverlayDirectory dir) {
            return dir.copyUp(r.name(), f);
        }
        return r.node();
    }

    /** A new empty regular file at {@code r} (a host file in a share, a memory file elsewhere). */
    public Node createFile(Resolved r, int mode) {
        if (r.parent().directory() instanceof HostDirectory h) {
            return h.createFile(r.name(), mode);
        }
        MemoryFile f = new MemoryFile(quota(), mode);
        r.parent().directory().add(r.name(), f);
        return f;
    }

    public void mkdir(Resolved r, int mode) {
        if (r.node() != null) {
            throw new ErrnoException(Errno.EEXIST);
        }
        if (r.name().isEmpty()) {
            throw new ErrnoException(Errno.EEXIST);
        }
        if (r.parent().directory() instanceof HostDirectory h) {
            h.mkdir(r.name(), mode);
            return;
        }
        r.parent().directory().add(r.name(), new OverlayDirectory(null, quota(), mode));
    }

    /** symlink(2): a link {@code r} with the text {@code target}. */
    public void symlink(Resolved r, String target) {
        if (r.node() != null || r.name().isEmpty()) {
            throw new ErrnoException(Errno.EEXIST);
        }
        if (r.parent().directory() instanceof HostDirectory h) {
            h.symlink(r.name(), target);
            return;
        }
        r.parent().directory().add(r.name(), new Symlink(target));
    }

    /** The share a directory belongs to, null for the in-memory and image file systems (one device to rename across). */
    private static HostShare shareOf(Directory d) {
        return d instanceof HostDirectory h ? h.share() : null;
    }

    private void refuseMountRoot(Resolved r) {
        if (mounts.isMountRoot(r.node())) {
            throw new ErrnoException(Errno.EBUSY);
        }
    }

    /**
     * link(2): {@code to} becomes a second name of the file {@code from} names. A file of the
     * read-only lower layer is copied up first, as overlayfs does, so both names share the copy;
     * in a share the host links the two names.
     */
    public void link(Resolved from, Resolved to) {
        if (from.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (from.node() instanceof Directory) {
            throw new ErrnoException(Errno.EPERM);
        }
        if (to.node() != null || to.name().isEmpty()) {
            throw new ErrnoException(Errno.EEXIST);
        }
        HostDirectory fromDir;
        String fromName;
        if (from.node() instanceof ShareFile f && (from.name().isEmpty() || mounts.isMountRoot(f))) {
            fromDir = f.parent(); // by descriptor, or a bound file: its own directory and name
            fromName = f.name();
        } else {
            fromDir = from.parent().directory() instanceof HostDirectory h ? h : null;
            fromName = from.name();
        }
        Directory toDir = to.parent().directory();
        if (fromDir != null || toDir instanceof HostDirectory) {
            if (fromDir == null || shareOf(toDir) != fromDir.share() || mounts.isMountRoot(from.node())) {
                throw new ErrnoException(Errno.EXDEV);
            }
            fromDir.link(fromName, (HostDirectory) toDir, to.name());
            return;
        }
        if (from.name().isEmpty() && from.node() instanceof HostFile) {
            throw new ErrnoException(Errno.EXDEV); // a lower-layer file open by descriptor has no name to copy up under
        }
        Node target = forWriting(from);
        if (!(target instanceof MemoryFile) && !(target instanceof Symlink)) {
            throw new ErrnoException(Errno.EPERM); // devices, sockets and the synthetic files of /proc and /dev
        }
        to.parent().directory().add(to.name(), target); // the directory counts the new name
    }

    public void unlink(Resolved r, boolean directory) {
        if (r.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (r.name().isEmpty()) {
            throw new ErrnoException(directory ? Errno.EBUSY : Errno.EISDIR);
        }
        refuseMountRoot(r);
        if (r.parent().directory() instanceof HostDirectory h) {
            h.unlink(r.name(), directory); // the host checks type and emptiness, of what is there now
            return;
        }
        if (directory) {
            if (!(r.node() instanceof Directory d)) {
                throw new ErrnoException(Errno.ENOTDIR);
            }
            if (!d.list().isEmpty()) {
                throw new ErrnoException(Errno.ENOTEMPTY);
            }
        } else if (r.node() instanceof Directory) {
            throw new ErrnoException(Errno.EISDIR);
        }
        r.parent().directory().remove(r.name());
    }

    public void rename(Resolved from, Resolved to, boolean noReplace) {
        if (from.node() == null) {
            throw new ErrnoException(Errno.ENOENT);
        }
        if (from.name().isEmpty() || to.name().isEmpty()) {
            throw new ErrnoException(Errno.EBUSY);
        }
        refuseMountRoot(from);
        refuseMountRoot(to);
        Directory fromDir = from.parent().directory();
        Directory toDir = to.parent().directory();
        if (fromDir instanceof HostDirectory || toDir instanceof HostDirectory) {
            if (shareOf(fromDir) != shareOf(toDir)) {
                throw new ErrnoException(Errno.EXDEV);
            }
            ((HostDirectory) fromDir).rename(from.name(), (HostDirectory) toDir, to.name(), noReplace);
            return;
        }
        if (to.node() != null) {
            if (noReplace) {
                throw new ErrnoException(Errno.EEXIST);
            }
            if (to.node() instanceof Directory d && !d.list().isEmpty()) {
                throw new ErrnoException(Errno.ENOTEMPTY);
            }
            if (from.node() instanceof Directory != to.node() instanceof Directory) {
                throw new ErrnoException(from.node() instanceof Directory ? Errno.ENOTDIR : Errno.EISDIR);
            }
        }
        if (from.node() instanceof OverlayDirectory d && d.hasLower()) {
            throw new ErrnoException(Errno.EXDEV); // as overlayfs does without redirect_dir
        }
        if (from.node() instanceof Directory d && to.parent().dirs().contains(d)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        Node moved = from.node() instanceof HostFile ? forWriting(from) : from.node();
        to.parent().directory().add(to.name(), moved);
        from.parent().directory().remove(from.name());
    }
}
