package dev.kapsel.devices.virtio.vsock;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.devices.virtio.vsock.GuestVsock.Packet;
import dev.kapsel.virtio.DeviceStatus;
import dev.kapsel.virtio.mmio.MmioRegisters;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;

/**
 * A hostile guest's transmit queue: random ops, lengths, ports, CIDs, types, credit fields and
 * payloads, with a host listener on one port so some requests succeed. Whatever arrives, the device
 * keeps serving (no DEVICE_NEEDS_RESET, no warnings, nothing thrown), returns every chain, answers
 * only with well-formed packets from the host CID, and holds no more connections than its bound.
 */
class VsockProperties {
    record Raw(long srcCid, long dstCid, int srcPort, int dstPort, int len, int type, int op, int flags,
               int bufAlloc, int fwdCnt, byte[] payload) {}

    @Provide
    Arbitrary<Raw> packets() {
        Arbitrary<Long> cid = Arbitraries.oneOf(Arbitraries.just(GuestVsock.CID), Arbitraries.just(2L), Arbitraries.longs());
        Arbitrary<Integer> port = Arbitraries.oneOf(Arbitraries.of(80, 81, 1000), Arbitraries.integers());
        Arbitrary<Integer> len = Arbitraries.oneOf(Arbitraries.integers().between(0, 64), Arbitraries.integers(),
                Arbitraries.of(65536, 65537));
        Arbitrary<Integer> type = Arbitraries.oneOf(Arbitraries.just(1), Arbitraries.integers().between(0, 0xffff));
        Arbitrary<Integer> op = Arbitraries.integers().between(0, 9);
        Arbitrary<Integer> any = Arbitraries.integers();
        Arbitrary<byte[]> payload = Arbitraries.bytes().array(byte[].class).ofMaxSize(128);
        Arbitrary<VsockHeader> header = Combinators.combine(cid, cid, port, port, len, type, op, any)
                .as((sc, dc, sp, dp, l, t, o, f) -> new VsockHeader(sc, dc, sp, dp, l, t, o, f, 0, 0));
        return Combinators.combine(header, any, any, payload).as((h, bufAlloc, fwdCnt, p) -> new Raw(h.srcCid(),
                h.dstCid(), h.srcPort(), h.dstPort(), h.len(), h.type(), h.op(), h.flags(), bufAlloc, fwdCnt, p));
    }

    @Property(tries = 150)
    void hostilePacketsNeverBreakTheDevice(@ForAll @Size(max = 40) List<@From("packets") Raw> packets) throws Exception {
        Path dir = Files.createTempDirectory("kapsel-vsock-prop");
        Path uds = dir.resolve("v.sock");
        try (GuestVsock guest = new GuestVsock(uds);
             ServerSocketChannel listener = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            listener.bind(UnixDomainSocketAddress.of(Path.of(uds + "_80")), 64);
            guest.postRx(32);
            int sent = 0;
            for (Raw r : packets) {
                guest.send(new VsockHeader(r.srcCid(), r.dstCid(), r.srcPort(), r.dstPort(), r.len(), r.type(), r.op(),
                        r.flags(), r.bufAlloc(), r.fwdCnt()), r.payload());
                sent++;
                guest.pump();
                for (Packet p : guest.received()) {
                    assertTrue(p.usedLength() >= VsockHeader.SIZE, "a used receive chain without a header");
                    assertEquals(VsockMuxer.HOST_CID, p.header().srcCid());
                    assertEquals(GuestVsock.CID, p.header().dstCid());
                    assertTrue(p.header().payloadLength() <= GuestVsock.RX_BUF);
                    guest.postRx(1);
                }
                assertTrue(guest.device.connectionCount() <= VsockMuxer.MAX_CONNECTIONS);
            }
            assertEquals(sent, guest.tx.usedIdx(), "every transmit chain is returned");
            assertEquals(0, guest.driver.read32(MmioRegisters.STATUS) & DeviceStatus.DEVICE_NEEDS_RESET);
            assertEquals(List.of(), guest.warnings);
        } finally {
            try (var files = Files.list(dir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(dir);
        }
    }
}
