package dev.kapsel.sys;

import java.util.Map;

/** The Linux errno values kapsel reacts to by name, and a name for every value it reports. */
public final class Errno {
    private Errno() {}

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int ESRCH = 3;
    public static final int EINTR = 4;
    public static final int EIO = 5;
    public static final int ENXIO = 6;
    public static final int E2BIG = 7;
    public static final int ENOEXEC = 8;
    public static final int EBADF = 9;
    public static final int ECHILD = 10;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EFAULT = 14;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int EXDEV = 18;
    public static final int ENODEV = 19;
    public static final int ENOTDIR = 20;
    public static final int EISDIR = 21;
    public static final int EINVAL = 22;
    public static final int ENFILE = 23;
    public static final int EMFILE = 24;
    public static final int ENOTTY = 25;
    public static final int EFBIG = 27;
    public static final int ENOSPC = 28;
    public static final int ESPIPE = 29;
    public static final int EROFS = 30;
    public static final int EMLINK = 31;
    public static final int EPIPE = 32;
    public static final int ERANGE = 34;
    public static final int ENAMETOOLONG = 36;
    public static final int ENOSYS = 38;
    public static final int ENOTEMPTY = 39;
    public static final int ELOOP = 40;
    public static final int EOPNOTSUPP = 95;
    public static final int EPROTO = 71;
    public static final int EOVERFLOW = 75;
    public static final int ETIMEDOUT = 110;
    public static final int ESTALE = 116;

    private static final Map<Integer, String[]> NAMES = Map.ofEntries(
            Map.entry(EPERM, new String[] {"EPERM", "Operation not permitted"}),
            Map.entry(ENOENT, new String[] {"ENOENT", "No such file or directory"}),
            Map.entry(ESRCH, new String[] {"ESRCH", "No such process"}),
            Map.entry(EINTR, new String[] {"EINTR", "Interrupted system call"}),
            Map.entry(EIO, new String[] {"EIO", "Input/output error"}),
            Map.entry(ENXIO, new String[] {"ENXIO", "No such device or address"}),
            Map.entry(E2BIG, new String[] {"E2BIG", "Argument list too long"}),
            Map.entry(ENOEXEC, new String[] {"ENOEXEC", "Exec format error"}),
            Map.entry(EBADF, new String[] {"EBADF", "Bad file descriptor"}),
            Map.entry(ECHILD, new String[] {"ECHILD", "No child processes"}),
            Map.entry(EAGAIN, new String[] {"EAGAIN", "Resource temporarily unavailable"}),
            Map.entry(ENOMEM, new String[] {"ENOMEM", "Cannot allocate memory"}),
            Map.entry(EACCES, new String[] {"EACCES", "Permission denied"}),
            Map.entry(EFAULT, new String[] {"EFAULT", "Bad address"}),
            Map.entry(EBUSY, new String[] {"EBUSY", "Device or resource busy"}),
            Map.entry(EEXIST, new String[] {"EEXIST", "File exists"}),
            Map.entry(EXDEV, new String[] {"EXDEV", "Invalid cross-device link"}),
            Map.entry(ENODEV, new String[] {"ENODEV", "No such device"}),
            Map.entry(ENOTDIR, new String[] {"ENOTDIR", "Not a directory"}),
            Map.entry(EISDIR, new String[] {"EISDIR", "Is a directory"}),
            Map.entry(EINVAL, new String[] {"EINVAL", "Invalid argument"}),
            Map.entry(ENFILE, new String[] {"ENFILE", "Too many open files in system"}),
            Map.entry(EMFILE, new String[] {"EMFILE", "Too many open files"}),
            Map.entry(ENOTTY, new String[] {"ENOTTY", "Inappropriate ioctl for device"}),
            Map.entry(EFBIG, new String[] {"EFBIG", "File too large"}),
            Map.entry(ENOSPC, new String[] {"ENOSPC", "No space left on device"}),
            Map.entry(ESPIPE, new String[] {"ESPIPE", "Illegal seek"}),
            Map.entry(EROFS, new String[] {"EROFS", "Read-only file system"}),
            Map.entry(EMLINK, new String[] {"EMLINK", "Too many links"}),
            Map.entry(EPIPE, new String[] {"EPIPE", "Broken pipe"}),
            Map.entry(ERANGE, new String[] {"ERANGE", "Numerical result out of range"}),
            Map.entry(ENAMETOOLONG, new String[] {"ENAMETOOLONG", "File name too long"}),
            Map.entry(ENOSYS, new String[] {"ENOSYS", "Function not implemented"}),
            Map.entry(ENOTEMPTY, new String[] {"ENOTEMPTY", "Directory not empty"}),
            Map.entry(ELOOP, new String[] {"ELOOP", "Too many levels of symbolic links"}),
            Map.entry(EOPNOTSUPP, new String[] {"EOPNOTSUPP", "Operation not supported"}),
            Map.entry(EPROTO, new String[] {"EPROTO", "Protocol error"}),
            Map.entry(EOVERFLOW, new String[] {"EOVERFLOW", "Value too large for defined data type"}),
            Map.entry(ETIMEDOUT, new String[] {"ETIMEDOUT", "Connection timed out"}),
            Map.entry(ESTALE, new String[] {"ESTALE", "Stale file handle"}));

    public static String name(int errno) {
        String[] n = NAMES.get(errno);
        return n != null ? n[0] : "errno " + errno;
    }

    public static String describe(int errno) {
        String[] n = NAMES.get(errno);
        return n != null ? n[1] : "unknown error";
    }
}
