package dev.kapsel.image;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.SequencedSet;

/**
 * The files a program needs to run, found as the dynamic loader finds them, inside an image's root:
 * the program, its interpreter ({@code PT_INTERP}), and every library named by a {@code DT_NEEDED}
 * entry, transitively, looked up in the object's {@code DT_RPATH}/{@code DT_RUNPATH} ({@code $ORIGIN}
 * expanded) and then Debian's library directories. Paths are names inside the root ({@code /lib/...});
 * symbolic links are followed inside the root (an absolute target is read against the root, never the
 * host). A static program's closure is itself. Every header is bounds-checked; a file that is not a
 * little-endian x86-64 ELF is refused.
 */
public final class ElfDependencies {
    /** Where Debian's loader looks after the object's own paths (its ld.so.conf and built-in defaults). */
    static final List<String> DEFAULT_DIRS = List.of("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64",
            "/lib", "/usr/lib", "/usr/local/lib");
    private static final int PT_DYNAMIC = 2;
    private static final int PT_INTERP = 3;
    private static final int PT_LOAD = 1;
    private static final long DT_NULL = 0;
    private static final long DT_NEEDED = 1;
    private static final long DT_STRTAB = 5;
    private static final long DT_RPATH = 15;
    private static final long DT_RUNPATH = 29;
    private static final int EM_X86_64 = 62;
    /** Bounds: no real program has more (the largest Debian binaries have a few hundred). */
    static final int MAX_OBJECTS = 4096;
    /** Links followed plus directory depth, together: a loop of links ends here, a real path never comes close. */
    private static final int MAX_LINKS = 255;
    private static final int MAX_NAME = 4096;

    private final Path root;

    public ElfDependencies(Path root) {
        this.root = root;
    }

    /** One dynamic object's needs: its interpreter (may be absent), needed sonames and search paths. */
    record Needs(Optional<String> interpreter, List<String> needed, List<String> searchPaths) {}

    /**
     * The closure of {@code program} (a path inside the root), program first, in the order found.
     *
     * @throws ElfException when the program or a needed library is missing or malformed
     */
    public SequencedSet<String> closure(String program) throws IOException {
        SequencedSet<String> found = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(normalize(program));
        while (!todo.isEmpty()) {
            String name = todo.removeFirst();
            if (!found.add(name)) {
                continue;
            }
            if (found.size() > MAX_OBJECTS) {
                throw new ElfException(program + " needs more than " + MAX_OBJECTS + " objects");
            }
            Needs needs = read(hostPath(name), name);
            if (needs.interpreter().isPresent()) {
                todo.add(normalize(needs.interpreter().get()));
            }
            String origin = parent(name);
            List<String> paths = needs.searchPaths().stream().map(p -> p.replace("${ORIGIN}", origin).replace("$ORIGIN", origin)).toList();
            for (String soname : needs.needed()) {
                todo.add(locate(soname, paths, name));
            }
        }
        return found;
    }

    /** The host file holding the root's {@code name}, its symbolic links followed inside the root. */
    public Path hostPath(String name) throws IOException {
        return hostPath(name, 0);
    }

    /** {@code depth} counts the links followed on the way here, through parents too, so a loop ends. */
    private Path hostPath(String name, int depth) throws IOException {
        String current = normalize(name);
        for (int hops = depth; hops <= MAX_LINKS; hops++) {
            Path host = within(current);
            Path parentReal = resolveParent(current, hops);
            Path candidate = parentReal.resolve(host.getFileName() == null ? "" : host.getFileName().toString());
            if (!Files.isSymbolicLink(candidate)) {
                if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    throw new ElfException(current + " is not in the image");
                }
                return candidate;
            }
            String target = Files.readSymbolicLink(candidate).toString();
            current = normalize(target.startsWith("/") ? target : rootName(parentReal) + "/" + target);
        }
        throw new ElfException(name + ": too many levels of symbolic links");
    }

    /** The real directory of {@code name}'s parent inside the root (each component's links followed inside it). */
    private Path resolveParent(String name, int depth) throws IOException {
        String parent = parent(name);
        if (parent.equals("/")) {
            return root;
        }
        Path p = hostPath(parent, depth + 1);
        if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            throw new ElfException(parent + " is not a directory in the image");
        }
        return p;
    }

    private String rootName(Path hostDir) {
        String rel = root.relativize(hostDir).toString();
        return rel.isEmpty() ? "" : "/" + rel;
    }

    private Path within(String name) {
        return root.resolve(name.substring(1));
    }

    private String locate(String soname, List<String> searchPaths, String neededBy) throws IOException {
        if (soname.contains("/")) {
            return normalize(soname.startsWith("/") ? soname : parent(neededBy) + "/" + soname);
        }
        List<String> dirs = new ArrayList<>(searchPaths);
        dirs.addAll(DEFAULT_DIRS);
        for (String dir : dirs) {
            if (dir.isEmpty()) {
                continue;
            }
            String candidate = normalize(dir + "/" + soname);
            try {
                Path host = hostPath(candidate);
                if (Files.isRegularFile(host, LinkOption.NOFOLLOW_LINKS)) {
                    return candidate;
                }
            } catch (ElfException notHere) {
                // try the next directory
            }
        }
        throw new ElfException(neededBy + " needs " + soname + ", which is in none of " + String.join(":", dirs) + " in the image");
    }

    /** {@code name} as an absolute path with {@code .} and {@code ..} resolved, never above the root. */
    static String normalize(String name) throws ElfException {
        if (name.isEmpty() || name.length() > MAX_NAME || name.indexOf('\0') >= 0) {
            throw new ElfException("not a usable path: '" + name.replace("\0", "\\0") + "'");
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String part : name.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String parent(String name) {
        int slash = name.lastIndexOf('/');
        return slash <= 0 ? "/" : name.substring(0, slash);
    }

    /** The needs of the ELF file at {@code host} ({@code name} for messages). */
    static Needs read(Path host, String name) throws IOException {
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(host, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ElfException(name + " is larger than 2 GiB");
            }
            b = ch.map(FileChannel.MapMode.READ_ONLY, 0, size).order(ByteOrder.LITTLE_ENDIAN);
        }
        if (b.limit() < 64 || b.getInt(0) != 0x464c457f) {
            throw new ElfException(name + " is not an ELF file");
        }
        if (b.get(4) != 2 || b.get(5) != 1 || Short.toUnsignedInt(b.getShort(18)) != EM_X86_64) {
            throw new ElfException(name + " is not a little-endian x86-64 ELF file");
        }
        long phoff = b.getLong(32);
        int phentsize = Short.toUnsignedInt(b.getShort(54));
        int phnum = Short.toUnsignedInt(b.getShort(56));
        if (phentsize < 56 || phoff < 0 || phoff + (long) phentsize * phnum > b.limit()) {
            throw new ElfException(name + ": its program headers lie outside the file");
        }
        List<long[]> loads = new ArrayList<>(); // vaddr, offset, filesz
        Optional<String> interpreter = Optional.empty();
        long dynOffset = -1;
        long dynSize = 0;
        for (int i = 0; i < phnum; i++) {
            int h = (int) (phoff + (long) i * phentsize);
            int type = b.getInt(h);
            long offset = b.getLong(h + 8);
            long vaddr = b.getLong(h + 16);
            long filesz = b.getLong(h + 32);
            if (type == PT_LOAD || type == PT_INTERP || type == PT_DYNAMIC) {
                if (offset < 0 || filesz < 0 || offset > b.limit() || filesz > b.limit() - offset) {
                    throw new ElfException(name + ": a segment lies outside the file");
                }
            }
            switch (type) {
                case PT_LOAD -> loads.add(new long[] {vaddr, offset, filesz});
                case PT_INTERP -> interpreter = Optional.of(string(b, (int) offset, (int) (offset + filesz), name));
                case PT_DYNAMIC -> {
                    dynOffset = offset;
                    dynSize = filesz;
                }
                default -> { }
            }
        }
        if (dynOffset < 0) {
            return new Needs(interpreter, List.of(), List.of());
        }
        List<Long> neededAt = new ArrayList<>();
        List<Long> pathsAt = new ArrayList<>();
        long strtab = -1;
        for (long e = dynOffset; e + 16 <= dynOffset + dynSize; e += 16) {
            long tag = b.getLong((int) e);
            long val = b.getLong((int) e + 8);
            if (tag == DT_NULL) {
                break;
            } else if (tag == DT_NEEDED) {
                neededAt.add(val);
            } else if (tag == DT_STRTAB) {
                strtab = val;
            } else if (tag == DT_RPATH || tag == DT_RUNPATH) {
                pathsAt.add(val);
            }
        }
        if (neededAt.isEmpty() && pathsAt.isEmpty()) {
            return new Needs(interpreter, List.of(), List.of());
        }
        long strtabOffset = fileOffset(loads, strtab, name);
        List<String> needed = new ArrayList<>();
        for (long at : neededAt) {
            needed.add(stringAt(b, strtabOffset, at, name));
        }
        List<String> paths = new ArrayList<>();
        for (long at : pathsAt) {
            paths.addAll(List.of(stringAt(b, strtabOffset, at, name).split(":")));
        }
        return new Needs(interpreter, needed, paths);
    }

    private static long fileOffset(List<long[]> loads, long vaddr, String name) throws ElfException {
        for (long[] l : loads) {
            if (vaddr >= l[0] && vaddr - l[0] < l[2]) {
                return l[1] + (vaddr - l[0]);
            }
        }
        throw new ElfException(name + ": its string table is in no loaded segment");
    }

    private static String stringAt(ByteBuffer b, long strtabOffset, long index, String name) throws ElfException {
        if (index < 0 || strtabOffset + index >= b.limit()) {
            throw new ElfException(name + ": a dynamic string lies outside the file");
        }
        int start = (int) (strtabOffset + index);
        return string(b, start, (int) Math.min(b.limit(), start + (long) MAX_NAME), name);
    }

    /** The NUL-terminated string at {@code start}, which must end before {@code end}. */
    private static String string(ByteBuffer b, int start, int end, String name) throws ElfException {
        for (int i = start; i < end; i++) {
            if (b.get(i) == 0) {
                byte[] bytes = new byte[i - start];
                b.get(start, bytes);
                return new String(bytes, StandardCharsets.UTF_8);
            }
        }
        throw new ElfException(name + ": a string has no end");
    }

    /** An ELF file kapsel cannot use, or a dependency the image lacks. */
    public static final class ElfException extends IOException {
        public ElfException(String message) {
            super(message);
        }
    }
}
