package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.SocketNode;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sys.Errno;
import java.util.HashMap;
import java.util.Map;

/**
 * What every socket shares: it is its own inode (S_IFSOCK), its status flags (O_NONBLOCK), and the
 * integer options of SOL_SOCKET, IPPROTO_TCP and IPPROTO_IPV6 it accepts and reports back.
 * Unknown options fail with ENOPROTOOPT, as Linux.
 */
abstract class SocketBase extends SocketNode implements SandboxSocket {
    static final int SOL_SOCKET = 1, IPPROTO_TCP = 6, IPPROTO_IPV6 = 41;
    static final int SO_REUSEADDR = 2, SO_TYPE = 3, SO_ERROR = 4, SO_BROADCAST = 6, SO_SNDBUF = 7, SO_RCVBUF = 8,
            SO_KEEPALIVE = 9, SO_LINGER = 13, SO_REUSEPORT = 15, SO_PEERCRED = 17, SO_RCVTIMEO = 20, SO_SNDTIMEO = 21,
            SO_PROTOCOL = 38, SO_DOMAIN = 39, SO_ACCEPTCONN = 30;
    static final int TCP_NODELAY = 1, IPV6_V6ONLY = 26;
    private static final int MAX_OPTION = 64;

    protected final KernelLock lock;
    private final Map<Long, byte[]> options = new HashMap<>();

    SocketBase(KernelLock lock, int flags) {
        super(flags);
        this.lock = lock;
        options.put(key(SOL_SOCKET, SO_SNDBUF), intBytes(212992));
        options.put(key(SOL_SOCKET, SO_RCVBUF), intBytes(212992));
    }

    private static long key(int level, int name) {
        return ((long) level << 32) | (name & 0xffffffffL);
    }

    static byte[] intBytes(int v) {
        return new byte[] {(byte) v, (byte) (v >> 8), (byte) (v >> 16), (byte) (v >> 24)};
    }

    static int intOf(byte[] b) {
        if (b.length < 4) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | b[3] << 24;
    }

    boolean nonBlocking(int msgFlags) {
        return (statusFlags() & O_NONBLOCK) != 0 || (msgFlags & MSG_DONTWAIT) != 0;
    }

    /** Is this option one the socket keeps (set and read back)? Subclasses widen it. */
    boolean knownOption(int level, int name) {
        return level == SOL_SOCKET && switch (name) {
            case SO_REUSEADDR, SO_BROADCAST, SO_SNDBUF, SO_RCVBUF, SO_KEEPALIVE, SO_LINGER, SO_REUSEPORT, SO_RCVTIMEO,
                 SO_SNDTIMEO -> true;
            default -> false;
        };
    }

    /** The value an option was set to, or null. */
    final byte[] stored(int level, int name) {
        return options.get(key(level, name));
    }

    @Override
    public void setOption(int level, int name, byte[] value) {
        if (!knownOption(level, name)) {
            throw new ErrnoException(SocketErrno.ENOPROTOOPT);
        }
        if (value.length > MAX_OPTION) {
            throw new ErrnoException(Errno.EINVAL);
        }
        options.put(key(level, name), value.clone());
    }

    @Override
    public byte[] option(int level, int name) {
        if (level == SOL_SOCKET) {
            switch (name) {
                case SO_TYPE:
                    return intBytes(socketType());
                case SO_DOMAIN:
                    return intBytes(family());
                case SO_PROTOCOL:
                    return intBytes(0);
                case SO_ERROR:
                    return intBytes(takeError());
                case SO_ACCEPTCONN:
                    return intBytes(listening() ? 1 : 0);
                default:
                    break;
            }
        }
        byte[] v = stored(level, name);
        if (v != null) {
            return v.clone();
        }
        if (knownOption(level, name)) {
            return intBytes(0);
        }
        throw new ErrnoException(SocketErrno.ENOPROTOOPT);
    }

    /** SO_ERROR: the pending error, cleared by reading it. */
    int takeError() {
        return 0;
    }

    boolean listening() {
        return false;
    }

    @Override
    public int read(byte[] buf, int length) {
        Received r = receive(length, 0);
        System.arraycopy(r.data(), 0, buf, 0, r.data().length);
        return r.data().length;
    }

    @Override
    public int write(byte[] buf, int offset, int length) {
        byte[] data = offset == 0 ? buf : java.util.Arrays.copyOfRange(buf, offset, offset + length);
        return send(data, length, 0, null, null);
    }
}
