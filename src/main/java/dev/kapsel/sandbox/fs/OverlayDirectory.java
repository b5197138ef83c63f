package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A directory of the overlay: entries of the lower (host, read-only) directory, if any, plus the
 * upper layer's changes kept in memory (added entries, whiteouts for removed ones). Lower entries
 * are looked up with NOFOLLOW_LINKS one validated component at a time, and a lower symlink becomes
 * a {@link Symlink} whose text the {@link Vfs} interprets inside the sandbox; the host never follows it.
 */
public final class OverlayDirectory extends Directory {
    private final Path lower;
    private final UpperQuota quota;
    private final Map<String, Node> children = new LinkedHashMap<>();
    private final Set<String> whiteouts = new HashSet<>();
    private int mode;
    private long mtime;

    public OverlayDirectory(Path lower, UpperQuota quota, int mode) {
        this.lower = lower;
        this.quota = quota;
        this.mode = mode & 07777;
        this.mtime = System.currentTimeMillis() / 1000;
        if (lower != null) {
            try {
                mtime = Files.getLastModifiedTime(lower, LinkOption.NOFOLLOW_LINKS).to(java.util.concurrent.TimeUnit.SECONDS);
                Object m = Files.getAttribute(lower, "unix:mode", LinkOption.NOFOLLOW_LINKS);
                this.mode = ((Integer) m) & 07777;
            } catch (IOException | UnsupportedOperationException e) {
                // keep defaults
            }
        }
    }

    /** Does the image provide this directory (so it cannot simply be renamed)? */
    public boolean hasLower() {
        return lower != null;
    }

    UpperQuota quota() {
        return quota;
    }

    @Override
    public Stat stat() {
        return new Stat(3, ino(), S_IFDIR | mode, 2, 0, 0, 0, 4096, mtime, 0);
    }

    static boolean validName(String name) {
        return !name.isEmpty() && !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0
                && name.indexOf('\0') < 0 && name.length() <= 255;
    }

    @Override
    public Node lookup(String name) {
        if (!validName(name) || whiteouts.contains(name)) {
            return null;
        }
        Node n = children.get(name);
        if (n != null || lower == null) {
            return n;
        }
        n = lowerNode(lower.resolve(name));
        if (n != null) {
            children.put(name, n);
        }
        return n;
    }

    private Node lowerNode(Path p) {
        if (!p.getParent().equals(lower)) {
            return null;
        }
        Map<String, Object> a;
        try {
            a = Files.readAttributes(p, "unix:mode,nlink,uid,gid,size,lastModifiedTime", LinkOption.NOFOLLOW_LINKS);
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
        int mode = (Integer) a.get("mode");
        long mtime = ((FileTime) a.get("lastModifiedTime")).to(java.util.concurrent.TimeUnit.SECONDS);
        Stat st = new Stat(4, 0, mode, (Integer) a.get("nlink"), (Integer) a.get("uid"), (Integer) a.get("gid"), 0,
                (Long) a.get("size"), mtime, 0);
        return switch (mode & S_IFMT) {
            case S_IFDIR -> new OverlayDirectory(p, quota, mode);
            case S_IFREG -> new HostFile(p, st);
            case S_IFLNK -> {
                try {
                    yield new Symlink(Files.readSymbolicLink(p).toString());
                } catch (IOException e) {
                    yield null;
                }
            }
            default -> new OpaqueNode(st);
        };
    }

    @Override
    public List<String> list() {
        List<String> names = new ArrayList<>();
        if (lower != null) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(lower)) {
                for (Path p : ds) {
                    String name = p.getFileName().toString();
                    if (!whiteouts.contains(name) && !children.containsKey(name)) {
                        names.add(name);
                    }
                }
            } catch (IOException e) {
                // an unreadable lower directory lists as its upper entries only
            }
        }
        names.addAll(children.keySet());
        return names;
    }

    @Override
    public void add(String name, Node node) {
        if (!validName(name)) {
            throw new ErrnoException(Errno.EINVAL);
        }
        whiteouts.remove(name);
        if (node instanceof MemoryFile f) {
            f.linked(); // before the old entry goes: a rename onto itself keeps the file
        }
        if (children.put(name, node) instanceof MemoryFile replaced) {
            replaced.unlinked();
        }
        mtime = System.currentTimeMillis() / 1000;
    }

    @Override
    public void remove(String name) {
        Node old = children.remove(name);
        if (old instanceof MemoryFile f) {
            f.unlinked();
        }
        if (lower != null) {
            whiteouts.add(name);
        }
        mtime = System.currentTimeMillis() / 1000;
    }

    /** Copy-up: replaces a lower file with an in-memory copy that can be written. */
    MemoryFile copyUp(String name, HostFile file) {
        byte[] content = file.readAll(Integer.MAX_VALUE - 16);
        MemoryFile copy = new MemoryFile(quota, file.stat().mode());
        copy.write(0, content, 0, content.length);
        copy.linked();
        children.put(name, copy);
        return copy;
    }
}
