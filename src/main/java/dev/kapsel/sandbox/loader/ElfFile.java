package dev.kapsel.sandbox.loader;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * The parts of an ELF64 x86-64 executable a loader needs: type, entry point and program headers.
 * Every offset and size is checked against the file; malformed input throws {@link ElfException}.
 */
public record ElfFile(int type, long entry, long phoff, int phentsize, List<ProgramHeader> programHeaders) {
    public static final int ET_EXEC = 2;
    public static final int ET_DYN = 3;
    public static final int PT_LOAD = 1;
    public static final int PT_INTERP = 3;
    public static final int PT_PHDR = 6;
    public static final int PF_X = 1, PF_W = 2, PF_R = 4;
    private static final int EM_X86_64 = 62;

    public record ProgramHeader(int type, int flags, long offset, long vaddr, long filesz, long memsz, long align) {}

    public static ElfFile parse(byte[] file) {
        if (file.length < 64 || file[0] != 0x7f || file[1] != 'E' || file[2] != 'L' || file[3] != 'F') {
            throw new ElfException("not an ELF file");
        }
        if (file[4] != 2 || file[5] != 1) {
            throw new ElfException("not a 64-bit little-endian ELF file");
        }
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        int type = Short.toUnsignedInt(b.getShort(16));
        int machine = Short.toUnsignedInt(b.getShort(18));
        if (machine != EM_X86_64) {
            throw new ElfException("not an x86-64 program (machine " + machine + ")");
        }
        if (type != ET_EXEC && type != ET_DYN) {
            throw new ElfException("not an executable (ELF type " + type + ")");
        }
        long entry = b.getLong(24);
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        if (phentsize != 56 || phnum == 0 || phnum > 128 || phoff < 0 || phoff > file.length - (long) phnum * 56) {
            throw new ElfException("bad program header table");
        }
        List<ProgramHeader> phs = new ArrayList<>();
        for (int i = 0; i < phnum; i++) {
            int o = (int) (phoff + i * 56L);
            ProgramHeader ph = new ProgramHeader(b.getInt(o), b.getInt(o + 4), b.getLong(o + 8), b.getLong(o + 16),
                    b.getLong(o + 32), b.getLong(o + 40), b.getLong(o + 48));
            if (ph.type() == PT_LOAD) {
                if (ph.offset() < 0 || ph.filesz() < 0 || ph.memsz() < ph.filesz() || ph.filesz() > file.length
                        || ph.offset() > file.length - ph.filesz() || ph.vaddr() < 0 || ph.memsz() > (1L << 40)
                        || ((ph.vaddr() - ph.offset()) & 0xfff) != 0) {
                    throw new ElfException("bad PT_LOAD segment " + i);
                }
            }
            phs.add(ph);
        }
        if (phs.stream().noneMatch(p -> p.type() == PT_LOAD)) {
            throw new ElfException("no loadable segment");
        }
        return new ElfFile(type, entry, phoff, phentsize, List.copyOf(phs));
    }

    /** The PT_INTERP path (the dynamic linker) in {@code file}, or null for a static program. */
    public String interpreter(byte[] file) {
        for (ProgramHeader ph : programHeaders) {
            if (ph.type() == PT_INTERP) {
                if (ph.offset() < 0 || ph.filesz() <= 1 || ph.filesz() > 4096 || ph.offset() + ph.filesz() > file.length) {
                    throw new ElfException("bad PT_INTERP");
                }
                int n = (int) ph.filesz();
                while (n > 0 && file[(int) ph.offset() + n - 1] == 0) {
                    n--;
                }
                return new String(file, (int) ph.offset(), n, java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        return null;
    }

    public boolean hasInterpreter() {
        return programHeaders.stream().anyMatch(p -> p.type() == PT_INTERP);
    }
}
