package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sandbox.fs.Vfs;

/**
 * One sandbox's socket layer: which address families and types socket(2) and socketpair(2) can
 * make. AF_UNIX stream and datagram sockets always (named in the sandbox's VFS or its abstract
 * namespace); AF_INET and AF_INET6 TCP and UDP only with a network ({@link NetworkMode#HOST} or a
 * {@link NetworkMode.Namespace}, the host sockets opened there), else EAFNOSUPPORT; with a network
 * also NETLINK_ROUTE, read-only ({@link NetlinkRouteSocket}). SOCK_SEQPACKET, raw sockets and other families are not offered.
 */
public final class Network {
    public static final int AF_UNSPEC = 0, AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10, AF_NETLINK = 16;
    private static final int SOCK_RAW = 3, NETLINK_ROUTE = 0;
    private static final int SOCK_SEQPACKET = 5;
    private static final int IPPROTO_TCP = 6, IPPROTO_UDP = 17;
    private final KernelLock lock;
    private final UnixNamespace unix;
    private final NetworkMode mode;
    /** Where AF_INET/AF_INET6 sockets are opened; null without a network. */
    private final HostStack stack;
    /** The next netlink port id an unbound socket takes (Linux starts from the process id; any unique number will do). */
    private int nextPortId = 1;

    public Network(KernelLock lock, Vfs vfs, NetworkMode mode) {
        this.lock = lock;
        this.unix = new UnixNamespace(vfs);
        this.mode = mode;
        this.stack = mode.hasInet() ? new HostStack(mode) : null;
    }

    public NetworkMode mode() {
        return mode;
    }

    /** socket(domain, type &amp; 0xf, protocol); {@code flags} may hold O_NONBLOCK. */
    public SandboxSocket create(int domain, int type, int protocol, int flags) {
        switch (domain) {
            case AF_UNIX -> {
                if (protocol != 0) {
                    throw new ErrnoException(SocketErrno.EPROTONOSUPPORT);
                }
                return switch (type) {
                    case SandboxSocket.SOCK_STREAM -> new UnixStreamSocket(lock, unix, flags);
                    case SandboxSocket.SOCK_DGRAM -> new UnixDatagramSocket(lock, unix, flags);
                    default -> throw new ErrnoException(SocketErrno.ESOCKTNOSUPPORT);
                };
            }
            case AF_INET, AF_INET6 -> {
                if (stack == null) {
                    throw new ErrnoException(SocketErrno.EAFNOSUPPORT);
                }
                return switch (type) {
                    case SandboxSocket.SOCK_STREAM -> {
                        if (protocol != 0 && protocol != IPPROTO_TCP) {
                            throw new ErrnoException(SocketErrno.EPROTONOSUPPORT);
                        }
                        yield new HostTcpSocket(lock, stack, domain, flags);
                    }
                    case SandboxSocket.SOCK_DGRAM -> {
                        if (protocol != 0 && protocol != IPPROTO_UDP) {
                            throw new ErrnoException(SocketErrno.EPROTONOSUPPORT);
                        }
                        yield new HostUdpSocket(lock, stack, domain, flags);
                    }
                    default -> throw new ErrnoException(SocketErrno.ESOCKTNOSUPPORT);
                };
            }
            case AF_NETLINK -> {
                if (stack == null) {
                    throw new ErrnoException(SocketErrno.EAFNOSUPPORT);
                }
                if (protocol != NETLINK_ROUTE) {
                    throw new ErrnoException(SocketErrno.EPROTONOSUPPORT);
                }
                if (type != SOCK_RAW && type != SandboxSocket.SOCK_DGRAM) {
                    throw new ErrnoException(SocketErrno.ESOCKTNOSUPPORT);
                }
                return new NetlinkRouteSocket(lock, stack, type, flags, () -> nextPortId++);
            }
            default -> throw new ErrnoException(SocketErrno.EAFNOSUPPORT);
        }
    }

    /** Whether ioctl {@code request} on a socket is an interface request ({@link InterfaceRequests}). */
    public static boolean isInterfaceRequest(long request) {
        return InterfaceRequests.covers(request);
    }

    /** sizeof(struct ifreq): what an interface request reads and writes back. */
    public static final int IFREQ_SIZE = InterfaceRequests.IFREQ_SIZE;

    /**
     * An interface ioctl on a socket: the ifreq to copy back, answered from the network's interfaces;
     * without a network ENOTTY, as every socket ioctl has failed so far.
     */
    public byte[] interfaceRequest(long request, byte[] ifreq) {
        if (stack == null) {
            throw new ErrnoException(dev.kapsel.sys.Errno.ENOTTY);
        }
        return InterfaceRequests.answer(request, ifreq, stack.interfaces());
    }

    /** socketpair(AF_UNIX, type): two connected sockets. SOCK_SEQPACKET is served as a stream (message boundaries are not kept). */
    public SandboxSocket[] pair(int domain, int type, int protocol, int flags) {
        if (domain != AF_UNIX) {
            throw new ErrnoException(domain == AF_INET || domain == AF_INET6 ? dev.kapsel.sys.Errno.EOPNOTSUPP : SocketErrno.EAFNOSUPPORT);
        }
        if (protocol != 0) {
            throw new ErrnoException(SocketErrno.EPROTONOSUPPORT);
        }
        return switch (type) {
            case SandboxSocket.SOCK_STREAM, SOCK_SEQPACKET -> UnixStreamSocket.pair(lock, unix, flags);
            case SandboxSocket.SOCK_DGRAM -> UnixDatagramSocket.pair(lock, unix, flags);
            default -> throw new ErrnoException(SocketErrno.ESOCKTNOSUPPORT);
        };
    }
}
