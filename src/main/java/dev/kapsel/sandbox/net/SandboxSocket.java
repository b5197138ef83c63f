package dev.kapsel.sandbox.net;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.fs.Location;
import dev.kapsel.sandbox.fs.OpenFile;

/**
 * A socket as the socket system calls see it. Addresses cross this interface as the raw sockaddr
 * bytes the program passed (each family decodes its own), and {@code cwd} is where relative
 * AF_UNIX path names start. Operations a kind of socket does not have fail with EOPNOTSUPP.
 * Blocking calls wait with the kernel lock released and end with ERESTARTSYS on a signal.
 */
public interface SandboxSocket extends OpenFile {
    int SOCK_STREAM = 1, SOCK_DGRAM = 2;
    int MSG_OOB = 0x1, MSG_PEEK = 0x2, MSG_TRUNC = 0x20, MSG_DONTWAIT = 0x40, MSG_WAITALL = 0x100,
            MSG_NOSIGNAL = 0x4000;
    int SHUT_RD = 0, SHUT_WR = 1, SHUT_RDWR = 2;

    /** What a receive returns: the bytes taken (at most the buffer), the datagram's full length, and the sender. */
    record Received(byte[] data, int fullLength, byte[] from) {}

    int family();

    int socketType();

    void bind(byte[] address, Location cwd);

    default void listen(int backlog) {
        throw new ErrnoException(dev.kapsel.sys.Errno.EOPNOTSUPP);
    }

    /** The next connection, waiting for one unless non-blocking; {@code flags} (O_NONBLOCK) apply to the new socket. */
    default SandboxSocket accept(int flags) {
        throw new ErrnoException(dev.kapsel.sys.Errno.EOPNOTSUPP);
    }

    void connect(byte[] address, Location cwd);

    /** Sends {@code data[0..length)} to the connected peer or {@code to} (null: the peer); returns the count sent. */
    int send(byte[] data, int length, int flags, byte[] to, Location cwd);

    /** Receives at most {@code max} bytes. */
    Received receive(int max, int flags);

    void shutdown(int how);

    /** getsockname. */
    byte[] localName();

    /** getpeername; ENOTCONN when not connected. */
    byte[] peerName();

    void setOption(int level, int name, byte[] value);

    /** getsockopt's value bytes. */
    byte[] option(int level, int name);
}
