package dev.kapsel.host;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Records kept as one file per directory under a root ({@code <root>/<id>/<file>}), as the OCI
 * runtime's state and the detached containers keep theirs: a record is replaced whole (readers see
 * the old or the new one, never half of one), and listing skips records that vanish meanwhile.
 */
public final class RecordFiles {
    private RecordFiles() {}

    /** Replaces {@code file} with {@code bytes}: written beside it as {@code .NAME.tmp}, then renamed over it. */
    public static void replace(Path file, byte[] bytes) throws IOException {
        Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
        Files.write(tmp, bytes);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * The records under {@code root}, unsorted: {@code load(id)} for each directory whose name
     * {@code validId} accepts and that holds {@code fileName}. A record {@code load} fails on with a
     * runtime exception (removed or half-written by a concurrent process) is left out.
     */
    public static <T> List<T> list(Path root, String fileName, Predicate<String> validId, Function<String, T> load) {
        List<T> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
            for (Path d : dirs) {
                String id = d.getFileName().toString();
                if (validId.test(id) && Files.isRegularFile(d.resolve(fileName))) {
                    try {
                        out.add(load.apply(id));
                    } catch (RuntimeException goneMeanwhile) {
                        // removed or half-written by a concurrent process: not listed
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + root + ": " + e.getMessage(), e);
        }
        return out;
    }
}
