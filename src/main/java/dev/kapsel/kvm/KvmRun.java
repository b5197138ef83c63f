package dev.kapsel.kvm;

import static dev.kapsel.kvm.KvmLayouts.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** The shared {@code struct kvm_run} page of one vCPU: decodes exits and holds the answers to reads. */
final class KvmRun {
    static final int EXIT_UNKNOWN = 0;
    static final int EXIT_IO = 2;
    static final int EXIT_HLT = 5;
    static final int EXIT_MMIO = 6;
    static final int EXIT_SHUTDOWN = 8;
    static final int EXIT_FAIL_ENTRY = 9;
    static final int EXIT_INTR = 10;
    static final int EXIT_INTERNAL_ERROR = 17;
    static final int EXIT_SYSTEM_EVENT = 24;

    private static final int IO_DIRECTION_IN = 0;
    /** The kernel's bound on internal.data and system_event.data entries. */
    private static final int MAX_DATA = 16;

    private final MemorySegment page;

    KvmRun(MemorySegment page) {
        this.page = page;
    }

    int exitReason() {
        return page.get(ValueLayout.JAVA_INT, RUN_EXIT_REASON);
    }

    void setImmediateExit(boolean value) {
        page.set(ValueLayout.JAVA_BYTE, RUN_IMMEDIATE_EXIT, (byte) (value ? 1 : 0));
    }

    VcpuExit decode() {
        int reason = exitReason();
        return switch (reason) {
            case EXIT_IO -> decodeIo();
            case EXIT_MMIO -> decodeMmio();
            case EXIT_HLT -> new VcpuExit.Hlt();
            case EXIT_SHUTDOWN -> new VcpuExit.Shutdown();
            case EXIT_INTR -> new VcpuExit.Interrupted();
            case EXIT_FAIL_ENTRY -> new VcpuExit.FailEntry(page.get(ValueLayout.JAVA_LONG, RUN_FAIL_ENTRY_REASON),
                    page.get(ValueLayout.JAVA_INT, RUN_FAIL_ENTRY_CPU));
            case EXIT_INTERNAL_ERROR -> new VcpuExit.InternalError(page.get(ValueLayout.JAVA_INT, RUN_INTERNAL_SUBERROR),
                    data(RUN_INTERNAL_NDATA, RUN_INTERNAL_DATA));
            case EXIT_SYSTEM_EVENT -> new VcpuExit.SystemEvent(page.get(ValueLayout.JAVA_INT, RUN_SYSTEM_EVENT_TYPE),
                    data(RUN_SYSTEM_EVENT_NDATA, RUN_SYSTEM_EVENT_DATA));
            default -> new VcpuExit.Other(reason, page.get(ValueLayout.JAVA_LONG, RUN_HW_REASON));
        };
    }

    private long[] data(long countOffset, long dataOffset) {
        int n = Math.clamp(page.get(ValueLayout.JAVA_INT, countOffset), 0, MAX_DATA);
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = page.get(ValueLayout.JAVA_LONG, dataOffset + 8L * i);
        }
        return out;
    }

    private VcpuExit decodeIo() {
        int direction = Byte.toUnsignedInt(page.get(ValueLayout.JAVA_BYTE, RUN_IO_DIRECTION));
        int size = Byte.toUnsignedInt(page.get(ValueLayout.JAVA_BYTE, RUN_IO_SIZE));
        int port = Short.toUnsignedInt(page.get(ValueLayout.JAVA_SHORT, RUN_IO_PORT));
        int count = page.get(ValueLayout.JAVA_INT, RUN_IO_COUNT);
        if (direction == IO_DIRECTION_IN) {
            return new VcpuExit.IoIn(port, size, count);
        }
        return new VcpuExit.IoOut(port, size, count, ioData(size, count).toArray(ValueLayout.JAVA_BYTE));
    }

    private MemorySegment ioData(int size, int count) {
        long offset = page.get(ValueLayout.JAVA_LONG, RUN_IO_DATA_OFFSET);
        return page.asSlice(offset, (long) size * count);
    }

    void completeIoIn(byte[] data) {
        int size = Byte.toUnsignedInt(page.get(ValueLayout.JAVA_BYTE, RUN_IO_SIZE));
        int count = page.get(ValueLayout.JAVA_INT, RUN_IO_COUNT);
        MemorySegment dst = ioData(size, count);
        MemorySegment.copy(MemorySegment.ofArray(data), 0, dst, 0, Math.min(dst.byteSize(), data.length));
    }

    private VcpuExit decodeMmio() {
        long address = page.get(ValueLayout.JAVA_LONG, RUN_MMIO_PHYS_ADDR);
        int length = Math.clamp(page.get(ValueLayout.JAVA_INT, RUN_MMIO_LEN), 0, 8);
        boolean write = page.get(ValueLayout.JAVA_BYTE, RUN_MMIO_IS_WRITE) != 0;
        if (!write) {
            return new VcpuExit.MmioRead(address, length);
        }
        return new VcpuExit.MmioWrite(address, page.asSlice(RUN_MMIO_DATA, length).toArray(ValueLayout.JAVA_BYTE));
    }

    void completeMmioRead(byte[] data) {
        MemorySegment.copy(MemorySegment.ofArray(data), 0, page, RUN_MMIO_DATA, Math.min(8, data.length));
    }
}
