package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.FdStreams;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.Poll;
import dev.kapsel.sys.SyscallException;
import dev.kapsel.sys.Terminal;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One of the host process's standard streams (or its terminal) as the program's stdin, stdout or
 * stderr: reads and writes go to the host file descriptor; TCGETS and TIOCGWINSZ are answered by it.
 */
public final class HostStream extends Node {
    private final int hostFd;
    private final String name;
    private final KernelLock lock;

    public HostStream(int hostFd, String name) {
        this(hostFd, name, null);
    }

    /** With {@code lock}, a read that would block waits with the kernel lock released, and a signal ends it. */
    public HostStream(int hostFd, String name, KernelLock lock) {
        this.hostFd = hostFd;
        this.name = name;
        this.lock = lock;
    }

    /** The host's poll(2) of this stream now: POLLIN/POLLOUT/POLLHUP/POLLERR for {@code events}. */
    public int pollHost(int events) {
        try {
            return Poll.ready(hostFd, events, 0);
        } catch (SyscallException e) {
            return 0;
        }
    }

    public int hostFd() {
        return hostFd;
    }

    public String name() {
        return name;
    }

    @Override
    public Stat stat() {
        return new Stat(7, ino(), S_IFCHR | 0620, 1, 0, 0, (136L << 8), 0, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        return new OpenFile() {
            private int status = flags;

            @Override
            public Node node() {
                return HostStream.this;
            }

            @Override
            public int poll() {
                return pollHost(OpenFile.POLLIN | OpenFile.POLLOUT);
            }

            @Override
            public boolean hostBacked() {
                return true;
            }

            @Override
            public boolean stream() {
                return true;
            }

            @Override
            public int read(byte[] buf, int length) {
                if (lock != null && lock.heldByCurrentThread() && length > 0) {
                    if ((status & OpenFile.O_NONBLOCK) != 0) {
                        if ((pollHost(OpenFile.POLLIN) & (OpenFile.POLLIN | OpenFile.POLLHUP | OpenFile.POLLERR)) == 0) {
                            throw new ErrnoException(Errno.EAGAIN);
                        }
                    } else {
                        lock.await(() -> (pollHost(OpenFile.POLLIN) & (OpenFile.POLLIN | OpenFile.POLLHUP | OpenFile.POLLERR)) != 0,
                                Long.MAX_VALUE, 20_000_000L);
                    }
                }
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment s = a.allocate(Math.max(1, length));
                    // A non-blocking read gets the host's EAGAIN; a blocking one waits for the host stream.
                    boolean nonBlocking = (status & OpenFile.O_NONBLOCK) != 0;
                    int n = (int) (nonBlocking ? Libc.read(hostFd, s, length) : FdStreams.read(hostFd, s, length));
                    MemorySegment.copy(s, ValueLayout.JAVA_BYTE, 0, buf, 0, n);
                    return n;
                } catch (SyscallException e) {
                    throw new ErrnoException(e.errno());
                }
            }

            @Override
            public int write(byte[] buf, int offset, int length) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment s = a.allocate(Math.max(1, length));
                    MemorySegment.copy(buf, offset, s, ValueLayout.JAVA_BYTE, 0, length);
                    FdStreams.writeFully(hostFd, s, length);
                    return length;
                } catch (SyscallException e) {
                    throw new ErrnoException(e.errno());
                }
            }

            @Override
            public byte[] ioctl(long request) {
                int size;
                if (request == Terminal.TCGETS) {
                    size = Terminal.TERMIOS_SIZE;
                } else if (request == Terminal.TIOCGWINSZ) {
                    size = Terminal.WINSIZE_SIZE;
                } else {
                    throw new ErrnoException(Errno.ENOTTY);
                }
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment s = a.allocate(64);
                    Libc.ioctl(hostFd, request, s);
                    return s.asSlice(0, size).toArray(ValueLayout.JAVA_BYTE);
                } catch (SyscallException e) {
                    throw new ErrnoException(e.errno());
                }
            }

            @Override
            public int statusFlags() {
                return status;
            }

            @Override
            public void setStatusFlags(int f) {
                status = f;
            }
        };
    }
}
