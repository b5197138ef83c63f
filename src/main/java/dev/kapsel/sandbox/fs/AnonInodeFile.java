package dev.kapsel.sandbox.fs;

/**
 * A file with no name in any file system, like Linux's anon_inode files (epoll, eventfd): fstat
 * shows an anonymous inode (device 9, mode 0600, no file type bits), and opening it again through
 * /proc/self/fd gives the same open file.
 */
public abstract class AnonInodeFile extends SelfOpenNode {
    protected AnonInodeFile(int flags) {
        super(flags);
    }

    @Override
    public Stat stat() {
        return new Stat(9, ino(), 0600, 1, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        return this;
    }
}
