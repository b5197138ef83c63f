package dev.kapsel.boot;

import static dev.kapsel.memory.LittleEndian.U16;
import static dev.kapsel.memory.LittleEndian.U32;
import static dev.kapsel.memory.LittleEndian.U64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** Bounds-checked little-endian reads from a kernel image; a read past the end is "truncated". */
final class ImageReader {

    final String name;
    final MemorySegment image;

    ImageReader(String name, MemorySegment image) {
        this.name = name;
        this.image = image;
    }

    long size() {
        return image.byteSize();
    }

    /** True if {@code [offset, offset+length)} lies in the image; safe against overflow and negatives. */
    boolean has(long offset, long length) {
        return fits(offset, length, image.byteSize());
    }

    static boolean fits(long offset, long length, long limit) {
        return offset >= 0 && length >= 0 && offset <= limit && length <= limit - offset;
    }

    void require(long offset, long length, String what) throws KernelLoadException.Truncated {
        if (!has(offset, length)) {
            throw new KernelLoadException.Truncated(name, String.format(
                    "%s at offset 0x%x (+%d bytes) is past the end of the %d-byte file", what, offset, length, size()));
        }
    }

    int u8(long offset, String what) throws KernelLoadException.Truncated {
        require(offset, 1, what);
        return Byte.toUnsignedInt(image.get(ValueLayout.JAVA_BYTE, offset));
    }

    int u16(long offset, String what) throws KernelLoadException.Truncated {
        require(offset, 2, what);
        return Short.toUnsignedInt(image.get(U16, offset));
    }

    long u32(long offset, String what) throws KernelLoadException.Truncated {
        require(offset, 4, what);
        return Integer.toUnsignedLong(image.get(U32, offset));
    }

    long u64(long offset, String what) throws KernelLoadException.Truncated {
        require(offset, 8, what);
        return image.get(U64, offset);
    }

    byte[] bytes(long offset, int length, String what) throws KernelLoadException.Truncated {
        require(offset, length, what);
        return image.asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE);
    }
}
