package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.util.Optional;

/**
 * Loads a Multiboot v1 kernel. With the header's a.out kludge (flag 16) the file is loaded from the
 * offset that puts the header at header_addr, from load_addr to load_end_addr (or the end of the file),
 * bss zeroed up to bss_end_addr, entered at entry_addr. Without it the file must be an ELF, loaded by its
 * program headers and entered at e_entry. Everything must lie in guest RAM between 1 MiB and 4 GiB.
 */
final class MultibootLoader {
    private MultibootLoader() {}

    static LoadedKernel load(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        MultibootHeader header = MultibootHeader.find(image);
        if (header == null) {
            throw new KernelLoadException.Unsupported(name, "no multiboot header (magic 0x1BADB002 with a valid "
                    + "checksum) in the first 8 KiB: not a multiboot kernel");
        }
        if (header.unknownRequirements() != 0) {
            throw new KernelLoadException.Unsupported(name, String.format(
                    "the multiboot header asks for features kapsel does not provide (flags 0x%x)", header.unknownRequirements()));
        }
        return header.aoutKludge() ? loadKludge(name, image, memory, header) : loadElf(name, image, memory);
    }

    private static LoadedKernel loadElf(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        if (!ElfImage.hasMagic(image)) {
            throw new KernelLoadException.Unsupported(name, "multiboot header without the a.out kludge (flag 16) "
                    + "in a file that is not an ELF: kapsel cannot tell where to load it");
        }
        ElfImage elf = ElfImage.parse(name, image);
        elf.requireX86();
        below4g(name, elf.loadEnd(), "the kernel's end");
        return elf.load(memory, elf.entry, "entry point", KernelFormat.MULTIBOOT);
    }

    private static LoadedKernel loadKludge(String name, MemorySegment image, GuestMemory memory, MultibootHeader h)
            throws KernelLoadException {
        if (h.headerAddr() < h.loadAddr()) {
            throw new KernelLoadException.Malformed(name, "multiboot header_addr is below load_addr");
        }
        long fileStart = h.offset() - (h.headerAddr() - h.loadAddr());
        if (fileStart < 0) {
            throw new KernelLoadException.Malformed(name, "multiboot load_addr lies before the start of the file");
        }
        long loadEnd = h.loadEndAddr() == 0 ? h.loadAddr() + (image.byteSize() - fileStart) : h.loadEndAddr();
        long length = loadEnd - h.loadAddr();
        if (length <= 0 || fileStart + length > image.byteSize()) {
            throw new KernelLoadException.Truncated(name, "the multiboot load range runs past the end of the file");
        }
        long bssEnd = h.bssEndAddr() == 0 ? loadEnd : h.bssEndAddr();
        if (bssEnd < loadEnd) {
            throw new KernelLoadException.Malformed(name, "multiboot bss_end_addr is below load_end_addr");
        }
        below4g(name, bssEnd, "the kernel's end");
        if (h.loadAddr() < Layout.HIMEM_START) {
            throw new KernelLoadException.DoesNotFit(name, String.format(
                    "load_addr 0x%x is below 1 MiB, over the boot structures", h.loadAddr()));
        }
        if (!memory.contains(h.loadAddr(), bssEnd - h.loadAddr())) {
            throw new KernelLoadException.DoesNotFit(name, String.format("[0x%x, 0x%x) is outside guest RAM (%d MiB)",
                    h.loadAddr(), bssEnd, memory.size() >> 20));
        }
        if (h.entryAddr() < h.loadAddr() || h.entryAddr() >= bssEnd) {
            throw new KernelLoadException.Malformed(name, String.format(
                    "multiboot entry_addr 0x%x is outside the loaded image", h.entryAddr()));
        }
        MemorySegment.copy(image, fileStart, memory.slice(h.loadAddr(), length), 0, length);
        memory.fill(loadEnd, bssEnd - loadEnd, (byte) 0);
        return new LoadedKernel(KernelFormat.MULTIBOOT, h.entryAddr(), h.loadAddr(), bssEnd, bssEnd, Optional.empty());
    }

    private static void below4g(String name, long end, String what) throws KernelLoadException {
        if (end > 0x1_0000_0000L || end < 0) {
            throw new KernelLoadException.DoesNotFit(name, what + String.format(" 0x%x is above 4 GiB; "
                    + "a multiboot kernel runs in 32-bit mode", end));
        }
    }
}
