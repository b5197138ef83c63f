package dev.kapsel.image.layer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves directory components under an extraction root the way the kernel would on the host,
 * following symlinks already extracted, and refuses any walk that leaves the root: a symlink with
 * an absolute target (on the host it points outside), or a relative one that climbs above the
 * root. The result is a real directory reached without symlinks, so writing into it cannot escape.
 */
final class RootedResolver {
    /** Linux's limit on symlinks followed in one lookup. */
    static final int MAX_SYMLINKS = 40;

    private final Path root;

    RootedResolver(Path root) {
        this.root = root;
    }

    /** Why a walk was refused. */
    static final class Escape extends Exception {
        Escape(String reason) {
            super(reason);
        }
    }

    /**
     * The real directory the components name, creating missing directories (0755, root) when
     * {@code create} is set. Throws {@link Escape} when the walk would leave the root, and
     * {@link java.nio.file.NotDirectoryException} when a component is a file.
     */
    Path directory(List<String> components, boolean create) throws IOException, Escape {
        List<String> resolved = new ArrayList<>();
        Deque<String> pending = new ArrayDeque<>(components);
        int hops = 0;
        while (!pending.isEmpty()) {
            String c = pending.removeFirst();
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                if (resolved.isEmpty()) {
                    throw new Escape("a symlink leads above the root");
                }
                resolved.removeLast();
                continue;
            }
            Path candidate = at(resolved).resolve(c);
            if (Files.isSymbolicLink(candidate)) {
                if (++hops > MAX_SYMLINKS) {
                    throw new Escape("too many levels of symlinks");
                }
                String target = Files.readSymbolicLink(candidate).toString();
                if (target.startsWith("/")) {
                    throw new Escape("goes through symlink /" + String.join("/", resolved) + (resolved.isEmpty() ? "" : "/")
                            + c + " -> " + target + ", which points outside the root");
                }
                String[] parts = target.split("/");
                for (int i = parts.length - 1; i >= 0; i--) {
                    pending.addFirst(parts[i]);
                }
                continue;
            }
            if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                if (!create) {
                    throw new java.nio.file.NoSuchFileException("/" + root.relativize(candidate));
                }
                Files.createDirectory(candidate);
            } else if (!Files.isDirectory(candidate, LinkOption.NOFOLLOW_LINKS)) {
                throw new java.nio.file.NotDirectoryException("/" + root.relativize(candidate));
            }
            resolved.add(c);
        }
        return at(resolved);
    }

    private Path at(List<String> components) {
        Path p = root;
        for (String c : components) {
            p = p.resolve(c);
        }
        return p;
    }
}
