package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Loads an uncompressed ELF64 x86-64 {@code vmlinux}: each PT_LOAD segment goes to its physical
 * address (p_paddr), the rest of p_memsz is zeroed, and the entry point is e_entry (the physical
 * address of startup_64). All headers are validated before guest memory is touched.
 */
final class ElfKernelLoader {
    static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};

    private static final int EHDR_SIZE = 64;
    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFCLASS32 = 1;
    private static final int ELFCLASS64 = 2;
    private static final int ELFDATA2LSB = 1;
    private static final int E_MACHINE = 0x12;
    private static final int E_ENTRY = 0x18;
    private static final int E_PHOFF = 0x20;
    private static final int E_PHENTSIZE = 0x36;
    private static final int E_PHNUM = 0x38;
    private static final int EM_386 = 3;
    private static final int EM_X86_64 = 62;
    private static final int PHDR_SIZE = 56;
    private static final int PT_LOAD = 1;

    private ElfKernelLoader() {}

    private record Segment(long offset, long paddr, long filesz, long memsz) {}

    static LoadedKernel load(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        ImageReader r = new ImageReader(name, image);
        r.require(0, EHDR_SIZE, "ELF header");
        int elfClass = r.u8(EI_CLASS, "e_ident");
        if (elfClass == ELFCLASS32) {
            throw new KernelLoadException.Unsupported(name, "32-bit ELF; kapsel boots a 64-bit x86-64 vmlinux");
        }
        if (elfClass != ELFCLASS64) {
            throw new KernelLoadException.Malformed(name, "unknown ELF class " + elfClass);
        }
        if (r.u8(EI_DATA, "e_ident") != ELFDATA2LSB) {
            throw new KernelLoadException.Unsupported(name, "big-endian ELF; x86-64 kernels are little-endian");
        }
        int machine = r.u16(E_MACHINE, "e_machine");
        if (machine == EM_386) {
            throw new KernelLoadException.Unsupported(name, "ELF for i386; kapsel boots a 64-bit x86-64 vmlinux");
        }
        if (machine != EM_X86_64) {
            throw new KernelLoadException.Unsupported(name, "ELF for machine " + machine + ", not x86-64 (62)");
        }
        long entry = r.u64(E_ENTRY, "e_entry");
        long phoff = r.u64(E_PHOFF, "e_phoff");
        int phentsize = r.u16(E_PHENTSIZE, "e_phentsize");
        int phnum = r.u16(E_PHNUM, "e_phnum");
        if (phentsize != PHDR_SIZE) {
            throw new KernelLoadException.Malformed(name, "program header size " + phentsize + ", expected 56");
        }
        if (phnum == 0) {
            throw new KernelLoadException.Malformed(name, "ELF has no program headers");
        }
        r.require(phoff, (long) phnum * PHDR_SIZE, phnum + " program headers");

        List<Segment> loads = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * PHDR_SIZE;
            if (r.u32(ph, "p_type") != PT_LOAD) {
                continue;
            }
            Segment s = new Segment(r.u64(ph + 8, "p_offset"), r.u64(ph + 24, "p_paddr"),
                    r.u64(ph + 32, "p_filesz"), r.u64(ph + 40, "p_memsz"));
            checkSegment(name, r, memory, i, s);
            loads.add(s);
        }
        if (loads.isEmpty()) {
            throw new KernelLoadException.Malformed(name, "ELF has no PT_LOAD segment");
        }
        long start = Long.MAX_VALUE;
        long end = 0;
        boolean entryLoaded = false;
        for (Segment s : loads) {
            start = Math.min(start, s.paddr);
            end = Math.max(end, s.paddr + s.memsz);
            entryLoaded |= entry >= s.paddr && entry - s.paddr < s.memsz;
        }
        if (!entryLoaded) {
            throw new KernelLoadException.Malformed(name, String.format(
                    "entry point 0x%x is not inside any PT_LOAD segment", entry));
        }
        for (Segment s : loads) {
            MemorySegment.copy(image, s.offset, memory.slice(s.paddr, s.filesz), 0, s.filesz);
            if (s.memsz > s.filesz) {
                memory.fill(s.paddr + s.filesz, s.memsz - s.filesz, (byte) 0);
            }
        }
        return new LoadedKernel(KernelFormat.ELF_VMLINUX, entry, start, end, end, Optional.empty());
    }

    private static void checkSegment(String name, ImageReader r, GuestMemory memory, int i, Segment s)
            throws KernelLoadException {
        if (Long.compareUnsigned(s.filesz, s.memsz) > 0) {
            throw new KernelLoadException.Malformed(name, "segment " + i + " has p_filesz larger than p_memsz");
        }
        r.require(s.offset, s.filesz, "segment " + i);
        if (Long.compareUnsigned(s.paddr, Layout.HIMEM_START) < 0) {
            throw new KernelLoadException.DoesNotFit(name, String.format(
                    "segment %d at 0x%x is below 1 MiB, over the boot structures", i, s.paddr));
        }
        if (s.memsz < 0 || s.paddr < 0 || !memory.contains(s.paddr, s.memsz)) {
            throw new KernelLoadException.DoesNotFit(name, String.format(
                    "segment %d [0x%x, +0x%x) is outside guest RAM (%d MiB)", i, s.paddr, s.memsz,
                    memory.size() >> 20));
        }
    }
}
