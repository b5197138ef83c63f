package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The sandbox's file system: an {@link OverlayDirectory} over the image root with /dev and /proc
 * on top, and path resolution done here, one component at a time. Symbolic links are read as text
 * and followed inside the sandbox (absolute targets restart at the sandbox root); ".." stops at
 * the root; more than 40 links fail with ELOOP. Nothing in a path can name a host file outside the root.
 */
public final class Vfs {
    public static final int MAX_LINKS = 40;
    private final OverlayDirectory root;
    private final Location rootLocation;

    public Vfs(Path lowerRoot, UpperQuota quota) {
        this.root = new OverlayDirectory(lowerRoot.toAbsolutePath().normalize(), quota, 0755);
        this.rootLocation = Location.root(root);
    }

    public Location root() {
        return rootLocation;
    }

    /** Mounts a kernel-made directory (dev, proc) at a top-level name. */
    public void mount(String name, Directory dir) {
        root.add(name, dir);
    }

    public UpperQuota quota() {
        return root.quota();
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

    public MemoryFile createFile(Resolved r, int mode) {
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
        r.parent().directory().add(r.name(), new OverlayDirectory(null, quota(), mode));
    }

    /**
     * link(2): {@code to} becomes a second name of the file {@code from} names. A file of the
     * read-only lower layer is copied up first, as overlayfs does, so both names share the copy.
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
