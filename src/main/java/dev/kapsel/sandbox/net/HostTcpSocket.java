package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sys.Errno;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Arrays;

/**
 * A TCP socket on the host (with --network host, or in the container's network namespace). Java decides at creation whether a channel
 * listens or connects, so bind opens a host {@link ServerSocketChannel} at once (the name is taken
 * and EADDRINUSE reported where the program expects it; the host socket listens from then on) and
 * a later connect replaces it with a {@link SocketChannel} bound to the same address. connect of a
 * non-blocking socket returns EINPROGRESS and reports completion as POLLOUT and SO_ERROR.
 * SO_REUSEADDR, SO_KEEPALIVE and TCP_NODELAY reach the host socket; other options are kept only.
 */
final class HostTcpSocket extends HostSocket {
    private static final int DEFAULT_BACKLOG = 128;
    private ServerSocketChannel server;
    private SocketChannel connection;
    private boolean listening;
    private boolean connecting;
    private int pendingError;
    private byte[] peeked = new byte[0];

    HostTcpSocket(KernelLock lock, HostStack stack, int family, int flags) {
        super(lock, stack, family, flags);
    }

    private HostTcpSocket(KernelLock lock, HostStack stack, int family, int flags, SocketChannel accepted) {
        super(lock, stack, family, flags);
        connection = accepted;
        attach(accepted);
        applyOptions(accepted);
    }

    @Override
    public int socketType() {
        return SOCK_STREAM;
    }

    @Override
    boolean knownOption(int level, int name) {
        return super.knownOption(level, name) || level == IPPROTO_TCP && name == TCP_NODELAY
                || level == IPPROTO_IPV6 && name == IPV6_V6ONLY && family == Network.AF_INET6;
    }

    @Override
    boolean listening() {
        return listening;
    }

    private boolean flag(int level, int name) {
        byte[] v = stored(level, name);
        return v != null && intOf(v) != 0;
    }

    @Override
    public void setOption(int level, int name, byte[] value) {
        super.setOption(level, name, value);
        try {
            if (connection != null) {
                applyOptions(connection);
            }
            if (server != null && level == SOL_SOCKET && name == SO_REUSEADDR) {
                server.setOption(StandardSocketOptions.SO_REUSEADDR, flag(SOL_SOCKET, SO_REUSEADDR));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // kept for getsockopt; the host socket goes on with its own value
        }
    }

    private void applyOptions(SocketChannel c) {
        try {
            c.setOption(StandardSocketOptions.TCP_NODELAY, flag(IPPROTO_TCP, TCP_NODELAY));
            c.setOption(StandardSocketOptions.SO_KEEPALIVE, flag(SOL_SOCKET, SO_KEEPALIVE));
        } catch (IOException | UnsupportedOperationException e) {
            // not fatal: the options are hints
        }
    }

    @Override
    public void bind(byte[] address, Location cwd) {
        InetSocketAddress a = InetAddressCodec.decode(address, family);
        if (server != null || connection != null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        openServer(a, DEFAULT_BACKLOG);
    }

    private void openServer(InetSocketAddress a, int backlog) {
        ServerSocketChannel s = null;
        try {
            s = stack.server(protocolFamily());
            s.setOption(StandardSocketOptions.SO_REUSEADDR, stored(SOL_SOCKET, SO_REUSEADDR) == null || flag(SOL_SOCKET, SO_REUSEADDR));
            s.bind(a, backlog);
        } catch (IOException e) {
            if (s != null) {
                closeQuietly(s);
            }
            throw new ErrnoException(HostErrors.errno(e));
        }
        attach(s);
        server = s;
    }

    @Override
    public void listen(int backlog) {
        if (connection != null) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (server == null) {
            openServer(new InetSocketAddress(0), Math.clamp(backlog, 1, 4096)); // autobind, as Linux
        }
        listening = true;
    }

    @Override
    public SandboxSocket accept(int flags) {
        if (!listening) {
            throw new ErrnoException(Errno.EINVAL);
        }
        while (true) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (IOException e) {
                throw new ErrnoException(HostErrors.errno(e));
            }
            if (c != null) {
                return new HostTcpSocket(lock, stack, family, flags, c);
            }
            block(0, SelectionKey.OP_ACCEPT, () -> (readyOps() & SelectionKey.OP_ACCEPT) != 0 || !server.isOpen());
            if (!server.isOpen()) {
                throw new ErrnoException(Errno.EBADF);
            }
        }
    }

    @Override
    public void connect(byte[] address, Location cwd) {
        if (connecting) {
            throw new ErrnoException(SocketErrno.EALREADY);
        }
        if (connection != null) {
            throw new ErrnoException(SocketErrno.EISCONN);
        }
        if (listening) {
            throw new ErrnoException(Errno.EINVAL);
        }
        InetSocketAddress target = InetAddressCodec.decode(address, family);
        InetSocketAddress local = null;
        try {
            if (server != null) {
                local = (InetSocketAddress) server.getLocalAddress();
            }
            SocketChannel c = stack.stream(protocolFamily());
            if (local != null) {
                c.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                server = null;
                attach(c); // closes the bound listener first
                c.bind(local);
            } else {
                attach(c);
            }
            applyOptions(c);
            connection = c;
            if (c.connect(target)) {
                return;
            }
        } catch (IOException e) {
            connection = null;
            throw new ErrnoException(HostErrors.errno(e));
        } catch (java.nio.channels.UnresolvedAddressException | java.nio.channels.UnsupportedAddressTypeException e) {
            connection = null;
            throw new ErrnoException(SocketErrno.EAFNOSUPPORT);
        }
        connecting = true;
        if (nonBlocking(0)) {
            throw new ErrnoException(SocketErrno.EINPROGRESS);
        }
        await(SelectionKey.OP_CONNECT, () -> !connecting || (readyOps() & SelectionKey.OP_CONNECT) != 0);
        if (connecting) {
            finishConnect();
        }
        if (pendingError != 0) {
            int e = pendingError;
            pendingError = 0;
            throw new ErrnoException(e);
        }
    }

    /** Completes a connect the host reported done; a failure becomes the pending SO_ERROR. */
    private void finishConnect() {
        try {
            if (connection.finishConnect()) {
                connecting = false;
            }
        } catch (IOException e) {
            connecting = false;
            pendingError = HostErrors.errno(e);
            closeQuietly(connection);
            connection = null;
        }
        lock.wakeAll();
    }

    @Override
    int takeError() {
        if (connecting && (readyOps() & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
        }
        int e = pendingError;
        pendingError = 0;
        return e;
    }

    private SocketChannel connected() {
        if (connecting && (readyOps() & SelectionKey.OP_CONNECT) != 0) {
            finishConnect();
        }
        if (connection == null || connecting) {
            throw new ErrnoException(connecting ? Errno.EAGAIN : SocketErrno.ENOTCONN);
        }
        return connection;
    }

    @Override
    public int send(byte[] data, int length, int flags, byte[] to, Location cwd) {
        SocketChannel c = connected();
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        int sent = 0;
        try {
            while (b.hasRemaining()) {
                int n = c.write(b);
                sent += n;
                if (n == 0) {
                    if (sent > 0 && nonBlocking(flags)) {
                        break;
                    }
                    try {
                        block(flags, SelectionKey.OP_WRITE, () -> (readyOps() & SelectionKey.OP_WRITE) != 0 || !c.isOpen());
                    } catch (ErrnoException e) {
                        if (sent > 0) {
                            break;
                        }
                        throw e;
                    }
                }
            }
        } catch (IOException e) {
            if (sent > 0) {
                return sent;
            }
            throw new ErrnoException(HostErrors.errno(e));
        }
        return sent;
    }

    @Override
    public Received receive(int max, int flags) {
        SocketChannel c = connected();
        byte[] from = InetAddressCodec.encode(remote(c), family);
        if (max == 0) {
            return new Received(new byte[0], 0, from);
        }
        while (true) {
            if (peeked.length > 0) {
                int n = Math.min(max, peeked.length);
                byte[] out = Arrays.copyOf(peeked, n);
                if ((flags & MSG_PEEK) == 0) {
                    peeked = Arrays.copyOfRange(peeked, n, peeked.length);
                }
                return new Received(out, n, from);
            }
            ByteBuffer b = ByteBuffer.allocate(max);
            int n;
            try {
                n = c.read(b);
            } catch (IOException e) {
                throw new ErrnoException(HostErrors.errno(e));
            }
            if (n < 0) {
                return new Received(new byte[0], 0, from);
            }
            if (n > 0) {
                byte[] out = Arrays.copyOf(b.array(), n);
                if ((flags & MSG_PEEK) != 0) {
                    peeked = out;
                }
                return new Received(out, n, from);
            }
            block(flags, SelectionKey.OP_READ, () -> (readyOps() & SelectionKey.OP_READ) != 0 || !c.isOpen());
        }
    }

    private static java.net.SocketAddress remote(SocketChannel c) {
        try {
            java.net.SocketAddress a = c.getRemoteAddress();
            return a != null ? a : new InetSocketAddress(0);
        } catch (IOException e) {
            return new InetSocketAddress(0);
        }
    }

    @Override
    public void shutdown(int how) {
        SocketChannel c = connected();
        try {
            if (how != SHUT_WR) {
                c.shutdownInput();
            }
            if (how != SHUT_RD) {
                c.shutdownOutput();
            }
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    @Override
    public byte[] localName() {
        try {
            java.net.SocketAddress a = server != null ? server.getLocalAddress() : connection != null ? connection.getLocalAddress() : null;
            return InetAddressCodec.encode(a != null ? a : new InetSocketAddress(0), family);
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    @Override
    public byte[] peerName() {
        if (connection == null || connecting) {
            throw new ErrnoException(SocketErrno.ENOTCONN);
        }
        return InetAddressCodec.encode(remote(connection), family);
    }

    @Override
    public int poll() {
        if (listening) {
            return (readyOps() & SelectionKey.OP_ACCEPT) != 0 ? POLLIN : 0;
        }
        if (connecting) {
            if ((readyOps() & SelectionKey.OP_CONNECT) == 0) {
                return 0;
            }
            finishConnect();
            if (connection == null) {
                return POLLOUT | POLLERR | POLLHUP;
            }
        }
        if (connection == null) {
            return server != null ? 0 : POLLOUT | POLLHUP;
        }
        int ops = readyOps();
        return (peeked.length > 0 || (ops & SelectionKey.OP_READ) != 0 ? POLLIN : 0) | ((ops & SelectionKey.OP_WRITE) != 0 ? POLLOUT : 0);
    }

    @Override
    public void close() {
        connecting = false;
        listening = false;
        super.close();
    }
}
