package dev.kapsel.acpi;

import java.util.ArrayList;
import java.util.List;

/**
 * AML NameSeg and NameString encoding (ACPI 6.5, 20.2.2). A NameSeg is four characters, a lead
 * character {@code A-Z} or {@code _} followed by {@code A-Z}, {@code 0-9} or {@code _}; shorter
 * segments are padded with {@code _}. A path is an optional root ({@code \}) or parent ({@code ^})
 * prefix and dot-separated segments, encoded with the dual- or multi-name prefix when it has more
 * than one segment.
 */
public final class AmlName {
    static final int ROOT_CHAR = 0x5c;
    static final int PARENT_PREFIX_CHAR = 0x5e;
    static final int DUAL_NAME_PREFIX = 0x2e;
    static final int MULTI_NAME_PREFIX = 0x2f;
    static final int NULL_NAME = 0x00;

    private AmlName() {}

    /** The four bytes of one NameSeg, e.g. {@code "_SB"} becomes {@code "_SB_"}. */
    public static byte[] nameSeg(String seg) {
        if (seg.isEmpty() || seg.length() > 4) {
            throw new IllegalArgumentException("AML name segment '" + seg + "' must be 1 to 4 characters");
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            char c = i < seg.length() ? seg.charAt(i) : '_';
            boolean valid = (c >= 'A' && c <= 'Z') || c == '_' || (i > 0 && c >= '0' && c <= '9');
            if (!valid) {
                throw new IllegalArgumentException("AML name segment '" + seg + "' has invalid character '" + c + "'");
            }
            out[i] = (byte) c;
        }
        return out;
    }

    /** The NameString for a path such as {@code "\\_SB_.COM1"}, {@code "^PCI0"} or {@code "_S5_"}. */
    public static byte[] namePath(String path) {
        LittleEndianBytes out = new LittleEndianBytes();
        int i = 0;
        if (path.startsWith("\\")) {
            out.u8(ROOT_CHAR);
            i = 1;
        } else {
            while (i < path.length() && path.charAt(i) == '^') {
                out.u8(PARENT_PREFIX_CHAR);
                i++;
            }
        }
        String rest = path.substring(i);
        List<byte[]> segs = new ArrayList<>();
        if (!rest.isEmpty()) {
            for (String seg : rest.split("\\.", -1)) {
                segs.add(nameSeg(seg));
            }
        }
        switch (segs.size()) {
            case 0 -> out.u8(NULL_NAME);
            case 1 -> out.bytes(segs.getFirst());
            case 2 -> out.u8(DUAL_NAME_PREFIX).bytes(segs.get(0)).bytes(segs.get(1));
            default -> {
                if (segs.size() > 255) {
                    throw new IllegalArgumentException("AML name path has more than 255 segments");
                }
                out.u8(MULTI_NAME_PREFIX).u8(segs.size());
                segs.forEach(out::bytes);
            }
        }
        return out.toByteArray();
    }
}
