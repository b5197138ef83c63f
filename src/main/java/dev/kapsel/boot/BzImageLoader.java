package dev.kapsel.boot;

import static dev.kapsel.boot.BootParamsLayout.*;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Loads a {@code bzImage} for the 64-bit boot protocol: the protected-mode kernel (everything after
 * the setup sectors) goes to {@link Layout#HIMEM_START}, and the entry point is startup_64 at
 * load address + 0x200. Requires boot protocol 2.12+ with {@code XLF_KERNEL_64}. The setup header
 * is kept for the zero page.
 */
final class BzImageLoader {
    /** The last setup header field we read (init_size) ends here. */
    private static final int REQUIRED_HEADER_END = INIT_SIZE + 4;
    /** The setup header may not run into edd_mbr_sig_buffer at 0x290 of boot_params. */
    private static final int MAX_HEADER_END = 0x290;

    private BzImageLoader() {}

    static boolean hasMagic(MemorySegment image) {
        ImageReader r = new ImageReader("", image);
        try {
            return r.has(HEADER, 4) && r.u32(HEADER, "header") == Integer.toUnsignedLong(HEADER_MAGIC);
        } catch (KernelLoadException.Truncated e) {
            return false;
        }
    }

    static LoadedKernel load(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        ImageReader r = new ImageReader(name, image);
        int version = r.u16(VERSION, "setup header version");
        if (version < MIN_VERSION_64BIT) {
            throw new KernelLoadException.Unsupported(name, String.format(
                    "boot protocol %d.%02d is older than 2.12, no 64-bit entry point", version >> 8, version & 0xff));
        }
        int headerEnd = HEADER + r.u8(JUMP + 1, "setup header length");
        if (headerEnd < REQUIRED_HEADER_END) {
            throw new KernelLoadException.Malformed(name, String.format(
                    "setup header ends at 0x%x, before init_size for protocol 2.12+", headerEnd));
        }
        headerEnd = Math.min(headerEnd, MAX_HEADER_END);
        SetupHeader header = SetupHeader.parse(r.bytes(SETUP_HEADER, headerEnd - SETUP_HEADER, "setup header"));
        if ((header.xloadflags() & XLF_KERNEL_64) == 0) {
            throw new KernelLoadException.Unsupported(name, "32-bit-only kernel (XLF_KERNEL_64 not set)");
        }
        long setupSize = (long) (header.setupSects() + 1) * SECTOR_SIZE;
        if (setupSize >= r.size()) {
            throw new KernelLoadException.Truncated(name, String.format(
                    "file ends inside the %d setup sectors, no protected-mode kernel", header.setupSects()));
        }
        long kernelSize = r.size() - setupSize;
        long syssize = r.u32(SYSSIZE, "syssize") * 16;
        if (kernelSize < syssize) {
            throw new KernelLoadException.Truncated(name, String.format(
                    "protected-mode kernel is %d bytes, header says %d", kernelSize, syssize));
        }
        long loadAddress = Layout.HIMEM_START;
        if (!memory.contains(loadAddress, kernelSize)) {
            throw new KernelLoadException.DoesNotFit(name, String.format(
                    "%d-byte kernel at 0x%x is outside guest RAM (%d MiB)", kernelSize, loadAddress,
                    memory.size() >> 20));
        }
        long loadEnd = loadAddress + kernelSize;
        long runtimeStart = runtimeStart(header, loadAddress);
        if (!memory.contains(runtimeStart, header.initSize())) {
            throw new KernelLoadException.DoesNotFit(name, String.format(
                    "kernel needs 0x%x bytes (init_size) from 0x%x to decompress", header.initSize(), runtimeStart));
        }
        MemorySegment.copy(image, setupSize, memory.slice(loadAddress, kernelSize), 0, kernelSize);
        long reservedEnd = Math.max(loadEnd, runtimeStart + header.initSize());
        return new LoadedKernel(KernelFormat.BZIMAGE, loadAddress + STARTUP_64_OFFSET, loadAddress, loadEnd,
                reservedEnd, Optional.of(header));
    }

    /**
     * Where the kernel decompresses itself: a relocatable kernel aligns its load address up to
     * kernel_alignment but never goes below pref_address (LOAD_PHYSICAL_ADDR); a fixed one runs at
     * pref_address.
     */
    private static long runtimeStart(SetupHeader h, long loadAddress) {
        long pref = h.prefAddress() > 0 ? h.prefAddress() : loadAddress;
        if (!h.relocatable()) {
            return pref;
        }
        long align = h.kernelAlignment() > 0 && Long.bitCount(h.kernelAlignment()) == 1
                ? h.kernelAlignment() : DEFAULT_KERNEL_ALIGNMENT;
        long aligned = (loadAddress + align - 1) & -align;
        return Math.max(aligned, pref);
    }
}
