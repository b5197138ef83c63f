package dev.kapsel.sandbox.loader;

import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.mm.Vma;

/**
 * Maps the PT_LOAD segments of a static (ET_EXEC) or static-PIE (ET_DYN without interpreter)
 * program into an address space: file-backed areas, demand-paged, with the .bss part zero.
 * A dynamically linked program's interpreter is loaded the same way by the caller, at
 * {@link #INTERPRETER_BASE}.
 */
public final class ElfLoader {
    /** Where a position-independent executable is placed (Linux uses 2/3 of the address space). */
    public static final long PIE_BASE = 0x5555_5555_4000L;

    private ElfLoader() {}

    /** Where the ELF interpreter (ld.so) of a dynamically linked program is placed: above the mmap area. */
    public static final long INTERPRETER_BASE = 0x7f10_0000_0000L;

    /** Loads a program; a position-independent one at {@link #PIE_BASE}. */
    public static LoadedProgram load(AddressSpace space, byte[] file, String name) {
        return load(space, file, name, PIE_BASE);
    }

    /** Loads an ELF file; a position-independent one (ET_DYN) at {@code dynBase}. */
    public static LoadedProgram load(AddressSpace space, byte[] file, String name, long dynBase) {
        ElfFile elf = ElfFile.parse(file);
        long bias = elf.type() == ElfFile.ET_DYN ? dynBase : 0;
        Vma.Backing backing = (offset, dst, dstOffset, length) -> {
            if (offset >= file.length) {
                return 0;
            }
            int n = (int) Math.min(length, file.length - offset);
            System.arraycopy(file, (int) offset, dst, dstOffset, n);
            return n;
        };
        long end = 0;
        long phdr = 0;
        for (ElfFile.ProgramHeader ph : elf.programHeaders()) {
            if (ph.type() != ElfFile.PT_LOAD || ph.memsz() == 0) {
                continue;
            }
            long va = bias + ph.vaddr();
            long start = AddressSpace.pageDown(va);
            long fileStart = ph.offset() - (va - start);
            long segEnd = AddressSpace.pageUp(va + ph.memsz());
            int prot = ((ph.flags() & ElfFile.PF_R) != 0 ? Vma.PROT_READ : 0)
                    | ((ph.flags() & ElfFile.PF_W) != 0 ? Vma.PROT_WRITE : 0)
                    | ((ph.flags() & ElfFile.PF_X) != 0 ? Vma.PROT_EXEC : 0);
            space.insert(new Vma(start, segEnd, prot, backing, fileStart, va + ph.filesz(), name));
            if (elf.phoff() >= ph.offset() && elf.phoff() < ph.offset() + ph.filesz()) {
                phdr = va + (elf.phoff() - ph.offset());
            }
            end = Math.max(end, segEnd);
        }
        for (ElfFile.ProgramHeader ph : elf.programHeaders()) {
            if (ph.type() == ElfFile.PT_PHDR) {
                phdr = bias + ph.vaddr();
            }
        }
        return new LoadedProgram(bias + elf.entry(), phdr, elf.programHeaders().size(), bias, end);
    }
}
