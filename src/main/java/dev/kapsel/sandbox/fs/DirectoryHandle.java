package dev.kapsel.sandbox.fs;

import dev.kapsel.memory.LittleEndian;
import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** An open directory: getdents64 over a snapshot of its entries taken at the first read. */
public final class DirectoryHandle implements OpenFile {
    private static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_REG = 8, DT_LNK = 10, DT_SOCK = 12;
    private final Directory dir;
    private int flags;
    private List<Directory.Entry> names;
    private int position;
    /** The directory's place in the tree, for openat relative to it and fchdir. */
    private Location location;

    DirectoryHandle(Directory dir, int flags) {
        this.dir = dir;
        this.flags = flags;
    }

    public Location location() {
        return location;
    }

    public void setLocation(Location location) {
        this.location = location;
    }

    @Override
    public Node node() {
        return dir;
    }

    @Override
    public int read(byte[] buf, int length) {
        throw new ErrnoException(Errno.EISDIR);
    }

    @Override
    public long seek(long offset, int whence) {
        if (whence == SEEK_SET && offset >= 0) {
            position = (int) Math.min(offset, Integer.MAX_VALUE);
            if (offset == 0) {
                names = null;
            }
            return position;
        }
        throw new ErrnoException(Errno.EINVAL);
    }

    /** Fills at most {@code capacity} bytes of linux_dirent64 records; EINVAL if not even one fits. */
    public byte[] getdents(int capacity) {
        if (names == null) {
            names = new ArrayList<>();
            names.add(new Directory.Entry(".", dir.ino(), DT_DIR));
            names.add(new Directory.Entry("..", dir.ino(), DT_DIR));
            names.addAll(dir.entries());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (position < names.size()) {
            Directory.Entry entry = names.get(position);
            String name = entry.name();
            byte[] n = name.getBytes(StandardCharsets.UTF_8);
            int reclen = (19 + n.length + 1 + 7) & ~7;
            if (out.size() + reclen > capacity) {
                if (out.size() == 0) {
                    throw new ErrnoException(Errno.EINVAL);
                }
                break;
            }
            long ino;
            int type;
            if (entry.type() >= 0) {
                ino = entry.ino();
                type = entry.type();
            } else {
                Node child = dir.lookup(name);
                ino = child == null ? 1 : child.ino();
                type = child == null ? DT_UNKNOWN : switch (child.type()) {
                    case Node.S_IFDIR -> DT_DIR;
                    case Node.S_IFREG -> DT_REG;
                    case Node.S_IFLNK -> DT_LNK;
                    case Node.S_IFCHR -> DT_CHR;
                    case Node.S_IFIFO -> DT_FIFO;
                    case Node.S_IFSOCK -> DT_SOCK;
                    default -> DT_UNKNOWN;
                };
            }
            byte[] rec = new byte[reclen];
            LittleEndian.put64(rec, 0, ino);
            LittleEndian.put64(rec, 8, position + 1);
            LittleEndian.put16(rec, 16, reclen);
            rec[18] = (byte) type;
            System.arraycopy(n, 0, rec, 19, n.length);
            out.writeBytes(rec);
            position++;
        }
        return out.toByteArray();
    }

    @Override
    public int statusFlags() {
        return flags;
    }

    @Override
    public void setStatusFlags(int flags) {
        this.flags = flags;
    }
}
