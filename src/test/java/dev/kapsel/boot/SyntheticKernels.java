package dev.kapsel.boot;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/** Synthetic kernel images built byte by byte, following the ELF64 and Linux boot protocol layouts. */
final class SyntheticKernels {
    private SyntheticKernels() {}

    record Seg(int type, long paddr, byte[] data, long memsz) {
        static Seg load(long paddr, byte[] data, long memsz) {
            return new Seg(1, paddr, data, memsz);
        }
    }

    static byte[] elf(int elfClass, int machine, long entry, List<Seg> segs) {
        int phoff = 64;
        int dataStart = phoff + 56 * segs.size();
        int total = dataStart + segs.stream().mapToInt(s -> s.data.length).sum();
        ByteBuffer b = ByteBuffer.allocate(total).order(ByteOrder.LITTLE_ENDIAN);
        b.put(new byte[] {0x7f, 'E', 'L', 'F', (byte) elfClass, 1, 1});
        b.putShort(0x10, (short) 2); // ET_EXEC
        b.putShort(0x12, (short) machine);
        b.putInt(0x14, 1);
        b.putLong(0x18, entry);
        b.putLong(0x20, phoff);
        b.putShort(0x34, (short) 64);
        b.putShort(0x36, (short) 56);
        b.putShort(0x38, (short) segs.size());
        int data = dataStart;
        for (int i = 0; i < segs.size(); i++) {
            Seg s = segs.get(i);
            int ph = phoff + 56 * i;
            b.putInt(ph, s.type);
            b.putInt(ph + 4, 5);
            b.putLong(ph + 8, data);
            b.putLong(ph + 16, 0xffffffff80000000L + s.paddr);
            b.putLong(ph + 24, s.paddr);
            b.putLong(ph + 32, s.data.length);
            b.putLong(ph + 40, s.memsz);
            b.putLong(ph + 48, 0x200000);
            b.put(data, s.data);
            data += s.data.length;
        }
        return b.array();
    }

    static byte[] vmlinux(long entry, List<Seg> segs) {
        return elf(2, 62, entry, segs);
    }

    /** A bzImage with the given setup_sects field, protocol version, xloadflags and protected-mode payload. */
    static byte[] bzImage(int setupSectsField, int version, int xloadflags, byte[] payload, long initSize) {
        int sects = setupSectsField == 0 ? 4 : setupSectsField;
        int setupSize = (sects + 1) * 512;
        int padded = (payload.length + 15) & ~15;
        ByteBuffer b = ByteBuffer.allocate(setupSize + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) setupSectsField);
        b.putInt(0x1f4, padded / 16);
        b.putShort(0x1fe, (short) 0xaa55);
        b.put(0x200, (byte) 0xeb);
        b.put(0x201, (byte) (0x26c - 0x202));
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) version);
        b.put(0x211, (byte) 0x01);
        b.putInt(0x214, 0x100000);
        b.putInt(0x22c, 0x7fffffff);
        b.putInt(0x230, 0x200000);
        b.put(0x234, (byte) 1);
        b.putShort(0x236, (short) xloadflags);
        b.putInt(0x238, 2047);
        b.putLong(0x258, 0x1000000);
        b.putInt(0x260, (int) initSize);
        b.put(setupSize, payload);
        return b.array();
    }

    static byte[] pattern(int length, int seed) {
        byte[] out = new byte[length];
        for (int i = 0; i < length; i++) {
            out[i] = (byte) (i * 31 + seed);
        }
        return out;
    }
}
