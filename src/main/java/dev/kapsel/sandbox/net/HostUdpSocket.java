package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sys.Errno;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.util.Arrays;

/**
 * A UDP socket on the host (with --network host): a non-blocking host {@link DatagramChannel},
 * opened with the socket. A datagram longer than the receive buffer is cut; the JDK does not tell
 * its full length, so MSG_TRUNC reports the length received.
 */
final class HostUdpSocket extends HostSocket {
    private static final int MAX_DATAGRAM = 65507;
    private final DatagramChannel channel;
    private Received peeked;

    HostUdpSocket(KernelLock lock, HostStack stack, int family, int flags) {
        super(lock, stack, family, flags);
        try {
            channel = stack.datagram(protocolFamily());
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
        attach(channel);
    }

    @Override
    public int socketType() {
        return SOCK_DGRAM;
    }

    @Override
    boolean knownOption(int level, int name) {
        return super.knownOption(level, name) || level == IPPROTO_IPV6 && name == IPV6_V6ONLY && family == Network.AF_INET6;
    }

    @Override
    public void setOption(int level, int name, byte[] value) {
        super.setOption(level, name, value);
        try {
            if (level == SOL_SOCKET && name == SO_REUSEADDR) {
                channel.setOption(StandardSocketOptions.SO_REUSEADDR, intOf(value) != 0);
            } else if (level == SOL_SOCKET && name == SO_BROADCAST) {
                channel.setOption(StandardSocketOptions.SO_BROADCAST, intOf(value) != 0);
            }
        } catch (IOException | UnsupportedOperationException e) {
            // kept for getsockopt only
        }
    }

    @Override
    public void bind(byte[] address, Location cwd) {
        InetSocketAddress a = InetAddressCodec.decode(address, family);
        try {
            if (channel.getLocalAddress() != null) {
                throw new ErrnoException(Errno.EINVAL);
            }
            channel.bind(a);
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    @Override
    public void connect(byte[] address, Location cwd) {
        try {
            if (InetAddressCodec.familyOf(address) == Network.AF_UNSPEC) {
                channel.disconnect();
                return;
            }
            channel.connect(InetAddressCodec.decode(address, family));
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    @Override
    public int send(byte[] data, int length, int flags, byte[] to, Location cwd) {
        if (length > MAX_DATAGRAM) {
            throw new ErrnoException(SocketErrno.EMSGSIZE);
        }
        ByteBuffer b = ByteBuffer.wrap(data, 0, length);
        while (true) {
            int n;
            try {
                if (to != null && !channel.isConnected()) {
                    n = channel.send(b, InetAddressCodec.decode(to, family));
                } else if (channel.isConnected()) {
                    n = channel.write(b);
                } else {
                    throw new ErrnoException(SocketErrno.EDESTADDRREQ);
                }
            } catch (IOException e) {
                throw new ErrnoException(HostErrors.errno(e));
            }
            if (n > 0 || length == 0) {
                return n;
            }
            block(flags, SelectionKey.OP_WRITE, () -> (readyOps() & SelectionKey.OP_WRITE) != 0);
        }
    }

    @Override
    public Received receive(int max, int flags) {
        while (true) {
            Received r = peeked;
            if (r == null) {
                ByteBuffer b = ByteBuffer.allocate(Math.max(max, 1));
                java.net.SocketAddress from;
                try {
                    from = channel.receive(b);
                } catch (IOException e) {
                    throw new ErrnoException(HostErrors.errno(e));
                }
                if (from != null) {
                    int n = Math.min(b.position(), max);
                    r = new Received(Arrays.copyOf(b.array(), n), b.position(), InetAddressCodec.encode(from, family));
                }
            }
            if (r != null) {
                peeked = (flags & MSG_PEEK) != 0 ? r : null;
                byte[] data = r.data().length <= max ? r.data() : Arrays.copyOf(r.data(), max);
                return new Received(data, r.fullLength(), r.from());
            }
            block(flags, SelectionKey.OP_READ, () -> (readyOps() & SelectionKey.OP_READ) != 0);
        }
    }

    @Override
    public void shutdown(int how) {
        if (how < SHUT_RD || how > SHUT_RDWR) {
            throw new ErrnoException(Errno.EINVAL);
        }
        if (!channel.isConnected()) {
            throw new ErrnoException(SocketErrno.ENOTCONN);
        }
    }

    @Override
    public byte[] localName() {
        try {
            java.net.SocketAddress a = channel.getLocalAddress();
            return InetAddressCodec.encode(a != null ? a : new InetSocketAddress(0), family);
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    @Override
    public byte[] peerName() {
        try {
            java.net.SocketAddress a = channel.getRemoteAddress();
            if (a == null) {
                throw new ErrnoException(SocketErrno.ENOTCONN);
            }
            return InetAddressCodec.encode(a, family);
        } catch (IOException e) {
            throw new ErrnoException(HostErrors.errno(e));
        }
    }

    @Override
    public int poll() {
        int ops = readyOps();
        return (peeked != null || (ops & SelectionKey.OP_READ) != 0 ? POLLIN : 0) | ((ops & SelectionKey.OP_WRITE) != 0 ? POLLOUT : 0);
    }
}
