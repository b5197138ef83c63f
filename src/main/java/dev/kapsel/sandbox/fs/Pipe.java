package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sys.Errno;

/**
 * A pipe: a 64 KiB ring buffer with a read end and a write end. Reads wait for data or for the
 * last writer to go (end of file); writes wait for room, writes of up to {@link #PIPE_BUF} bytes
 * are atomic, and a write with no reader left fails with EPIPE (the caller raises SIGPIPE). Waits
 * release the {@link KernelLock} and end early with a signal. Also the two directions of a
 * connected AF_UNIX stream socket.
 */
public final class Pipe extends Node {
    public static final int CAPACITY = 64 << 10;
    public static final int PIPE_BUF = 4096;
    private final KernelLock lock;
    private final byte[] ring = new byte[CAPACITY];
    private int head;
    private int count;
    private int readers;
    private int writers;

    public Pipe(KernelLock lock) {
        this.lock = lock;
    }

    @Override
    public Stat stat() {
        return new Stat(9, ino(), S_IFIFO | 0600, 1, 0, 0, 0, count, 0, 0);
    }

    @Override
    public OpenFile open(int flags) {
        throw new ErrnoException(Errno.ENXIO);
    }

    /** Open read ends. */
    int readers() {
        return readers;
    }

    /** Open write ends. */
    int writers() {
        return writers;
    }

    /** Data waiting to be read. */
    public int available() {
        return count;
    }

    void dropReader() {
        readers--;
        lock.wakeAll();
    }

    void dropWriter() {
        writers--;
        lock.wakeAll();
    }

    /** Reads up to {@code length} bytes; 0 at end of file; waits for data unless {@code nonBlocking}. */
    public int read(byte[] dst, int length, boolean nonBlocking) {
        if (length == 0) {
            return 0;
        }
        if (count == 0) {
            if (writers == 0) {
                return 0;
            }
            if (nonBlocking) {
                throw new ErrnoException(Errno.EAGAIN);
            }
            lock.await(() -> count > 0 || writers == 0, Long.MAX_VALUE);
            if (count == 0) {
                return 0;
            }
        }
        int n = Math.min(length, count);
        int first = Math.min(n, CAPACITY - head);
        System.arraycopy(ring, head, dst, 0, first);
        System.arraycopy(ring, 0, dst, first, n - first);
        head = (head + n) % CAPACITY;
        count -= n;
        lock.wakeAll();
        return n;
    }

    /** Copies up to {@code length} waiting bytes without taking them. */
    public int peek(byte[] dst, int length) {
        int n = Math.min(length, count);
        int first = Math.min(n, CAPACITY - head);
        System.arraycopy(ring, head, dst, 0, first);
        System.arraycopy(ring, 0, dst, first, n - first);
        return n;
    }

    /** Writes all of {@code src[offset..offset+length)}, waiting for room unless {@code nonBlocking}. */
    public int write(byte[] src, int offset, int length, boolean nonBlocking) {
        int done = 0;
        while (done < length) {
            if (readers == 0) {
                if (done > 0) {
                    return done;
                }
                throw new ErrnoException(Errno.EPIPE);
            }
            int room = CAPACITY - count;
            int need = length - done <= PIPE_BUF ? length - done : 1;
            if (room < need) {
                if (nonBlocking) {
                    if (done > 0) {
                        return done;
                    }
                    throw new ErrnoException(Errno.EAGAIN);
                }
                try {
                    lock.await(() -> CAPACITY - count >= need || readers == 0, Long.MAX_VALUE);
                } catch (ErrnoException e) {
                    if (done > 0) {
                        return done;
                    }
                    throw e;
                }
                continue;
            }
            int n = Math.min(length - done, room);
            int tail = (head + count) % CAPACITY;
            int first = Math.min(n, CAPACITY - tail);
            System.arraycopy(src, offset + done, ring, tail, first);
            System.arraycopy(src, offset + done + first, ring, 0, n - first);
            count += n;
            done += n;
            lock.wakeAll();
        }
        return done;
    }

    /** The read end, opened with {@code flags} (O_NONBLOCK counts). */
    public OpenFile readEnd(int flags) {
        readers++;
        return new End(flags, true);
    }

    public OpenFile writeEnd(int flags) {
        writers++;
        return new End(flags | 1, false);
    }

    private final class End implements OpenFile {
        private int status;
        private final boolean reader;
        private boolean closed;

        End(int flags, boolean reader) {
            this.status = flags;
            this.reader = reader;
        }

        @Override
        public Node node() {
            return Pipe.this;
        }

        @Override
        public int read(byte[] buf, int length) {
            if (!reader) {
                throw new ErrnoException(Errno.EBADF);
            }
            return Pipe.this.read(buf, length, (status & O_NONBLOCK) != 0);
        }

        @Override
        public int write(byte[] buf, int offset, int length) {
            if (reader) {
                throw new ErrnoException(Errno.EBADF);
            }
            return Pipe.this.write(buf, offset, length, (status & O_NONBLOCK) != 0);
        }

        @Override
        public int poll() {
            if (reader) {
                return (count > 0 ? POLLIN : 0) | (writers == 0 ? POLLHUP : 0);
            }
            return (count < CAPACITY ? POLLOUT : 0) | (readers == 0 ? POLLERR : 0);
        }

        @Override
        public boolean stream() {
            return true;
        }

        @Override
        public int statusFlags() {
            return status;
        }

        @Override
        public void setStatusFlags(int flags) {
            status = flags;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (reader) {
                dropReader();
            } else {
                dropWriter();
            }
        }
    }
}
