package dev.kapsel.sandbox.mm;

/**
 * One virtual memory area: {@code [start, end)} with protection {@code prot} (PROT_* bits). Pages
 * of a private file-backed area are filled from {@code backing} at {@code fileOffset + (va - start)}
 * up to {@code fileEnd} (a virtual address; beyond it the page is zero, as for an ELF segment's
 * .bss). A shared area ({@code shared} not null) maps the frames of its file's page cache at page
 * {@code (fileOffset + (va - start)) / 4096} instead.
 */
public record Vma(long start, long end, int prot, Backing backing, long fileOffset, long fileEnd, String name, Shared shared) {
    public static final int PROT_READ = 1;
    public static final int PROT_WRITE = 2;
    public static final int PROT_EXEC = 4;

    public Vma(long start, long end, int prot, Backing backing, long fileOffset, long fileEnd, String name) {
        this(start, end, prot, backing, fileOffset, fileEnd, name, null);
    }

    /** What a shared area maps: the file's page cache, and whether the file was opened so that it may be written. */
    public record Shared(SharedPages pages, boolean mayWrite) {}

    /** A MAP_SHARED area of {@code pages} from byte {@code fileOffset} of the file. */
    public static Vma shared(long start, long end, int prot, Shared shared, long fileOffset, String name) {
        return new Vma(start, end, prot, null, fileOffset, start, name, shared);
    }

    /** The page of the file that {@code va} of this shared area maps. */
    public long pageIndex(long va) {
        return (fileOffset + (va - start)) / 4096;
    }

    public static Vma anonymous(long start, long end, int prot, String name) {
        return new Vma(start, end, prot, null, 0, start, name);
    }

    public long length() {
        return end - start;
    }

    public boolean contains(long va) {
        return va >= start && va < end;
    }

    /** The part {@code [from, to)} of this area, with the file offset moved along. */
    public Vma slice(long from, long to) {
        return new Vma(from, to, prot, backing, fileOffset + (from - start), Math.max(from, Math.min(fileEnd, to)), name, shared);
    }

    public Vma withProt(int newProt) {
        return new Vma(start, end, newProt, backing, fileOffset, fileEnd, name, shared);
    }

    /** Where a file area's data ends in the file: for {@code /proc/self/maps} and tests. */
    public String describeProt() {
        return ((prot & PROT_READ) != 0 ? "r" : "-") + ((prot & PROT_WRITE) != 0 ? "w" : "-")
                + ((prot & PROT_EXEC) != 0 ? "x" : "-") + (shared != null ? "s" : "p");
    }

    /** Source of a file-backed area's bytes. */
    public interface Backing {
        /** Reads up to {@code length} bytes at {@code offset} into {@code dst}; returns the count (0 at end of file). */
        int read(long offset, byte[] dst, int dstOffset, int length);
    }
}
