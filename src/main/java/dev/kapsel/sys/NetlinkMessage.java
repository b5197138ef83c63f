package dev.kapsel.sys;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * One netlink request being built (linux/netlink.h): the {@code nlmsghdr}, the fixed header of its
 * family (ifinfomsg, tcmsg ...), then attributes, each {@code u16 len, u16 type} and its value padded
 * to 4 bytes; a nested attribute's length covers its children. Host byte order, as netlink uses.
 */
public final class NetlinkMessage {
    private final ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.nativeOrder());
    private final Deque<Integer> open = new ArrayDeque<>();

    /** A message of {@code type} with {@code flags} (NLM_F_REQUEST is added) and a zeroed family header of {@code familySize} bytes. */
    public NetlinkMessage(int type, int flags, int familySize) {
        b.putInt(0).putShort((short) type).putShort((short) (flags | Rtnetlink.NLM_F_REQUEST)).putInt(0).putInt(0);
        b.put(new byte[familySize]);
    }

    /** The family header, to fill at offsets relative to its start. */
    public NetlinkMessage u8(int offset, int v) {
        b.put(Rtnetlink.NLMSGHDR_SIZE + offset, (byte) v);
        return this;
    }

    public NetlinkMessage u16(int offset, int v) {
        b.putShort(Rtnetlink.NLMSGHDR_SIZE + offset, (short) v);
        return this;
    }

    public NetlinkMessage u32(int offset, int v) {
        b.putInt(Rtnetlink.NLMSGHDR_SIZE + offset, v);
        return this;
    }

    public NetlinkMessage attr(int type, byte[] value) {
        b.putShort((short) (Rtnetlink.NLA_HDRLEN + value.length)).putShort((short) type).put(value);
        pad();
        return this;
    }

    public NetlinkMessage attrU32(int type, int value) {
        return attr(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string attribute, as the kernel's NLA_STRING/NLA_NUL_STRING policies take. */
    public NetlinkMessage attrString(int type, String value) {
        byte[] s = value.getBytes(StandardCharsets.US_ASCII);
        return attr(type, Arrays.copyOf(s, s.length + 1));
    }

    /** Opens a nested attribute; {@link #end()} closes it. */
    public NetlinkMessage begin(int type) {
        open.push(b.position());
        b.putShort((short) 0).putShort((short) type);
        return this;
    }

    public NetlinkMessage end() {
        int start = open.pop();
        b.putShort(start, (short) (b.position() - start));
        return this;
    }

    private void pad() {
        while ((b.position() & 3) != 0) {
            b.put((byte) 0);
        }
    }

    /** The finished message with {@code seq}: its bytes, its length in the header. */
    public byte[] bytes(int seq) {
        if (!open.isEmpty()) {
            throw new IllegalStateException("a nested attribute is still open");
        }
        ByteBuffer out = b.duplicate().order(ByteOrder.nativeOrder());
        out.flip();
        byte[] bytes = new byte[out.remaining()];
        out.get(bytes);
        ByteBuffer h = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        h.putInt(0, bytes.length).putInt(8, seq);
        return bytes;
    }

    /** The attributes in {@code buf} from {@code offset} to {@code end}, by type (the last of a type wins; nested flag dropped). */
    public static Map<Integer, byte[]> attributes(ByteBuffer buf, int offset, int end) {
        Map<Integer, byte[]> out = new HashMap<>();
        int p = offset;
        while (p + Rtnetlink.NLA_HDRLEN <= end) {
            int len = Short.toUnsignedInt(buf.getShort(p));
            int type = Short.toUnsignedInt(buf.getShort(p + 2)) & ~Rtnetlink.NLA_F_NESTED;
            if (len < Rtnetlink.NLA_HDRLEN || p + len > end) {
                throw new IllegalArgumentException("netlink attribute of length " + len + " at " + p + " overruns its message");
            }
            byte[] v = new byte[len - Rtnetlink.NLA_HDRLEN];
            buf.get(p + Rtnetlink.NLA_HDRLEN, v);
            out.put(type, v);
            p += (len + 3) & ~3;
        }
        return out;
    }

    /** A string attribute's value without its NUL. */
    public static String string(byte[] v) {
        int n = 0;
        while (n < v.length && v[n] != 0) {
            n++;
        }
        return new String(v, 0, n, StandardCharsets.US_ASCII);
    }

    public static int u32(byte[] v) {
        return ByteBuffer.wrap(v).order(ByteOrder.nativeOrder()).getInt();
    }
}
