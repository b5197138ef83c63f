package dev.kapsel.boot;

import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Loads an ELF kernel (ELF32 or ELF64, i386 or x86-64) that carries Xen's PVH entry note: an ELF note
 * owned by "Xen" of type {@value #XEN_ELFNOTE_PHYS32_ENTRY} whose descriptor is the 32-bit physical
 * address of the entry (Xen's {@code public/elfnote.h}). Segments go to p_paddr; the entry is the note's
 * address, not e_entry.
 */
final class PvhLoader {
    static final String XEN_NOTE_OWNER = "Xen";
    static final String LINUX_NOTE_OWNER = "Linux";
    static final long XEN_ELFNOTE_PHYS32_ENTRY = 18;

    private PvhLoader() {}

    static LoadedKernel load(String name, MemorySegment image, GuestMemory memory) throws KernelLoadException {
        if (!ElfImage.hasMagic(image)) {
            throw new KernelLoadException.Unsupported(name, "not an ELF file; a PVH kernel is an ELF with a Xen PHYS32_ENTRY note");
        }
        ElfImage elf = ElfImage.parse(name, image);
        elf.requireX86();
        ElfImage.Note note = elf.note(XEN_NOTE_OWNER, XEN_ELFNOTE_PHYS32_ENTRY);
        if (note == null) {
            throw new KernelLoadException.Unsupported(name, "no Xen PHYS32_ENTRY (type 18) ELF note: not a PVH kernel");
        }
        return elf.load(memory, entryOf(name, note.desc()), "PVH entry point", KernelFormat.ELF_PVH);
    }

    /** The descriptor is a 32-bit address; some toolchains store it in 8 bytes (the upper half zero). */
    private static long entryOf(String name, byte[] desc) throws KernelLoadException {
        ByteBuffer b = ByteBuffer.wrap(desc).order(ByteOrder.LITTLE_ENDIAN);
        long entry;
        if (desc.length == 4) {
            entry = Integer.toUnsignedLong(b.getInt(0));
        } else if (desc.length == 8) {
            entry = b.getLong(0);
        } else {
            throw new KernelLoadException.Malformed(name, "PVH entry note has a " + desc.length
                    + "-byte descriptor, not 4 or 8");
        }
        if (entry < 0 || entry > 0xffff_ffffL) {
            throw new KernelLoadException.Malformed(name, String.format("PVH entry point 0x%x is above 4 GiB", entry));
        }
        return entry;
    }
}
