package dev.kapsel.sandbox.net;

import static dev.kapsel.sys.Rtnetlink.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sys.Errno;
import dev.kapsel.sys.NetlinkMessage;
import dev.kapsel.sys.NetlinkSocket;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** The sandbox's rtnetlink answers: dumps from a snapshot, refusals, and the program's malformed bytes. */
class RtnetlinkResponderTest {
    private static final int PID = 77;
    private static final RtnetlinkResponder.Interfaces NOW;

    static {
        try {
            NOW = new RtnetlinkResponder.Interfaces(List.of(
                    new NetlinkSocket.Link(1, "lo", new byte[6], 65536, IFF_UP | IFF_LOOPBACK, 772, null),
                    new NetlinkSocket.Link(2, "eth0", new byte[] {2, 0, 0, 0, 0, 9}, 1500, IFF_UP, ARPHRD_ETHER, "veth")),
                    List.of(new NetlinkSocket.IfAddress(1, InetAddress.getByName("127.0.0.1"), 8, 254),
                            new NetlinkSocket.IfAddress(2, InetAddress.getByName("10.88.0.5"), 16, 0),
                            new NetlinkSocket.IfAddress(2, InetAddress.getByName("fe80::1"), 64, 253)));
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    private static RtnetlinkResponder.Answer answer(byte[] request) {
        return RtnetlinkResponder.answer(request, request.length, PID, () -> NOW, NetlinkRouteSocket.MAX_QUEUED);
    }

    private static ByteBuffer le(byte[] m) {
        return ByteBuffer.wrap(m).order(ByteOrder.nativeOrder());
    }

    private static int type(byte[] m) {
        return Short.toUnsignedInt(le(m).getShort(4));
    }

    private static int errorOf(byte[] m) {
        assertEquals(NLMSG_ERROR, type(m));
        return -le(m).getInt(NLMSGHDR_SIZE);
    }

    private static byte[] request(int type, int flags, int familySize, int family, int seq) {
        return new NetlinkMessage(type, flags, familySize).u8(0, family).bytes(seq);
    }

    @Test
    void aLinkDumpIsOneMessagePerLinkThenDoneEachWithTheRequestsSeqAndTheSocketsPid() {
        List<byte[]> r = answer(request(RTM_GETLINK, NLM_F_DUMP, 1, 17, 41)).replies(); // glibc: struct rtgenmsg, AF_PACKET
        assertEquals(List.of(RTM_NEWLINK, RTM_NEWLINK, NLMSG_DONE), r.stream().map(RtnetlinkResponderTest::type).toList());
        for (byte[] m : r) {
            assertEquals(m.length, le(m).getInt(0));
            assertEquals(NLM_F_MULTI, le(m).getShort(6));
            assertEquals(41, le(m).getInt(8));
            assertEquals(PID, le(m).getInt(12));
        }
        var eth = NetlinkMessage.attributes(le(r.get(1)), NLMSGHDR_SIZE + IFINFOMSG_SIZE, r.get(1).length);
        assertEquals("eth0", NetlinkMessage.string(eth.get(IFLA_IFNAME)));
        assertEquals(1500, NetlinkMessage.u32(eth.get(IFLA_MTU)));
        assertEquals(-1, eth.get(IFLA_BROADCAST)[0]);
        assertTrue(!eth.containsKey(IFLA_LINKINFO), "the link's kind is not shown");
    }

    @Test
    void anAddressDumpKeepsTheRequestedFamilyAndLabelsIpv4WithTheLinksName() {
        List<byte[]> v4 = answer(request(RTM_GETADDR, NLM_F_DUMP, IFADDRMSG_SIZE, AF_INET, 3)).replies();
        assertEquals(3, v4.size());
        var a = NetlinkMessage.attributes(le(v4.get(1)), NLMSGHDR_SIZE + IFADDRMSG_SIZE, v4.get(1).length);
        assertEquals("eth0", NetlinkMessage.string(a.get(IFA_LABEL)));
        assertEquals(16, v4.get(1)[NLMSGHDR_SIZE + 1]);
        assertEquals(4, answer(request(RTM_GETADDR, NLM_F_DUMP, IFADDRMSG_SIZE, AF_UNSPEC, 3)).replies().size());
        assertEquals(2, answer(request(RTM_GETADDR, NLM_F_DUMP, IFADDRMSG_SIZE, AF_INET6, 3)).replies().size());
    }

    @Test
    void oneLinkByIndexOrNameAndNoSuchDevice() {
        byte[] byIndex = new NetlinkMessage(RTM_GETLINK, 0, IFINFOMSG_SIZE).u32(4, 2).bytes(5);
        assertEquals(List.of(RTM_NEWLINK), answer(byIndex).replies().stream().map(RtnetlinkResponderTest::type).toList());
        byte[] byName = new NetlinkMessage(RTM_GETLINK, 0, IFINFOMSG_SIZE).attrString(IFLA_IFNAME, "lo").bytes(5);
        assertEquals(1, le(answer(byName).replies().get(0)).getInt(NLMSGHDR_SIZE + 4));
        byte[] missing = new NetlinkMessage(RTM_GETLINK, 0, IFINFOMSG_SIZE).u32(4, 9).bytes(5);
        assertEquals(Errno.ENODEV, errorOf(answer(missing).replies().get(0)));
    }

    @Test
    void changesAreRefusedWithEpermAndOtherQueriesWithEopnotsupp() {
        for (int t : new int[] {RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_NEWROUTE, RTM_NEWQDISC, RTM_NEWTFILTER}) {
            assertEquals(Errno.EPERM, errorOf(answer(request(t, NLM_F_ACK, IFINFOMSG_SIZE, 0, 1)).replies().get(0)), "type " + t);
        }
        assertEquals(Errno.EOPNOTSUPP, errorOf(answer(request(RTM_GETROUTE, NLM_F_DUMP, RTMSG_SIZE, 0, 1)).replies().get(0)));
        assertEquals(Errno.EOPNOTSUPP, errorOf(answer(request(RTM_GETADDR, 0, IFADDRMSG_SIZE, 0, 1)).replies().get(0)));
    }

    @Test
    void malformedHeadersEndTheWalkAndControlMessagesAreOnlyAcknowledged() {
        byte[] dump = request(RTM_GETLINK, NLM_F_DUMP, 1, 0, 1);
        // a length beyond the buffer, below a header, or a buffer shorter than a header: nothing is answered
        byte[] over = dump.clone();
        le(over).putInt(0, dump.length + 1);
        assertEquals(0, answer(over).replies().size());
        byte[] under = dump.clone();
        le(under).putInt(0, 15);
        assertEquals(0, answer(under).replies().size());
        assertEquals(0, answer(new byte[15]).replies().size());
        // a message without NLM_F_REQUEST, or a control type, gets only the ack it asks for
        byte[] notRequest = dump.clone();
        le(notRequest).putShort(6, (short) (NLM_F_DUMP | NLM_F_ACK));
        assertEquals(0, errorOf(answer(notRequest).replies().get(0)));
        assertEquals(0, errorOf(answer(request(NLMSG_DONE, NLM_F_ACK, 4, 0, 1)).replies().get(0)));
        // a lookup whose attribute overruns its message, or whose ifinfomsg is short
        byte[] bad = new NetlinkMessage(RTM_GETLINK, 0, IFINFOMSG_SIZE).attrString(IFLA_IFNAME, "eth0").bytes(5);
        le(bad).putShort(NLMSGHDR_SIZE + IFINFOMSG_SIZE, (short) 200);
        assertEquals(Errno.EINVAL, errorOf(answer(bad).replies().get(0)));
        assertEquals(Errno.EINVAL, errorOf(answer(request(RTM_GETLINK, 0, 4, 0, 1)).replies().get(0)));
    }

    @Test
    void repliesStopAtTheBudgetAndTheNamespaceIsReadOncePerSend() {
        byte[] one = request(RTM_GETLINK, NLM_F_DUMP, 4, 0, 1); // rtgenmsg padded to 4, as glibc sends it
        byte[] many = new byte[one.length * 1000];
        for (int i = 0; i < 1000; i++) {
            System.arraycopy(one, 0, many, i * one.length, one.length);
        }
        AtomicInteger reads = new AtomicInteger();
        var a = RtnetlinkResponder.answer(many, many.length, PID, () -> {
            reads.incrementAndGet();
            return NOW;
        }, 4096);
        assertTrue(a.cut());
        assertTrue(a.replies().stream().mapToInt(m -> m.length).sum() <= 4096);
        assertEquals(1, reads.get());
    }

    @Test
    void aNamespaceThatCannotBeReadFailsTheRequest() {
        var a = RtnetlinkResponder.answer(request(RTM_GETLINK, NLM_F_DUMP, 1, 0, 1), 20, PID, () -> {
            throw new ErrnoException(SocketErrno.ENETDOWN);
        }, 4096);
        assertEquals(SocketErrno.ENETDOWN, errorOf(a.replies().get(0)));
    }

    @Property(tries = 2000)
    void anyBytesGetWellFormedRepliesWithinBudget(@ForAll @Size(max = 300) byte[] junk) {
        var a = RtnetlinkResponder.answer(junk, junk.length, PID, () -> NOW, 2048);
        int total = 0;
        for (byte[] m : a.replies()) {
            assertEquals(m.length, le(m).getInt(0));
            assertEquals(PID, le(m).getInt(12));
            total += m.length;
        }
        assertTrue(total <= 2048);
    }
}
