package dev.kapsel.devices.virtio.fs;

import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.LittleEndian;
import dev.kapsel.virtio.MockVirtqueue;
import dev.kapsel.virtio.MockVirtqueue.Seg;
import dev.kapsel.virtio.mmio.MockMmioDriver;
import dev.kapsel.virtio.mmio.VirtioMmioTransport;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The guest's side of a virtio-fs device for tests: a driver that brings the device up over the
 * mmio transport and sends FUSE requests through the mock request and high-priority queues, as the
 * Linux client lays them out (request readable, reply writable).
 */
final class GuestFuse {
    static final long REQUEST = 0x100000;
    static final long DATA = 0x200000;
    static final long REPLY = 0x400000;
    static final int REPLY_ROOM = 512 * 1024;

    final GuestMemory memory = GuestMemory.allocate(Arena.ofAuto(), 16L << 20);
    final FsDevice device;
    final List<String> warnings = new ArrayList<>();
    private final MockVirtqueue hiprio = new MockVirtqueue(memory, 0x1000, 16);
    private final MockVirtqueue requests = new MockVirtqueue(memory, 0x8000, 64);
    private final MockMmioDriver driver;
    private long unique = 1;

    record Reply(int error, byte[] body, long unique) {
        int u32(int at) {
            return LittleEndian.get32(body, at);
        }

        long u64(int at) {
            return LittleEndian.get64(body, at);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    /** An argument block, written as the client writes it. */
    static final class Args {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Args u32(long v) {
            byte[] b = new byte[4];
            LittleEndian.put32(b, 0, v);
            out.writeBytes(b);
            return this;
        }

        Args u64(long v) {
            byte[] b = new byte[8];
            LittleEndian.put64(b, 0, v);
            out.writeBytes(b);
            return this;
        }

        Args zeros(int n) {
            out.writeBytes(new byte[n]);
            return this;
        }

        Args name(String s) {
            out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            out.write(0);
            return this;
        }

        Args bytes(byte[] b) {
            out.writeBytes(b);
            return this;
        }

        byte[] toArray() {
            return out.toByteArray();
        }
    }

    static Args args() {
        return new Args();
    }

    GuestFuse(FileServer server) {
        device = new FsDevice("share", server);
        driver = new MockMmioDriver(new VirtioMmioTransport(device, memory, () -> {}, warnings::add));
        driver.negotiate(driver.deviceFeatures());
        driver.setUpQueue(FsDevice.HIPRIO_QUEUE, hiprio);
        driver.setUpQueue(FsDevice.REQUEST_QUEUE, requests);
        driver.driverOk();
    }

    static byte[] header(int len, int opcode, long unique, long nodeId, int uid, int gid) {
        byte[] h = new byte[FuseAbi.IN_HEADER_SIZE];
        LittleEndian.put32(h, 0, len);
        LittleEndian.put32(h, 4, opcode);
        LittleEndian.put64(h, 8, unique);
        LittleEndian.put64(h, 16, nodeId);
        LittleEndian.put32(h, 24, uid);
        LittleEndian.put32(h, 28, gid);
        return h;
    }

    /** Sends the FUSE INIT of a 7.38 client asking for everything it knows; returns the reply. */
    Reply init() {
        return call(FuseAbi.FUSE_INIT, 0, args().u32(7).u32(38).u32(128 * 1024).u32(0xffffffffL).u32(0).zeros(44));
    }

    Reply call(int opcode, long nodeId, Args args) {
        return call(opcode, nodeId, 0, 0, args.toArray(), null);
    }

    Reply callAs(int opcode, long nodeId, int uid, int gid, Args args) {
        return call(opcode, nodeId, uid, gid, args.toArray(), null);
    }

    /** A request whose argument block is followed by {@code data} in a separate buffer (WRITE). */
    Reply call(int opcode, long nodeId, int uid, int gid, byte[] args, byte[] data) {
        long id = unique++;
        int len = FuseAbi.IN_HEADER_SIZE + args.length + (data == null ? 0 : data.length);
        byte[] request = new byte[FuseAbi.IN_HEADER_SIZE + args.length];
        System.arraycopy(header(len, opcode, id, nodeId, uid, gid), 0, request, 0, FuseAbi.IN_HEADER_SIZE);
        System.arraycopy(args, 0, request, FuseAbi.IN_HEADER_SIZE, args.length);
        memory.write(REQUEST, request);
        memory.fill(REPLY, REPLY_ROOM, (byte) 0);
        if (data == null) {
            return send(Seg.readable(REQUEST, request.length), Seg.writable(REPLY, REPLY_ROOM));
        }
        memory.write(DATA, data);
        return send(Seg.readable(REQUEST, request.length), Seg.readable(DATA, data.length), Seg.writable(REPLY, REPLY_ROOM));
    }

    /** Sends {@code raw} as the whole request with {@code room} bytes for the reply; null when nothing was answered. */
    Reply raw(byte[] raw, int room) {
        memory.write(REQUEST, raw);
        memory.fill(REPLY, REPLY_ROOM, (byte) 0);
        return room == 0 ? send(Seg.readable(REQUEST, raw.length)) : send(Seg.readable(REQUEST, raw.length), Seg.writable(REPLY, room));
    }

    private Reply send(Seg... segs) {
        int before = requests.usedIdx();
        requests.addChain(segs);
        driver.notifyQueue(FsDevice.REQUEST_QUEUE);
        if (requests.usedIdx() != ((before + 1) & 0xffff)) {
            throw new AssertionError("the device did not return the chain: " + warnings);
        }
        int used = requests.usedLen(before);
        if (used == 0) {
            return null;
        }
        byte[] out = memory.read(REPLY, used);
        int len = LittleEndian.get32(out, 0);
        if (len != used) {
            throw new AssertionError("out header len " + len + " but " + used + " bytes used");
        }
        return new Reply(-LittleEndian.get32(out, 4), Arrays.copyOfRange(out, 16, used), LittleEndian.get64(out, 8));
    }

    /** FORGET on the high-priority queue, which carries no reply buffer. */
    void forget(long nodeId, long count) {
        hiprioSend(header(FuseAbi.IN_HEADER_SIZE + 8, FuseAbi.FUSE_FORGET, unique++, nodeId, 0, 0), args().u64(count).toArray());
    }

    void batchForget(long[][] pairs) {
        Args a = args().u32(pairs.length).u32(0);
        for (long[] p : pairs) {
            a.u64(p[0]).u64(p[1]);
        }
        byte[] body = a.toArray();
        hiprioSend(header(FuseAbi.IN_HEADER_SIZE + body.length, FuseAbi.FUSE_BATCH_FORGET, unique++, 0, 0, 0), body);
    }

    private void hiprioSend(byte[] header, byte[] body) {
        byte[] request = new byte[header.length + body.length];
        System.arraycopy(header, 0, request, 0, header.length);
        System.arraycopy(body, 0, request, header.length, body.length);
        memory.write(REQUEST, request);
        int before = hiprio.usedIdx();
        hiprio.addChain(Seg.readable(REQUEST, request.length));
        driver.notifyQueue(FsDevice.HIPRIO_QUEUE);
        if (hiprio.usedIdx() != ((before + 1) & 0xffff) || hiprio.usedLen(before) != 0) {
            throw new AssertionError("hiprio chain not returned empty");
        }
    }

    /** LOOKUP of {@code name} in {@code parent}; the node id, or fails. */
    long lookup(long parent, String name) {
        Reply r = call(FuseAbi.FUSE_LOOKUP, parent, args().name(name));
        if (r.error() != 0) {
            throw new AssertionError("lookup " + name + ": errno " + r.error());
        }
        return r.u64(0);
    }

    long open(long node, int flags) {
        Reply r = call(FuseAbi.FUSE_OPEN, node, args().u32(flags).u32(0));
        if (r.error() != 0) {
            throw new AssertionError("open: errno " + r.error());
        }
        return r.u64(0);
    }

    Reply read(long fh, long offset, int size) {
        return call(FuseAbi.FUSE_READ, 0, args().u64(fh).u64(offset).u32(size).u32(0).u64(0).u32(0).u32(0));
    }

    Reply write(long fh, long offset, byte[] data) {
        byte[] a = args().u64(fh).u64(offset).u32(data.length).u32(0).u64(0).u32(0).u32(0).toArray();
        return call(FuseAbi.FUSE_WRITE, 0, 0, 0, a, data);
    }
}
