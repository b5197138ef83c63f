package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.image.Digest;
import dev.kapsel.image.Image;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.ImageArchives;
import dev.kapsel.image.layer.TarBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several {@code kapsel} processes loading and removing images in one state directory at once:
 * the file lock, not just the in-JVM lock, keeps the store consistent.
 */
class ImageStoreProcessesTest {
    @TempDir
    Path tmp;

    /**
     * kapsel's runtime class path for a child JVM: this JVM's own (surefire and the console launcher
     * both put the classes and every dependency on it), else target/classes and target/lib/*.
     */
    static String classPath() {
        String own = System.getProperty("java.class.path", "");
        boolean hasKapsel = Arrays.stream(own.split(File.pathSeparator))
                .anyMatch(e -> Files.isRegularFile(Path.of(e, "dev/kapsel/cli/Main.class")) || e.endsWith("kapsel.jar"));
        if (hasKapsel) {
            return own;
        }
        return String.join(File.pathSeparator, "target/classes", "target/lib/*");
    }

    @Test
    void concurrentProcessesKeepTheStoreConsistent() throws Exception {
        Path state = tmp.resolve("state");
        byte[] shared = new TarBuilder().file("shared", "s").build();
        int n = 4;
        List<Path> layouts = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            layouts.add(ImageArchives.layout(tmp.resolve("L" + i), "p" + i, UnaryOperator.identity(), shared,
                    new TarBuilder().file("id", "" + i).build()));
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<Process> processes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Each process: load, remove, load again (odd ones remove a second time).
            String script = "for r in 1 2; do \"$0\" -cp \"$1\" -Dkapsel.state.dir=\"$2\" dev.kapsel.cli.Main load \"$3\" || exit 1; "
                    + "\"$0\" -cp \"$1\" -Dkapsel.state.dir=\"$2\" dev.kapsel.cli.Main rmi \"$4\" || exit 1; done; "
                    + "\"$0\" -cp \"$1\" -Dkapsel.state.dir=\"$2\" dev.kapsel.cli.Main load \"$3\" || exit 1; "
                    + "if [ \"$5\" = odd ]; then \"$0\" -cp \"$1\" -Dkapsel.state.dir=\"$2\" dev.kapsel.cli.Main rmi \"$4\"; fi";
            processes.add(new ProcessBuilder("sh", "-c", script, java, classPath(), state.toString(),
                    layouts.get(i).toString(), "p" + i, i % 2 == 1 ? "odd" : "even")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("out" + i).toFile()).start());
        }
        for (int i = 0; i < n; i++) {
            assertEquals(0, processes.get(i).waitFor(), Files.readString(tmp.resolve("out" + i)));
        }
        ImageStore store = ImageStore.open(state.resolve("images"));
        assertEquals(List.of("p0", "p2"), store.list().stream().map(Image::name).toList());
        Set<String> live = new HashSet<>();
        for (Image image : store.list()) {
            live.add(image.manifestDigest().hex());
            live.add(image.manifest().config().digest().hex());
            image.manifest().layers().forEach(l -> live.add(l.digest().hex()));
        }
        try (Stream<Path> blobs = Files.list(state.resolve("images/blobs/sha256"))) {
            assertEquals(live, new HashSet<>(blobs.map(p -> p.getFileName().toString()).toList()));
        }
        assertEquals(true, live.contains(Digest.of(shared).hex()));
        try (Stream<Path> left = Files.list(state.resolve("images/tmp"))) {
            assertEquals(0, left.count(), "no staging left behind");
        }
    }
}
