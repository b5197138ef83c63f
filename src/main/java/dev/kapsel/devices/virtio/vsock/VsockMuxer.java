package dev.kapsel.devices.virtio.vsock;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The host side of virtio-vsock, as Firecracker does it: guest streams multiplexed onto Unix sockets.
 * It listens on {@code <uds>}, where a host program connects and says {@code CONNECT <port>\n} to reach
 * guest port {@code <port>} (and hears {@code OK <host port>\n} once the guest accepts); a guest
 * connection to host port P is connected to the Unix socket {@code <uds>_P}.
 *
 * <p>It turns the guest's packets into socket operations ({@link #fromGuest}) and socket events into
 * packets for the guest ({@link #nextPacket}); the {@link VsockDevice} moves the packets through the
 * virtqueues. All host sockets are non-blocking and watched by one {@link Selector}.
 *
 * <p>Bounds, since the guest is hostile: at most {@link #MAX_CONNECTIONS} connections and
 * {@link #MAX_HANDSHAKES} unfinished host handshakes; each connection buffers at most
 * {@link VsockConnection#BUF_ALLOC} bytes; at most {@link #MAX_PENDING_RESETS} RST replies wait for
 * the guest (more are dropped: the guest only loses answers to its own bad packets).
 *
 * <p>Not thread-safe: the device calls it under its lock, from its I/O thread or the transport.
 */
final class VsockMuxer implements AutoCloseable {
    static final long HOST_CID = 2;
    static final int MAX_CONNECTIONS = 256;
    static final int MAX_HANDSHAKES = 64;
    static final int MAX_PENDING_RESETS = 1024;
    /** Host-initiated connections get local ports from here up (as Firecracker: above any guest-chosen port in practice). */
    static final int FIRST_LOCAL_PORT = 1 << 30;

    private final Path udsPath;
    private final long guestCid;
    private final Selector selector;
    private final ServerSocketChannel listener;
    private final Map<Long, VsockConnection> connections = new HashMap<>();
    private final List<HostHandshake> handshakes = new ArrayList<>();
    /** Connections with something for the guest, each at most once, served in turn. */
    private final ArrayDeque<VsockConnection> sendQueue = new ArrayDeque<>();
    /** RST replies owed to the guest for packets of no (or a dead) connection: {src_port, dst_port}. */
    private final ArrayDeque<int[]> resets = new ArrayDeque<>();
    private int nextLocalPort = FIRST_LOCAL_PORT;
    private long droppedResets;

    /** Binds {@code udsPath} (replacing a stale socket file) and listens. */
    VsockMuxer(Path udsPath, long guestCid) throws IOException {
        this.udsPath = udsPath;
        this.guestCid = guestCid;
        Files.deleteIfExists(udsPath);
        this.selector = Selector.open();
        this.listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        listener.bind(UnixDomainSocketAddress.of(udsPath));
        listener.configureBlocking(false);
        listener.register(selector, SelectionKey.OP_ACCEPT);
    }

    Path udsPath() {
        return udsPath;
    }

    int connectionCount() {
        return connections.size();
    }

    long droppedResets() {
        return droppedResets;
    }

    private static long key(int localPort, int peerPort) {
        return (Integer.toUnsignedLong(localPort) << 32) | Integer.toUnsignedLong(peerPort);
    }

    // ---- packets from the guest ----

    /**
     * Acts on one packet from the guest. {@code payload} holds exactly its {@code len} bytes (the device
     * checked that the chain has them and that {@code len} is within bounds).
     */
    void fromGuest(VsockHeader h, ByteBuffer payload) {
        if (h.srcCid() != guestCid || h.dstCid() != HOST_CID || h.type() != VsockHeader.TYPE_STREAM) {
            replyReset(h);
            return;
        }
        VsockConnection c = connections.get(key(h.dstPort(), h.srcPort()));
        if (h.op() == VsockHeader.OP_REQUEST) {
            if (c != null) {
                replyReset(h); // a second REQUEST for a live stream
            } else {
                openToHost(h);
            }
            return;
        }
        if (c == null) {
            replyReset(h);
            return;
        }
        c.peerCredit(h);
        switch (h.op()) {
            case VsockHeader.OP_RESPONSE -> {
                if (c.state != VsockConnection.State.AWAITING_RESPONSE) {
                    reset(c);
                    return;
                }
                c.established();
                c.sayHello();
            }
            case VsockHeader.OP_RST -> drop(c);
            case VsockHeader.OP_SHUTDOWN -> guestShutdown(c, h.flags());
            case VsockHeader.OP_RW -> guestData(c, payload);
            case VsockHeader.OP_CREDIT_UPDATE -> { }
            case VsockHeader.OP_CREDIT_REQUEST -> c.needCreditUpdate = true;
            default -> {
                reset(c);
                return;
            }
        }
        if (connections.containsKey(key(c.localPort, c.peerPort))) {
            flush(c);
            refresh(c);
        }
    }

    /** The guest connects to host port {@code dst_port}: connect to {@code <uds>_<port>}. */
    private void openToHost(VsockHeader h) {
        if (connections.size() >= MAX_CONNECTIONS) {
            replyReset(h);
            return;
        }
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.configureBlocking(false);
            Path target = Path.of(udsPath + "_" + Integer.toUnsignedString(h.dstPort()));
            boolean connected = channel.connect(UnixDomainSocketAddress.of(target));
            VsockConnection c = new VsockConnection(h.dstPort(), h.srcPort(), channel,
                    connected ? VsockConnection.State.ESTABLISHED : VsockConnection.State.CONNECTING_HOST);
            c.peerCredit(h);
            c.key = channel.register(selector, 0, c);
            connections.put(key(c.localPort, c.peerPort), c);
            c.needResponse = connected;
            refresh(c);
        } catch (IOException | RuntimeException e) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // already failing
                }
            }
            replyReset(h);
        }
    }

    private void guestData(VsockConnection c, ByteBuffer payload) {
        if (c.state != VsockConnection.State.ESTABLISHED || c.guestShutSend) {
            reset(c);
            return;
        }
        try {
            if (!c.acceptFromGuest(payload)) {
                reset(c); // the guest ignored the credit we gave it
            }
        } catch (IOException e) {
            reset(c); // the host end went away
        }
    }

    private void guestShutdown(VsockConnection c, int flags) {
        if ((flags & VsockHeader.SHUTDOWN_RCV) != 0) {
            c.guestShutRcv = true;
        }
        if ((flags & VsockHeader.SHUTDOWN_SEND) != 0) {
            c.guestShutSend = true;
        }
        if (c.guestShutRcv && c.guestShutSend) {
            c.state = VsockConnection.State.CLOSING; // flush, then close and RST
        }
    }

    // ---- host sockets ----

    /**
     * Handles what the selector reported since the last call (without blocking): new host connections,
     * handshake lines, finished connects, writable and readable sockets.
     */
    void pollHost() {
        try {
            selector.selectNow(this::ready);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("vsock selector failed", e);
        }
    }

    /**
     * Blocks until a host socket is ready or {@link #wakeup} is called. The events themselves are
     * handled by the next {@link #pollHost} under the device lock (the selector is level-triggered,
     * so it reports them again).
     */
    void await() throws IOException {
        selector.select();
        selector.selectedKeys().clear();
    }

    void wakeup() {
        selector.wakeup();
    }

    private void ready(SelectionKey key) {
        if (!key.isValid()) {
            return;
        }
        Object attachment = key.attachment();
        if (attachment == null) {
            acceptHost();
        } else if (attachment instanceof HostHandshake hs) {
            handshake(key, hs);
        } else if (attachment instanceof VsockConnection c) {
            connectionReady(key, c);
        }
    }

    private void acceptHost() {
        try {
            SocketChannel channel;
            while ((channel = listener.accept()) != null) {
                if (handshakes.size() >= MAX_HANDSHAKES) {
                    channel.close();
                    continue;
                }
                channel.configureBlocking(false);
                HostHandshake hs = new HostHandshake(channel);
                handshakes.add(hs);
                channel.register(selector, SelectionKey.OP_READ, hs);
            }
        } catch (IOException e) {
            // a failed accept loses only that host connection
        }
    }

    private void handshake(SelectionKey key, HostHandshake hs) {
        switch (hs.read()) {
            case INCOMPLETE -> { }
            case FAILED -> {
                handshakes.remove(hs);
                key.cancel();
                hs.close();
            }
            case DONE -> {
                handshakes.remove(hs);
                if (connections.size() >= MAX_CONNECTIONS) {
                    key.cancel();
                    hs.close();
                    return;
                }
                VsockConnection c = new VsockConnection(allocateLocalPort(), hs.port(), hs.channel,
                        VsockConnection.State.AWAITING_RESPONSE);
                c.key = key;
                key.attach(c);
                key.interestOps(0);
                c.needRequest = true;
                connections.put(key(c.localPort, c.peerPort), c);
                refresh(c);
            }
        }
    }

    private int allocateLocalPort() {
        while (true) {
            int port = nextLocalPort;
            nextLocalPort = nextLocalPort == Integer.MAX_VALUE ? FIRST_LOCAL_PORT : nextLocalPort + 1;
            boolean used = false;
            for (VsockConnection c : connections.values()) {
                if (c.localPort == port) {
                    used = true;
                    break;
                }
            }
            if (!used) {
                return port; // connections are bounded, so a free port is always near
            }
        }
    }

    private void connectionReady(SelectionKey key, VsockConnection c) {
        if (key.isConnectable()) {
            try {
                if (c.channel.finishConnect()) {
                    c.established();
                    c.needResponse = true;
                }
            } catch (IOException e) {
                reset(c);
                return;
            }
        }
        if (key.isValid() && key.isWritable()) {
            flush(c);
        }
        if (key.isValid() && key.isReadable()) {
            c.hostReadable = true;
        }
        if (connections.containsKey(key(c.localPort, c.peerPort))) {
            refresh(c);
        }
    }

    /** Writes pending guest data; a CLOSING connection ends once it is all out. */
    private void flush(VsockConnection c) {
        try {
            c.flushToHost();
        } catch (IOException e) {
            reset(c);
            return;
        }
        if (c.state == VsockConnection.State.CLOSING && !c.hostWritePending()) {
            reset(c);
            return;
        }
        if (c.guestShutSend && !c.hostWritePending()) {
            try {
                c.channel.shutdownOutput();
            } catch (IOException ignored) {
                // the host end is gone; its read side will tell
            }
        }
        if (c.state == VsockConnection.State.ESTABLISHED && c.creditUpdateDue()) {
            c.needCreditUpdate = true;
        }
    }

    /** Recomputes the selector interest and the send-queue membership of {@code c}. */
    private void refresh(VsockConnection c) {
        int ops = 0;
        if (c.state == VsockConnection.State.CONNECTING_HOST) {
            ops |= SelectionKey.OP_CONNECT;
        }
        if (c.hostWritePending()) {
            ops |= SelectionKey.OP_WRITE;
        }
        if (c.wantsReadInterest()) {
            ops |= SelectionKey.OP_READ;
        }
        if (c.key.isValid()) {
            c.key.interestOps(ops);
        }
        if (!c.queued && (c.hasControl() || c.wantsToSendData())) {
            c.queued = true;
            sendQueue.add(c);
        }
    }

    // ---- packets for the guest ----

    /**
     * The next packet for the guest, its payload (if any) put into {@code payload} from position 0 up
     * to at most its limit; or {@code null} when nothing is waiting.
     */
    VsockHeader nextPacket(ByteBuffer payload) {
        int[] rst = resets.poll();
        if (rst != null) {
            return header(rst[0], rst[1], VsockHeader.OP_RST, 0, 0, 0);
        }
        while (!sendQueue.isEmpty()) {
            VsockConnection c = sendQueue.poll();
            c.queued = false;
            if (!connections.containsKey(key(c.localPort, c.peerPort))) {
                continue; // closed while queued
            }
            VsockHeader h = packetFor(c, payload);
            refresh(c);
            if (h != null) {
                return h;
            }
        }
        return null;
    }

    private VsockHeader packetFor(VsockConnection c, ByteBuffer payload) {
        if (c.needRequest) {
            c.needRequest = false;
            return control(c, VsockHeader.OP_REQUEST, 0);
        }
        if (c.needResponse) {
            c.needResponse = false;
            return control(c, VsockHeader.OP_RESPONSE, 0);
        }
        if (c.wantsToSendData()) {
            int room = (int) Math.min(payload.limit(), c.peerCredit());
            payload.clear().limit(room);
            int n;
            try {
                n = c.channel.read(payload);
            } catch (IOException e) {
                n = -1;
            }
            if (n > 0) {
                c.txCnt += n;
                payload.flip();
                return control(c, VsockHeader.OP_RW, 0, n);
            }
            c.hostReadable = false;
            if (n < 0) {
                c.hostEof = true;
                c.needShutdownFlags |= VsockHeader.SHUTDOWN_SEND; // the host may still read (a half-close)
            }
        }
        if (c.needShutdownFlags != 0) {
            int flags = c.needShutdownFlags;
            c.needShutdownFlags = 0;
            return control(c, VsockHeader.OP_SHUTDOWN, flags);
        }
        if (c.needCreditUpdate) {
            c.needCreditUpdate = false;
            return control(c, VsockHeader.OP_CREDIT_UPDATE, 0);
        }
        return null;
    }

    private VsockHeader control(VsockConnection c, int op, int flags) {
        return control(c, op, flags, 0);
    }

    private VsockHeader control(VsockConnection c, int op, int flags, int length) {
        c.fwdCntSent = c.fwdCnt;
        return new VsockHeader(HOST_CID, guestCid, c.localPort, c.peerPort, length, VsockHeader.TYPE_STREAM, op,
                flags, VsockConnection.BUF_ALLOC, c.fwdCnt);
    }

    private VsockHeader header(int srcPort, int dstPort, int op, int flags, int bufAlloc, int fwdCnt) {
        return new VsockHeader(HOST_CID, guestCid, srcPort, dstPort, 0, VsockHeader.TYPE_STREAM, op, flags, bufAlloc, fwdCnt);
    }

    // ---- ending connections ----

    /** Answers a packet that belongs to no connection with a RST (never a RST with a RST). */
    void replyReset(VsockHeader h) {
        if (h.op() == VsockHeader.OP_RST) {
            return;
        }
        queueReset(h.dstPort(), h.srcPort());
    }

    private void queueReset(int localPort, int peerPort) {
        if (resets.size() >= MAX_PENDING_RESETS) {
            droppedResets++;
            return;
        }
        resets.add(new int[] {localPort, peerPort});
    }

    /** Closes the host socket and tells the guest with a RST. */
    private void reset(VsockConnection c) {
        drop(c);
        queueReset(c.localPort, c.peerPort);
    }

    /** Closes the host socket and forgets the connection. */
    private void drop(VsockConnection c) {
        connections.remove(key(c.localPort, c.peerPort));
        if (c.key != null) {
            c.key.cancel();
        }
        c.close();
    }

    /** Whether anything waits for the guest's receive queue. */
    boolean hasPacketsForGuest() {
        return !resets.isEmpty() || !sendQueue.isEmpty();
    }

    /** Device reset: every connection ends (host programs see their sockets close); the listener stays. */
    void resetAll() {
        for (VsockConnection c : List.copyOf(connections.values())) {
            drop(c);
        }
        sendQueue.clear();
        resets.clear();
    }

    @Override
    public void close() throws IOException {
        resetAll();
        for (HostHandshake hs : handshakes) {
            hs.close();
        }
        handshakes.clear();
        listener.close();
        selector.close();
        Files.deleteIfExists(udsPath);
    }
}
