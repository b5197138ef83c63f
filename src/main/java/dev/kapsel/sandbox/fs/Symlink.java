package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.util.function.Supplier;

/**
 * A symbolic link. Its target is text interpreted in the sandbox's view by {@link Vfs}. A "magic"
 * link (as in /proc/self/fd) leads straight to a node instead of a path.
 */
public final class Symlink extends Node {
    private final Supplier<String> target;
    private final Supplier<Node> magic;
    private final long mtime;

    public Symlink(String target) {
        this(() -> target, null);
    }

    public Symlink(Supplier<String> target, Supplier<Node> magic) {
        this.target = target;
        this.magic = magic;
        this.mtime = System.currentTimeMillis() / 1000;
    }

    public String target() {
        return target.get();
    }

    /** The node a magic link stands for, or null for an ordinary link. */
    public Node magicTarget() {
        return magic == null ? null : magic.get();
    }

    @Override
    public Stat stat() {
        return new Stat(1, ino(), S_IFLNK | 0777, 1, 0, 0, 0, target().length(), mtime, 0);
    }

    @Override
    public OpenFile open(int flags) {
        throw new ErrnoException(Errno.ELOOP);
    }
}
