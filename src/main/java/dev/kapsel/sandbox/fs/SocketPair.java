package dev.kapsel.sandbox.fs;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.KernelLock;
import dev.kapsel.sys.Errno;

/**
 * A connected pair of AF_UNIX stream sockets, made of two {@link Pipe}s (one per direction):
 * socketpair(2), and what connect/accept produce for named sockets.
 */
public final class SocketPair {
    private SocketPair() {}

    /** The two ends; {@code flags} may hold O_NONBLOCK. */
    public static End[] create(KernelLock lock, int flags) {
        Pipe ab = new Pipe(lock);
        Pipe ba = new Pipe(lock);
        return new End[] {new End(ab.writeEnd(flags), ba.readEnd(flags), flags), new End(ba.writeEnd(flags), ab.readEnd(flags), flags)};
    }

    /** One end: reads the peer's writes, writes what the peer reads; shutdown(2) per direction. */
    public static final class End extends SocketNode {
        private final OpenFile out;
        private final OpenFile in;
        private boolean readShut, writeShut;

        End(OpenFile out, OpenFile in, int flags) {
            super(flags);
            this.out = out;
            this.in = in;
        }

        @Override
        public int read(byte[] buf, int length) {
            if (readShut) {
                return 0;
            }
            in.setStatusFlags(statusFlags());
            return in.read(buf, length);
        }

        /** recv(MSG_PEEK): copies up to {@code length} waiting bytes without taking them; never waits. */
        public int peek(byte[] buf, int length) {
            return readShut ? 0 : ((Pipe) in.node()).peek(buf, length);
        }

        /** Bytes waiting to be read (FIONREAD). */
        public int available() {
            return ((Pipe) in.node()).available();
        }

        @Override
        public int write(byte[] buf, int offset, int length) {
            if (writeShut) {
                throw new ErrnoException(Errno.EPIPE);
            }
            out.setStatusFlags(statusFlags() | 1);
            return out.write(buf, offset, length);
        }

        /** shutdown(2): 0 reads, 1 writes, 2 both. */
        public void shutdown(int how) {
            if (how == 0 || how == 2) {
                readShut = true;
            }
            if ((how == 1 || how == 2) && !writeShut) {
                writeShut = true;
                out.close();
            }
        }

        @Override
        public int poll() {
            int r = in.poll() & (POLLIN | POLLHUP);
            int w = writeShut ? 0 : out.poll() & POLLOUT;
            return r | w;
        }

        @Override
        public void close() {
            in.close();
            if (!writeShut) {
                out.close();
            }
        }
    }
}
