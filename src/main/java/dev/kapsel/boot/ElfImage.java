package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of a little-endian x86 ELF file (ELF32 i386 or ELF64 x86-64) a boot loader reads: the
 * entry point, the PT_LOAD segments (placed at p_paddr) and the notes of the PT_NOTE segments.
 * Every header is bounds-checked against the file when parsed; {@link #checkFits} and
 * {@link #loadInto} then place the segments in guest memory.
 */
final class ElfImage {
    static final byte[] MAGIC = {0x7f, 'E', 'L', 'F'};
    static final int ELFCLASS32 = 1;
    static final int ELFCLASS64 = 2;
    static final int EM_386 = 3;
    static final int EM_X86_64 = 62;

    private static final int EI_CLASS = 4;
    private static final int EI_DATA = 5;
    private static final int ELFDATA2LSB = 1;
    private static final int E_MACHINE = 0x12;
    private static final int PT_LOAD = 1;
    private static final int PT_NOTE = 4;

    /** A PT_LOAD segment: file bytes [offset, offset+filesz) at paddr, zeroed up to memsz. */
    record Segment(long offset, long paddr, long filesz, long memsz) {}

    /** One ELF note: its owner name (without the NUL), type and descriptor bytes. */
    record Note(String owner, long type, byte[] desc) {}

    private final String name;
    private final MemorySegment image;
    final int elfClass;
    final int machine;
    final long entry;
    final List<Segment> loads;
    final List<Note> notes;

    private ElfImage(String name, MemorySegment image, int elfClass, int machine, long entry, List<Segment> loads,
                     List<Note> notes) {
        this.name = name;
        this.image = image;
        this.elfClass = elfClass;
        this.machine = machine;
        this.entry = entry;
        this.loads = List.copyOf(loads);
        this.notes = List.copyOf(notes);
    }

    static boolean hasMagic(MemorySegment image) {
        return image.byteSize() >= MAGIC.length
                && java.util.Arrays.equals(image.asSlice(0, MAGIC.length).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), MAGIC);
    }

    /** The ELF class byte (1 = ELF32, 2 = ELF64), or -1 if the image is too short to have one. */
    static int elfClass(MemorySegment image) {
        return image.byteSize() > EI_CLASS ? Byte.toUnsignedInt(image.get(java.lang.foreign.ValueLayout.JAVA_BYTE, EI_CLASS)) : -1;
    }

    /** Parses the headers of an ELF32 or ELF64 little-endian file; loads nothing. */
    static ElfImage parse(String name, MemorySegment image) throws KernelLoadException {
        ImageReader r = new ImageReader(name, image);
        int elfClass = r.u8(EI_CLASS, "e_ident");
        if (elfClass != ELFCLASS32 && elfClass != ELFCLASS64) {
            throw new KernelLoadException.Malformed(name, "unknown ELF class " + elfClass);
        }
        if (r.u8(EI_DATA, "e_ident") != ELFDATA2LSB) {
            throw new KernelLoadException.Unsupported(name, "big-endian ELF; x86 kernels are little-endian");
        }
        boolean is64 = elfClass == ELFCLASS64;
        r.require(0, is64 ? 64 : 52, "ELF header");
        int machine = r.u16(E_MACHINE, "e_machine");
        long entry = is64 ? r.u64(0x18, "e_entry") : r.u32(0x18, "e_entry");
        long phoff = is64 ? r.u64(0x20, "e_phoff") : r.u32(0x1c, "e_phoff");
        int phentsize = r.u16(is64 ? 0x36 : 0x2a, "e_phentsize");
        int phnum = r.u16(is64 ? 0x38 : 0x2c, "e_phnum");
        int expected = is64 ? 56 : 32;
        if (phentsize != expected) {
            throw new KernelLoadException.Malformed(name, "program header size " + phentsize + ", expected " + expected);
        }
        if (phnum == 0) {
            throw new KernelLoadException.Malformed(name, "ELF has no program headers");
        }
        r.require(phoff, (long) phnum * phentsize, phnum + " program headers");
        List<Segment> loads = new ArrayList<>();
        List<Note> notes = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            long ph = phoff + (long) i * phentsize;
            long type = r.u32(ph, "p_type");
            Segment s = is64
                    ? new Segment(r.u64(ph + 8, "p_offset"), r.u64(ph + 24, "p_paddr"), r.u64(ph + 32, "p_filesz"),
                            r.u64(ph + 40, "p_memsz"))
                    : new Segment(r.u32(ph + 4, "p_offset"), r.u32(ph + 12, "p_paddr"), r.u32(ph + 16, "p_filesz"),
                            r.u32(ph + 20, "p_memsz"));
            if (type == PT_LOAD) {
                if (Long.compareUnsigned(s.filesz, s.memsz) > 0) {
                    throw new KernelLoadException.Malformed(name, "segment " + i + " has p_filesz larger than p_memsz");
                }
                r.require(s.offset, s.filesz, "segment " + i);
                loads.add(s);
            } else if (type == PT_NOTE) {
                r.require(s.offset, s.filesz, "note segment " + i);
                readNotes(r, s.offset, s.filesz, notes);
            }
        }
        if (loads.isEmpty()) {
            throw new KernelLoadException.Malformed(name, "ELF has no PT_LOAD segment");
        }
        return new ElfImage(name, image, elfClass, machine, entry, loads, notes);
    }

    /** Notes are {namesz, descsz, type, name padded to 4, desc padded to 4} (the same in ELF32 and ELF64). */
    private static void readNotes(ImageReader r, long offset, long size, List<Note> into) throws KernelLoadException {
        long at = offset;
        long end = offset + size;
        while (end - at >= 12) {
            long namesz = r.u32(at, "note namesz");
            long descsz = r.u32(at + 4, "note descsz");
            long type = r.u32(at + 8, "note type");
            long nameAt = at + 12;
            long descAt = nameAt + align4(namesz);
            long next = descAt + align4(descsz);
            if (next > end || namesz > 256 || descsz > 4096) {
                throw new KernelLoadException.Malformed(r.name, String.format("ELF note at offset 0x%x runs past its segment", at));
            }
            byte[] owner = r.bytes(nameAt, (int) namesz, "note name");
            int length = owner.length > 0 && owner[owner.length - 1] == 0 ? owner.length - 1 : owner.length;
            into.add(new Note(new String(owner, 0, length, StandardCharsets.ISO_8859_1), type,
                    r.bytes(descAt, (int) descsz, "note descriptor")));
            at = next;
        }
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    /** The first note of {@code owner} with {@code type}, or null. */
    Note note(String owner, long type) {
        for (Note n : notes) {
            if (n.owner.equals(owner) && n.type == type) {
                return n;
            }
        }
        return null;
    }

    long loadStart() {
        return loads.stream().mapToLong(Segment::paddr).min().orElseThrow();
    }

    long loadEnd() {
        return loads.stream().mapToLong(s -> s.paddr + s.memsz).max().orElseThrow();
    }

    /** True if {@code address} lies inside a PT_LOAD segment's memory image. */
    boolean loads(long address) {
        return loads.stream().anyMatch(s -> address >= s.paddr && address - s.paddr < s.memsz);
    }

    /** Fails unless the file is for i386 or x86-64 (both are entered in 32-bit or 64-bit x86 mode). */
    void requireX86() throws KernelLoadException {
        if (machine != EM_386 && machine != EM_X86_64) {
            throw new KernelLoadException.Unsupported(name, "ELF for machine " + machine + ", not i386 (3) or x86-64 (62)");
        }
    }

    /**
     * Checks that the segments fit and that {@code entry} (named {@code what} in the message) lies in one,
     * then loads them; returns the kernel as loaded, in {@code format}.
     */
    LoadedKernel load(GuestMemory memory, long entry, String what, KernelFormat format) throws KernelLoadException {
        checkFits(memory);
        if (!loads(entry)) {
            throw new KernelLoadException.Malformed(name, String.format(
                    "%s 0x%x is not inside any PT_LOAD segment", what, entry));
        }
        loadInto(memory);
        long end = loadEnd();
        return new LoadedKernel(format, entry, loadStart(), end, end, java.util.Optional.empty());
    }

    /** Fails unless every segment lies in guest RAM above 1 MiB (below it sit the boot structures). */
    void checkFits(GuestMemory memory) throws KernelLoadException {
        for (int i = 0; i < loads.size(); i++) {
            Segment s = loads.get(i);
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

    /** Copies every segment to its physical address and zeroes the rest of its memory size. */
    void loadInto(GuestMemory memory) throws KernelLoadException {
        checkFits(memory);
        for (Segment s : loads) {
            MemorySegment.copy(image, s.offset, memory.slice(s.paddr, s.filesz), 0, s.filesz);
            if (s.memsz > s.filesz) {
                memory.fill(s.paddr + s.filesz, s.memsz - s.filesz, (byte) 0);
            }
        }
    }
}
