package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One of the host process's standard streams (or its terminal) as the program's stdin, stdout or
 * stderr: reads and writes go to the host file descriptor; TCGETS and TIOCGWINSZ are answered by it.
 */
public final class HostStream extends Node {
    public static final long TCGETS = 0x5401, TIOCGWINSZ = 0x5413, TIOCGPGRP = 0x540f, FIONREAD = 0x541b;
    private final int hostFd;
    private final String name;

    public HostStream(int hostFd, String name) {
        this.hostFd = hostFd;
        this.name = name;
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
            public int read(byte[] buf, int length) {
                try (Arena a = Arena.ofConfined()) {
                    MemorySegment s = a.allocate(Math.max(1, length));
                    int n = (int) Libc.read(hostFd, s, length);
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
                    int done = 0;
                    while (done < length) {
                        done += (int) Libc.write(hostFd, s.asSlice(done), length - done);
                    }
                    return length;
                } catch (SyscallException e) {
                    throw new ErrnoException(e.errno());
                }
            }

            @Override
            public byte[] ioctl(long request) {
                int size;
                if (request == TCGETS) {
                    size = 36;
                } else if (request == TIOCGWINSZ) {
                    size = 8;
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
