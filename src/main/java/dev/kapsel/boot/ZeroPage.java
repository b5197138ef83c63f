package dev.kapsel.boot;

import static dev.kapsel.boot.BootParamsLayout.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The Linux zero page ({@code struct boot_params}) for a 64-bit direct boot: starts from the bzImage's
 * own setup header (or zeros for a vmlinux), then fills what the boot loader owns: loader type, boot
 * flag, header magic, load flags, heap end, command line, initrd, kernel alignment, ACPI RSDP address
 * and the e820 map.
 */
public final class ZeroPage {
    private final LoadedKernel kernel;
    private long cmdlineAddress;
    private int cmdlineLength = -1;
    private Initrd initrd;
    private long acpiRsdpAddress;
    private List<E820Entry> e820 = List.of();

    public ZeroPage(LoadedKernel kernel) {
        this.kernel = kernel;
    }

    /** The command line at {@code address}, {@code length} bytes without the NUL. */
    public ZeroPage cmdline(long address, int length) {
        this.cmdlineAddress = address;
        this.cmdlineLength = length;
        return this;
    }

    /** The command line as written by {@link KernelCmdline#writeTo} (at {@link Layout#CMDLINE}). */
    public ZeroPage cmdline(KernelCmdline line) {
        return cmdline(Layout.CMDLINE, line.asString().length());
    }

    public ZeroPage initrd(Initrd initrd) {
        this.initrd = initrd;
        return this;
    }

    /** Guest-physical address of the ACPI RSDP; 0 leaves the kernel to scan 0xE0000-0xFFFFF. */
    public ZeroPage acpiRsdp(long address) {
        this.acpiRsdpAddress = address;
        return this;
    }

    public ZeroPage e820(List<E820Entry> entries) {
        if (entries.size() > E820_MAX_ENTRIES) {
            throw new IllegalArgumentException("at most " + E820_MAX_ENTRIES + " e820 entries fit in the zero page");
        }
        this.e820 = List.copyOf(entries);
        return this;
    }

    /** The 4096 bytes of struct boot_params. */
    public byte[] toBytes() {
        if (cmdlineLength < 0) {
            throw new IllegalStateException("zero page needs a command line");
        }
        byte[] page = new byte[ZERO_PAGE_SIZE];
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        kernel.setupHeader().ifPresent(h -> b.put(SETUP_HEADER, h.raw()));

        int version = kernel.setupHeader().map(SetupHeader::version).orElse(0);
        if (version == 0) {
            version = VERSION_2_14 + 1; // a vmlinux has no header: announce what we fill (2.15)
        }
        b.putShort(BOOT_FLAG, (short) BOOT_FLAG_MAGIC);
        b.putInt(HEADER, HEADER_MAGIC);
        b.putShort(VERSION, (short) version);
        b.put(TYPE_OF_LOADER, (byte) LOADER_TYPE_UNDEFINED);
        int loadflags = Byte.toUnsignedInt(page[LOADFLAGS]) | LOADFLAG_LOADED_HIGH | LOADFLAG_CAN_USE_HEAP;
        b.put(LOADFLAGS, (byte) loadflags);
        b.putShort(HEAP_END_PTR, (short) HEAP_END_PTR_VALUE);
        b.putInt(CMD_LINE_PTR, Math.toIntExact(cmdlineAddress));
        b.putInt(CMDLINE_SIZE, cmdlineLength + 1);
        if (initrd != null) {
            b.putInt(RAMDISK_IMAGE, (int) checkU32(initrd.address(), "initrd address"));
            b.putInt(RAMDISK_SIZE, (int) checkU32(initrd.size(), "initrd size"));
        }
        long alignment = kernel.setupHeader().map(SetupHeader::kernelAlignment).filter(a -> a != 0)
                .orElse((long) DEFAULT_KERNEL_ALIGNMENT);
        b.putInt(KERNEL_ALIGNMENT, (int) alignment);
        b.putLong(ACPI_RSDP_ADDR, acpiRsdpAddress);

        b.put(E820_ENTRIES, (byte) e820.size());
        for (int i = 0; i < e820.size(); i++) {
            E820Entry e = e820.get(i);
            int at = E820_TABLE + i * E820_ENTRY_SIZE;
            b.putLong(at, e.address());
            b.putLong(at + 8, e.size());
            b.putInt(at + 16, e.type());
        }
        return page;
    }

    /** Writes the zero page at {@link Layout#ZERO_PAGE}. */
    public void writeTo(GuestMemory memory) {
        memory.write(Layout.ZERO_PAGE, toBytes());
    }

    private static long checkU32(long v, String what) {
        if (v < 0 || v > 0xffff_ffffL) {
            throw new IllegalArgumentException(what + " does not fit in 32 bits: 0x" + Long.toHexString(v));
        }
        return v;
    }
}
