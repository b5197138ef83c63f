package dev.kapsel.devices.virtio.fs;

/**
 * The FUSE wire protocol as the Linux client speaks it ({@code include/uapi/linux/fuse.h}, protocol
 * 7.38 here): opcodes, the flags the server looks at, and the sizes and offsets of the structures it
 * reads and writes. All little-endian on x86. {@code FuseAbiTest} compiles the header with gcc and
 * checks every constant here against it.
 */
public final class FuseAbi {
    private FuseAbi() {}

    public static final int FUSE_KERNEL_VERSION = 7;
    public static final int FUSE_KERNEL_MINOR_VERSION = 38;
    public static final long FUSE_ROOT_ID = 1;

    public static final int FUSE_LOOKUP = 1;
    public static final int FUSE_FORGET = 2;
    public static final int FUSE_GETATTR = 3;
    public static final int FUSE_SETATTR = 4;
    public static final int FUSE_READLINK = 5;
    public static final int FUSE_SYMLINK = 6;
    public static final int FUSE_MKNOD = 8;
    public static final int FUSE_MKDIR = 9;
    public static final int FUSE_UNLINK = 10;
    public static final int FUSE_RMDIR = 11;
    public static final int FUSE_RENAME = 12;
    public static final int FUSE_LINK = 13;
    public static final int FUSE_OPEN = 14;
    public static final int FUSE_READ = 15;
    public static final int FUSE_WRITE = 16;
    public static final int FUSE_STATFS = 17;
    public static final int FUSE_RELEASE = 18;
    public static final int FUSE_FSYNC = 20;
    public static final int FUSE_SETXATTR = 21;
    public static final int FUSE_GETXATTR = 22;
    public static final int FUSE_LISTXATTR = 23;
    public static final int FUSE_REMOVEXATTR = 24;
    public static final int FUSE_FLUSH = 25;
    public static final int FUSE_INIT = 26;
    public static final int FUSE_OPENDIR = 27;
    public static final int FUSE_READDIR = 28;
    public static final int FUSE_RELEASEDIR = 29;
    public static final int FUSE_FSYNCDIR = 30;
    public static final int FUSE_ACCESS = 34;
    public static final int FUSE_CREATE = 35;
    public static final int FUSE_INTERRUPT = 36;
    public static final int FUSE_DESTROY = 38;
    public static final int FUSE_BATCH_FORGET = 42;
    public static final int FUSE_FALLOCATE = 43;
    public static final int FUSE_READDIRPLUS = 44;
    public static final int FUSE_RENAME2 = 45;
    public static final int FUSE_LSEEK = 46;

    public static final int FUSE_ASYNC_READ = 1 << 0;
    public static final int FUSE_ATOMIC_O_TRUNC = 1 << 3;
    public static final int FUSE_BIG_WRITES = 1 << 5;
    public static final int FUSE_AUTO_INVAL_DATA = 1 << 12;
    public static final int FUSE_DO_READDIRPLUS = 1 << 13;
    public static final int FUSE_READDIRPLUS_AUTO = 1 << 14;
    public static final int FUSE_PARALLEL_DIROPS = 1 << 18;
    public static final int FUSE_MAX_PAGES = 1 << 22;

    public static final int FATTR_MODE = 1 << 0;
    public static final int FATTR_UID = 1 << 1;
    public static final int FATTR_GID = 1 << 2;
    public static final int FATTR_SIZE = 1 << 3;
    public static final int FATTR_ATIME = 1 << 4;
    public static final int FATTR_MTIME = 1 << 5;
    public static final int FATTR_FH = 1 << 6;
    public static final int FATTR_ATIME_NOW = 1 << 7;
    public static final int FATTR_MTIME_NOW = 1 << 8;

    public static final int FUSE_GETATTR_FH = 1 << 0;

    public static final int IN_HEADER_SIZE = 40;
    public static final int IN_HEADER_LEN = 0;
    public static final int IN_HEADER_OPCODE = 4;
    public static final int IN_HEADER_UNIQUE = 8;
    public static final int IN_HEADER_NODEID = 16;
    public static final int IN_HEADER_UID = 24;
    public static final int IN_HEADER_GID = 28;
    public static final int IN_HEADER_PID = 32;
    public static final int OUT_HEADER_SIZE = 16;

    public static final int ATTR_SIZE = 88;
    public static final int ENTRY_OUT_SIZE = 128;
    public static final int ENTRY_OUT_ATTR = 40;
    public static final int ATTR_OUT_SIZE = 104;
    public static final int ATTR_OUT_ATTR = 16;
    public static final int OPEN_OUT_SIZE = 16;
    public static final int WRITE_OUT_SIZE = 8;
    public static final int STATFS_OUT_SIZE = 80;
    public static final int GETXATTR_OUT_SIZE = 8;
    public static final int LSEEK_OUT_SIZE = 8;
    public static final int INIT_IN_SIZE = 64;
    public static final int INIT_OUT_SIZE = 64;
    /** What a client older than 7.23 expects back. */
    public static final int FUSE_COMPAT_22_INIT_OUT_SIZE = 24;

    public static final int GETATTR_IN_SIZE = 16;
    public static final int SETATTR_IN_SIZE = 88;
    public static final int SETATTR_IN_FH = 8;
    public static final int SETATTR_IN_SIZE_FIELD = 16;
    public static final int SETATTR_IN_ATIME = 32;
    public static final int SETATTR_IN_MTIME = 40;
    public static final int SETATTR_IN_ATIMENSEC = 56;
    public static final int SETATTR_IN_MTIMENSEC = 60;
    public static final int SETATTR_IN_MODE = 68;
    public static final int SETATTR_IN_UID = 76;
    public static final int SETATTR_IN_GID = 80;
    public static final int FORGET_IN_SIZE = 8;
    public static final int BATCH_FORGET_IN_SIZE = 8;
    public static final int FORGET_ONE_SIZE = 16;
    public static final int MKNOD_IN_SIZE = 16;
    public static final int MKDIR_IN_SIZE = 8;
    public static final int RENAME_IN_SIZE = 8;
    public static final int RENAME2_IN_SIZE = 16;
    public static final int LINK_IN_SIZE = 8;
    public static final int OPEN_IN_SIZE = 8;
    public static final int CREATE_IN_SIZE = 16;
    public static final int READ_IN_SIZE = 40;
    public static final int WRITE_IN_SIZE = 40;
    public static final int RELEASE_IN_SIZE = 24;
    public static final int FLUSH_IN_SIZE = 24;
    public static final int FSYNC_IN_SIZE = 16;
    public static final int SETXATTR_IN_SIZE = 8;
    public static final int GETXATTR_IN_SIZE = 8;
    public static final int ACCESS_IN_SIZE = 8;
    public static final int FALLOCATE_IN_SIZE = 32;
    public static final int LSEEK_IN_SIZE = 24;
    public static final int INTERRUPT_IN_SIZE = 8;
    /** Offset of the name in {@code struct fuse_dirent}; entries are padded to 8 bytes. */
    public static final int FUSE_NAME_OFFSET = 24;
}
