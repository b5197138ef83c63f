package dev.kapsel.boot;

import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.MemorySegment;

/**
 * Loads an uncompressed ELF64 x86-64 {@code vmlinux}: each PT_LOAD segment goes to its physical
 * address (p_paddr), the rest of p_memsz is zeroed, and the entry point is e_entry (the physical
 * address of startup_64). All headers are validated before guest memory is touched.
 */
final class ElfKernelLoader {
    static final byte[] MAGIC = ElfImage.MAGIC;

    private ElfKernelLoader() {}

    static LoadedKernel load(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        ImageReader r = new ImageReader(name, image);
        r.require(0, 64, "ELF header");
        int elfClass = r.u8(4, "e_ident");
        if (elfClass == ElfImage.ELFCLASS32) {
            throw new KernelLoadException.Unsupported(name, "32-bit ELF with no multiboot header or PVH note; "
                    + "kapsel boots a 64-bit x86-64 vmlinux this way");
        }
        ElfImage elf = ElfImage.parse(name, image);
        if (elf.machine == ElfImage.EM_386) {
            throw new KernelLoadException.Unsupported(name, "ELF for i386; kapsel boots a 64-bit x86-64 vmlinux");
        }
        if (elf.machine != ElfImage.EM_X86_64) {
            throw new KernelLoadException.Unsupported(name, "ELF for machine " + elf.machine + ", not x86-64 (62)");
        }
        return elf.load(memory, elf.entry, "entry point", KernelFormat.ELF_VMLINUX);
    }
}
