package dev.kapsel.sandbox;

import static dev.kapsel.sandbox.syscall.Arg.BUF_IN;
import static dev.kapsel.sandbox.syscall.Arg.FD;
import static dev.kapsel.sandbox.syscall.Arg.FLAGS;
import static dev.kapsel.sandbox.syscall.Arg.HEX;
import static dev.kapsel.sandbox.syscall.Arg.INT;

import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sandbox.net.Network;
import dev.kapsel.sandbox.net.SandboxSocket;
import dev.kapsel.sandbox.net.SocketErrno;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sys.Errno;

/**
 * The socket system calls: socket/socketpair, bind/listen/accept/accept4/connect, the send and
 * receive families (sendto/recvfrom/sendmsg/recvmsg with iovecs), shutdown, getsockname/getpeername
 * and get/setsockopt. Decodes the program's structures (msghdr, iovec, sockaddr lengths) with
 * bounds, and leaves each socket kind to the {@link SandboxSocket} it is. Ancillary data (control
 * messages, so descriptor passing) is refused with EOPNOTSUPP.
 */
final class SocketSyscalls {
    private static final int O_CLOEXEC = 02000000;
    private static final int SOCK_TYPE_MASK = 0xf;
    /** The largest sockaddr a program may pass (sizeof(struct sockaddr_storage)). */
    private static final int MAX_SOCKADDR = 128;
    /** At most this much moves in one send or receive; a stream returns a short count beyond it. */
    private static final int MAX_TRANSFER = 1 << 20;
    private static final int IOV_MAX = 1024;
    private static final int MSGHDR_SIZE = 56;
    private static final int MAX_OPTION = 256;

    private final Network network;
    private final SandboxProcess p;
    private final UserMemory mem;

    SocketSyscalls(Network network, SandboxProcess process) {
        this.network = network;
        this.p = process;
        this.mem = process.memory();
    }

    void register(SyscallTable t) {
        t.define(41, "socket", (a, b, c, d, e, f) -> socket(a, b, c), INT, HEX, INT);
        t.define(42, "connect", (a, b, c, d, e, f) -> connect(a, b, c), FD, HEX, INT);
        t.define(43, "accept", (a, b, c, d, e, f) -> accept4(a, b, c, 0), FD, HEX, HEX);
        t.define(288, "accept4", (a, b, c, d, e, f) -> accept4(a, b, c, d), FD, HEX, HEX, FLAGS);
        t.define(44, "sendto", (a, b, c, d, e, f) -> sendto(a, b, c, d, e, f), FD, BUF_IN, INT, FLAGS, HEX, INT);
        t.define(45, "recvfrom", (a, b, c, d, e, f) -> recvfrom(a, b, c, d, e, f), FD, HEX, INT, FLAGS, HEX, HEX);
        t.define(46, "sendmsg", (a, b, c, d, e, f) -> sendmsg(a, b, c), FD, HEX, FLAGS);
        t.define(47, "recvmsg", (a, b, c, d, e, f) -> recvmsg(a, b, c), FD, HEX, FLAGS);
        t.define(48, "shutdown", (a, b, c, d, e, f) -> { socketAt(a).shutdown((int) b); return 0; }, FD, INT);
        t.define(49, "bind", (a, b, c, d, e, f) -> { socketAt(a).bind(sockaddr(b, c), p.cwd()); return 0; }, FD, HEX, INT);
        t.define(50, "listen", (a, b, c, d, e, f) -> { socketAt(a).listen((int) b); return 0; }, FD, INT);
        t.define(51, "getsockname", (a, b, c, d, e, f) -> putSockaddr(socketAt(a).localName(), b, c), FD, HEX, HEX);
        t.define(52, "getpeername", (a, b, c, d, e, f) -> putSockaddr(socketAt(a).peerName(), b, c), FD, HEX, HEX);
        t.define(53, "socketpair", (a, b, c, d, e, f) -> socketpair(a, b, c, d), INT, HEX, INT, HEX);
        t.define(54, "setsockopt", (a, b, c, d, e, f) -> setsockopt(a, b, c, d, e), FD, INT, INT, HEX, INT);
        t.define(55, "getsockopt", (a, b, c, d, e, f) -> getsockopt(a, b, c, d, e), FD, INT, INT, HEX, HEX);
    }

    private SandboxSocket socketAt(long fd) {
        OpenFile f = p.fds().get(fd);
        if (!(f instanceof SandboxSocket s)) {
            throw new ErrnoException(SocketErrno.ENOTSOCK);
        }
        return s;
    }

    private byte[] sockaddr(long address, long length) {
        if (length < 0 || length > MAX_SOCKADDR) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return mem.read(address, (int) length);
    }

    /** Writes an address out as the kernel does: at most *lengthAddress bytes, the full length back. */
    private long putSockaddr(byte[] address, long bufferAddress, long lengthAddress) {
        if (bufferAddress == 0) {
            return 0;
        }
        int room = mem.readU32(lengthAddress);
        if (room < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        mem.write(bufferAddress, address, 0, Math.min(room, address.length));
        mem.writeU32(lengthAddress, address.length);
        return 0;
    }

    private static int flagsOf(long type) {
        if ((type & ~(SOCK_TYPE_MASK | OpenFile.O_NONBLOCK | O_CLOEXEC)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        return (int) type & OpenFile.O_NONBLOCK;
    }

    long socket(long domain, long type, long protocol) {
        int flags = flagsOf(type);
        SandboxSocket s = network.create((int) domain, (int) type & SOCK_TYPE_MASK, (int) protocol, flags);
        try {
            return p.fds().install(s, (type & O_CLOEXEC) != 0);
        } catch (ErrnoException e) {
            s.close();
            throw e;
        }
    }

    long socketpair(long domain, long type, long protocol, long fdsAddress) {
        int flags = flagsOf(type);
        mem.check(fdsAddress, 8, true);
        SandboxSocket[] ends = network.pair((int) domain, (int) type & SOCK_TYPE_MASK, (int) protocol, flags);
        boolean cloexec = (type & O_CLOEXEC) != 0;
        int a;
        try {
            a = p.fds().install(ends[0], cloexec);
        } catch (ErrnoException e) {
            ends[0].close();
            ends[1].close();
            throw e;
        }
        int b;
        try {
            b = p.fds().install(ends[1], cloexec);
        } catch (ErrnoException e) {
            p.fds().close(a);
            ends[1].close();
            throw e;
        }
        mem.writeU32(fdsAddress, a);
        mem.writeU32(fdsAddress + 4, b);
        return 0;
    }

    long connect(long fd, long address, long length) {
        SandboxSocket s = socketAt(fd);
        s.connect(sockaddr(address, length), p.cwd());
        return 0;
    }

    long accept4(long fd, long address, long lengthAddress, long flags) {
        if ((flags & ~(OpenFile.O_NONBLOCK | O_CLOEXEC)) != 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        SandboxSocket s = socketAt(fd);
        if (address != 0) {
            mem.check(lengthAddress, 4, true);
        }
        SandboxSocket accepted = s.accept((int) flags & OpenFile.O_NONBLOCK);
        int newFd;
        try {
            newFd = p.fds().install(accepted, (flags & O_CLOEXEC) != 0);
        } catch (ErrnoException e) {
            accepted.close();
            throw e;
        }
        putSockaddr(accepted.peerName(), address, lengthAddress);
        return newFd;
    }

    private int transferLength(SandboxSocket s, long length) {
        if (length < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (length > MAX_TRANSFER && s.socketType() == SandboxSocket.SOCK_DGRAM) {
            throw new ErrnoException(SocketErrno.EMSGSIZE);
        }
        return (int) Math.min(length, MAX_TRANSFER);
    }

    long sendto(long fd, long buf, long length, long flags, long address, long addressLength) {
        SandboxSocket s = socketAt(fd);
        int n = transferLength(s, length);
        byte[] data = mem.read(buf, n);
        byte[] to = address != 0 ? sockaddr(address, addressLength) : null;
        return s.send(data, n, (int) flags, to, p.cwd());
    }

    long recvfrom(long fd, long buf, long length, long flags, long address, long lengthAddress) {
        SandboxSocket s = socketAt(fd);
        int n = transferLength(s, length);
        mem.check(buf, n, true);
        SandboxSocket.Received r = s.receive(n, (int) flags);
        mem.write(buf, r.data(), 0, r.data().length);
        if (address != 0) {
            putSockaddr(r.from(), address, lengthAddress);
        }
        return (flags & SandboxSocket.MSG_TRUNC) != 0 ? r.fullLength() : r.data().length;
    }

    /** struct msghdr's fields. */
    private record MsgHdr(long name, int nameLength, long[][] iov, long control, long controlLength) {}

    private MsgHdr msghdr(long address) {
        byte[] raw = mem.read(address, MSGHDR_SIZE);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(raw).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        long name = b.getLong(0);
        int nameLength = b.getInt(8);
        long iov = b.getLong(16);
        long iovCount = b.getLong(24);
        long control = b.getLong(32);
        long controlLength = b.getLong(40);
        if (iovCount < 0 || iovCount > IOV_MAX) {
            throw new ErrnoException(SocketErrno.EMSGSIZE);
        }
        long[][] v = new long[(int) iovCount][];
        long total = 0;
        for (int i = 0; i < iovCount; i++) {
            long base = mem.readU64(iov + 16L * i);
            long len = mem.readU64(iov + 16L * i + 8);
            if (len < 0 || (total += len) < 0 || total > 0x7ffff000L) {
                throw new ErrnoException(Errno.EINVAL);
            }
            v[i] = new long[] {base, len};
        }
        return new MsgHdr(name, nameLength, v, control, controlLength);
    }

    long sendmsg(long fd, long msgAddress, long flags) {
        SandboxSocket s = socketAt(fd);
        MsgHdr m = msghdr(msgAddress);
        if (m.controlLength() != 0) {
            throw new ErrnoException(Errno.EOPNOTSUPP); // no SCM_RIGHTS / SCM_CREDENTIALS
        }
        long total = 0;
        for (long[] v : m.iov()) {
            total += v[1];
        }
        int n = transferLength(s, total);
        byte[] data = new byte[n];
        int at = 0;
        for (long[] v : m.iov()) {
            int take = (int) Math.min(v[1], n - at);
            if (take > 0) {
                mem.read(v[0], data, at, take);
                at += take;
            }
        }
        byte[] to = m.name() != 0 && m.nameLength() != 0 ? sockaddr(m.name(), m.nameLength()) : null;
        return s.send(data, n, (int) flags, to, p.cwd());
    }

    long recvmsg(long fd, long msgAddress, long flags) {
        SandboxSocket s = socketAt(fd);
        MsgHdr m = msghdr(msgAddress);
        long total = 0;
        for (long[] v : m.iov()) {
            mem.check(v[0], v[1], true);
            total += v[1];
        }
        int n = transferLength(s, total);
        SandboxSocket.Received r = s.receive(n, (int) flags);
        byte[] data = r.data();
        int at = 0;
        for (long[] v : m.iov()) {
            int put = (int) Math.min(v[1], data.length - at);
            if (put > 0) {
                mem.write(v[0], data, at, put);
                at += put;
            }
        }
        if (m.name() != 0) {
            byte[] from = r.from();
            int room = Math.max(0, m.nameLength());
            mem.write(m.name(), from, 0, Math.min(room, from.length));
            mem.writeU32(msgAddress + 8, from.length);
        }
        mem.writeU64(msgAddress + 40, 0); // no control messages
        boolean truncated = r.fullLength() > data.length && s.socketType() != SandboxSocket.SOCK_STREAM;
        mem.writeU32(msgAddress + 48, truncated ? SandboxSocket.MSG_TRUNC : 0);
        return (flags & SandboxSocket.MSG_TRUNC) != 0 ? r.fullLength() : data.length;
    }

    long setsockopt(long fd, long level, long name, long value, long length) {
        SandboxSocket s = socketAt(fd);
        if (length < 0 || length > MAX_OPTION) {
            throw new ErrnoException(Errno.EINVAL);
        }
        s.setOption((int) level, (int) name, mem.read(value, (int) length));
        return 0;
    }

    long getsockopt(long fd, long level, long name, long value, long lengthAddress) {
        SandboxSocket s = socketAt(fd);
        int room = mem.readU32(lengthAddress);
        if (room < 0) {
            throw new ErrnoException(Errno.EINVAL);
        }
        byte[] v = s.option((int) level, (int) name);
        int n = Math.min(room, v.length);
        mem.write(value, v, 0, n);
        mem.writeU32(lengthAddress, n);
        return 0;
    }
}
