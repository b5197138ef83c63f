package dev.kapsel.devices.virtio.vsock;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One vsock stream between a guest port and a host Unix socket, with the credit accounting of virtio
 * 1.2, 5.10.6.3 on both sides.
 *
 * <p>Guest to host: bytes the host socket does not take at once wait in {@link #toHost}, allocated on
 * first need and never larger than the {@link #BUF_ALLOC} the device advertises, so a guest that
 * ignores its credit is caught (and reset) instead of growing a buffer. {@link #fwdCnt} counts bytes
 * written to the host socket and travels back in every packet's {@code fwd_cnt}.
 *
 * <p>Host to guest: the device reads from the host socket only as much as the guest's advertised
 * {@code buf_alloc - (tx_cnt - fwd_cnt)} allows, so nothing is buffered on this side at all.
 *
 * <p>Not thread-safe: the {@link VsockMuxer} that owns it runs under the device lock.
 */
final class VsockConnection {
    /** Receive buffer the device advertises for each connection (buf_alloc). */
    static final int BUF_ALLOC = 64 * 1024;

    enum State {
        /** Guest-initiated: the Unix connect to {@code <uds>_<port>} is in progress. */
        CONNECTING_HOST,
        /** Host-initiated: a REQUEST is queued or sent; waiting for the guest's RESPONSE. */
        AWAITING_RESPONSE,
        ESTABLISHED,
        /** The guest closed; flushing what it sent to the host socket, then a RST. */
        CLOSING
    }

    final int localPort;
    final int peerPort;
    final SocketChannel channel;
    SelectionKey key;
    State state;

    // Control packets owed to the guest.
    boolean needRequest;
    boolean needResponse;
    boolean needCreditUpdate;
    int needShutdownFlags;

    /** "OK <port>\n" for the host, written before any data. */
    ByteBuffer hello;
    /** Guest data the host socket has not taken yet (write mode), or {@code null}. */
    ByteBuffer toHost;

    /** Bytes received from the guest, and written to the host (fwd_cnt), and fwd_cnt last sent. */
    int rxCnt;
    int fwdCnt;
    int fwdCntSent;
    /** Bytes sent to the guest, and the guest's last buf_alloc and fwd_cnt. */
    int txCnt;
    int peerBufAlloc;
    int peerFwdCnt;

    /** The selector said the host socket is readable and we have not yet drained it. */
    boolean hostReadable;
    boolean hostEof;
    boolean guestShutSend;
    boolean guestShutRcv;
    /** Sitting in the muxer's queue of connections with something for the guest. */
    boolean queued;

    VsockConnection(int localPort, int peerPort, SocketChannel channel, State state) {
        this.localPort = localPort;
        this.peerPort = peerPort;
        this.channel = channel;
        this.state = state;
    }

    /** Records the credit fields of a packet from the guest. */
    void peerCredit(VsockHeader h) {
        peerBufAlloc = h.bufAlloc();
        peerFwdCnt = h.fwdCnt();
    }

    /** Bytes the guest can take now; 0 when it lied (fwd_cnt ahead of what we sent counts as nothing in flight). */
    long peerCredit() {
        long inFlight = Integer.toUnsignedLong(txCnt - peerFwdCnt);
        long credit = Integer.toUnsignedLong(peerBufAlloc) - inFlight;
        return Math.max(0, Math.min(credit, Integer.MAX_VALUE));
    }

    void established() {
        state = State.ESTABLISHED;
    }

    void sayHello() {
        hello = ByteBuffer.wrap(("OK " + Integer.toUnsignedString(localPort) + "\n").getBytes(StandardCharsets.US_ASCII));
    }

    int pendingToHost() {
        return toHost == null ? 0 : toHost.position();
    }

    /**
     * Takes guest data for the host: writes what the socket accepts, keeps the rest.
     *
     * @return false when the guest sent more than its credit allows
     */
    boolean acceptFromGuest(ByteBuffer payload) throws IOException {
        int length = payload.remaining();
        rxCnt += length;
        flushToHost();
        if (pendingToHost() == 0 && (hello == null || !hello.hasRemaining())) {
            fwdCnt += channel.write(payload);
        }
        if (!payload.hasRemaining()) {
            return true;
        }
        if (pendingToHost() + payload.remaining() > BUF_ALLOC) {
            return false;
        }
        if (toHost == null) {
            toHost = ByteBuffer.allocate(BUF_ALLOC);
        }
        toHost.put(payload);
        return true;
    }

    /** Writes the hello line and pending guest data to the host socket as far as it accepts them. */
    void flushToHost() throws IOException {
        if (hello != null && hello.hasRemaining()) {
            channel.write(hello);
            if (hello.hasRemaining()) {
                return;
            }
        }
        if (pendingToHost() > 0) {
            toHost.flip();
            fwdCnt += channel.write(toHost);
            toHost.compact();
        }
    }

    boolean hostWritePending() {
        return (hello != null && hello.hasRemaining()) || pendingToHost() > 0;
    }

    /** The guest's view of our free buffer is low and we have forwarded bytes it does not know of yet. */
    boolean creditUpdateDue() {
        int guestThinksUsed = rxCnt - fwdCntSent;
        return fwdCnt != fwdCntSent && Integer.compareUnsigned(guestThinksUsed, BUF_ALLOC / 2) >= 0;
    }

    boolean hasControl() {
        return needRequest || needResponse || needCreditUpdate || needShutdownFlags != 0;
    }

    /** Whether the device should read the host socket for the guest: open, readable and with credit. */
    boolean wantsToSendData() {
        return state == State.ESTABLISHED && hostReadable && !hostEof && !guestShutRcv && peerCredit() > 0;
    }

    /** Whether the selector should watch for readability. */
    boolean wantsReadInterest() {
        return state == State.ESTABLISHED && !hostReadable && !hostEof && !guestShutRcv && peerCredit() > 0;
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing a Unix socket does not fail in a way we could act on
        }
    }
}
