package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sys.Errno;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

/**
 * An AF_UNIX SOCK_DGRAM socket: a bounded queue of datagrams, each with its sender's name.
 * sendto names the receiver (or connect sets a default one); a full receive queue makes the sender
 * wait (EAGAIN when non-blocking); a datagram longer than the receive buffer is cut (MSG_TRUNC
 * reports the full length); a receiver connected to someone else refuses others (EPERM).
 */
public final class UnixDatagramSocket extends UnixSocketBase {
    /** Largest datagram (Linux's default send buffer limit is in this range). */
    public static final int MAX_DATAGRAM = 208 << 10;
    private static final int QUEUE_DATAGRAMS = 512;
    private static final int QUEUE_BYTES = 1 << 20;

    private record Datagram(byte[] data, byte[] from) {}

    private final Deque<Datagram> queue = new ArrayDeque<>();
    private int queuedBytes;
    private UnixDatagramSocket peer;
    private UnixAddress peerAddress;
    private boolean readShut, writeShut;

    public UnixDatagramSocket(KernelLock lock, UnixNamespace names, int flags) {
        super(lock, names, flags);
    }

    /** socketpair(AF_UNIX, SOCK_DGRAM): two unnamed sockets connected to each other. */
    public static UnixDatagramSocket[] pair(KernelLock lock, UnixNamespace names, int flags) {
        UnixDatagramSocket a = new UnixDatagramSocket(lock, names, flags);
        UnixDatagramSocket b = new UnixDatagramSocket(lock, names, flags);
        a.peer = b;
        a.peerAddress = UnixAddress.UNNAMED;
        b.peer = a;
        b.peerAddress = UnixAddress.UNNAMED;
        return new UnixDatagramSocket[] {a, b};
    }

    @Override
    public int socketType() {
        return SOCK_DGRAM;
    }

    @Override
    public void connect(byte[] address, Location cwd) {
        if (address.length >= 2 && address[0] == 0 && address[1] == 0) { // AF_UNSPEC: dissolve the association
            peer = null;
            peerAddress = null;
            return;
        }
        UnixAddress a = UnixAddress.decode(address);
        UnixSocketBase found = names.lookup(a, cwd);
        if (!(found instanceof UnixDatagramSocket target)) {
            throw new ErrnoException(SocketErrno.EPROTOTYPE);
        }
        peer = target;
        peerAddress = a;
    }

    private boolean hasRoom(int length) {
        return queue.size() < QUEUE_DATAGRAMS && queuedBytes + length <= QUEUE_BYTES;
    }

    @Override
    public int send(byte[] data, int length, int flags, byte[] to, Location cwd) {
        if (writeShut) {
            throw new ErrnoException(Errno.EPIPE);
        }
        if (length > MAX_DATAGRAM) {
            throw new ErrnoException(SocketErrno.EMSGSIZE);
        }
        UnixDatagramSocket target;
        if (to != null) {
            UnixSocketBase found = names.lookup(UnixAddress.decode(to), cwd);
            if (!(found instanceof UnixDatagramSocket d)) {
                throw new ErrnoException(SocketErrno.EPROTOTYPE);
            }
            target = d;
        } else {
            if (peer == null) {
                throw new ErrnoException(SocketErrno.ENOTCONN);
            }
            target = peer;
        }
        if (target.isClosed()) {
            throw new ErrnoException(SocketErrno.ECONNREFUSED);
        }
        if (target.peer != null && target.peer != this) {
            throw new ErrnoException(Errno.EPERM);
        }
        if (!target.hasRoom(length)) {
            if (nonBlocking(flags)) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> target.isClosed() || target.hasRoom(length), Long.MAX_VALUE);
            if (target.isClosed()) {
                throw new ErrnoException(SocketErrno.ECONNREFUSED);
            }
        }
        if (!target.readShut) {
            target.queue.add(new Datagram(Arrays.copyOf(data, length), localName()));
            target.queuedBytes += length;
        }
        lock.wakeAll();
        return length;
    }

    @Override
    public Received receive(int max, int flags) {
        if (queue.isEmpty()) {
            if (readShut) {
                return new Received(new byte[0], 0, UnixAddress.UNNAMED.encode());
            }
            if (nonBlocking(flags)) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> !queue.isEmpty() || readShut || isClosed(), Long.MAX_VALUE);
            if (queue.isEmpty()) {
                return new Received(new byte[0], 0, UnixAddress.UNNAMED.encode());
            }
        }
        Datagram d = (flags & MSG_PEEK) != 0 ? queue.peek() : queue.poll();
        if ((flags & MSG_PEEK) == 0) {
            queuedBytes -= d.data().length;
            lock.wakeAll();
        }
        byte[] out = d.data().length <= max ? d.data() : Arrays.copyOf(d.data(), max);
        return new Received(out, d.data().length, d.from());
    }

    @Override
    public void shutdown(int how) {
        if (how < SHUT_RD || how > SHUT_RDWR) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (how != SHUT_WR) {
            readShut = true;
        }
        if (how != SHUT_RD) {
            writeShut = true;
        }
        lock.wakeAll();
    }

    @Override
    public byte[] peerName() {
        if (peer == null) {
            throw new ErrnoException(SocketErrno.ENOTCONN);
        }
        return peerAddress.encode();
    }

    @Override
    public int poll() {
        int in = !queue.isEmpty() || readShut ? POLLIN : 0;
        int out = !writeShut && (peer == null || peer.hasRoom(1)) ? POLLOUT : 0;
        return in | out;
    }

    @Override
    void closeConnections() {
        queue.clear();
        queuedBytes = 0;
    }

    @Override
    public int read(byte[] buf, int length) {
        Received r = receive(length, 0);
        System.arraycopy(r.data(), 0, buf, 0, r.data().length);
        return r.data().length;
    }
}
