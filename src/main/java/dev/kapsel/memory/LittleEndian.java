package dev.kapsel.memory;

import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Little-endian, the byte order of the x86 guest and of every structure kapsel shares with it
 * (virtio, ACPI, boot protocol, the sandbox's syscall ABI): unaligned layouts for native segments and
 * stores and loads at any offset of a byte array, so no class writes its own shift loop.
 */
public final class LittleEndian {
    public static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    public static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private static final VarHandle SHORTS = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INTS = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

    private LittleEndian() {}

    /** Stores the low 16 bits of {@code value} at {@code at}. */
    public static void put16(byte[] b, int at, int value) {
        SHORTS.set(b, at, (short) value);
    }

    /** Stores the low 32 bits of {@code value} at {@code at}. */
    public static void put32(byte[] b, int at, long value) {
        INTS.set(b, at, (int) value);
    }

    public static void put64(byte[] b, int at, long value) {
        LONGS.set(b, at, value);
    }

    /** The 16 bits at {@code at}, unsigned. */
    public static int get16(byte[] b, int at) {
        return Short.toUnsignedInt((short) SHORTS.get(b, at));
    }

    /** The 32 bits at {@code at} (as an int: {@link Integer#toUnsignedLong} for the unsigned value). */
    public static int get32(byte[] b, int at) {
        return (int) INTS.get(b, at);
    }

    public static long get64(byte[] b, int at) {
        return (long) LONGS.get(b, at);
    }
}
