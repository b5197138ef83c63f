package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.Digest;
import dev.kapsel.image.ImageArchives;
import dev.kapsel.image.layer.TarBuilder;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kapsel load}, {@code images} and {@code rmi} through {@link Main#run}, with the state directory in a temp dir. */
class ImageCommandsTest {
    @TempDir
    Path tmp;
    private String previous;

    record Outcome(int code, String out, String err) {}

    @BeforeEach
    void useTempState() {
        previous = System.getProperty(StateDirectory.PROPERTY);
        System.setProperty(StateDirectory.PROPERTY, tmp.resolve("state").toString());
    }

    @AfterEach
    void restore() {
        if (previous == null) {
            System.clearProperty(StateDirectory.PROPERTY);
        } else {
            System.setProperty(StateDirectory.PROPERTY, previous);
        }
    }

    private static synchronized Outcome kapsel(String... args) {
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int code = Main.run(args);
            return new Outcome(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    @Test
    void loadListAndRemove() throws Exception {
        byte[] layer = new TarBuilder().file("hello", "hi").build();
        byte[] other = new TarBuilder().file("other", "o").build();
        Path layout = ImageArchives.layout(tmp.resolve("L"), "demo:1", UnaryOperator.identity(), layer);
        Path docker = ImageArchives.dockerArchive(tmp.resolve("d.tar"), "busy:latest", null, layer, other);

        Outcome load = kapsel("load", layout.toString());
        assertEquals(0, load.code(), load.err());
        assertTrue(load.out().startsWith("Loaded image demo:1 (sha256:"), load.out());
        assertEquals("", load.err(), "no progress when stderr is not a terminal");
        assertEquals(0, kapsel("load", docker.toString(), "--name", "renamed").code());

        Outcome images = kapsel("images");
        assertEquals(0, images.code(), images.err());
        List<String> lines = images.out().lines().toList();
        assertEquals(3, lines.size(), images.out());
        assertTrue(lines.get(0).matches("NAME +DIGEST +SIZE +CREATED"), lines.get(0));
        assertTrue(lines.get(1).matches("demo:1 +[0-9a-f]{12} +\\d+(\\.\\d)?k?B +2024-01-02 03:04"), lines.get(1));
        assertTrue(lines.get(2).startsWith("renamed "), lines.get(2));
        assertEquals(lines.get(0).indexOf("DIGEST"), lines.get(1).indexOf(lines.get(1).split(" +")[1]), "columns align");

        Outcome rmi = kapsel("rmi", "demo:1");
        assertEquals(0, rmi.code(), rmi.err());
        assertTrue(rmi.out().startsWith("Deleted demo:1"), rmi.out());
        assertEquals(2, kapsel("images").out().lines().count());
        Path blobs = tmp.resolve("state/images/blobs/sha256");
        try (Stream<Path> s = Files.list(blobs)) {
            assertTrue(s.anyMatch(p -> p.getFileName().toString().equals(Digest.of(layer).hex())), "still used by 'renamed'");
        }
        assertEquals(0, kapsel("rmi", "renamed").code());
        try (Stream<Path> s = Files.list(blobs)) {
            assertEquals(0, s.count());
        }
    }

    @Test
    void errorsAreOneLineWithNonZeroExit() throws Exception {
        Outcome missing = kapsel("rmi", "nope");
        assertNotEquals(0, missing.code());
        assertEquals("kapsel: no image named 'nope' (see 'kapsel images', or 'kapsel load' it)\n", missing.err());

        Path unnamed = ImageArchives.layout(tmp.resolve("U"), null, UnaryOperator.identity(), new TarBuilder().file("f", "x").build());
        Outcome noName = kapsel("load", unnamed.toString());
        assertNotEquals(0, noName.code());
        assertTrue(noName.err().startsWith("kapsel: ") && noName.err().contains("--name"), noName.err());
        assertEquals(1, noName.err().lines().count());

        assertEquals(2, kapsel("load").code());
        Outcome extra = kapsel("load", unnamed.toString(), "--bogus");
        assertEquals(2, extra.code());
        assertTrue(extra.err().contains("unexpected arguments after PATH: --bogus"), extra.err());
        assertEquals(0, kapsel("load", "--name", "before", unnamed.toString()).code());
        assertEquals(0, kapsel("load", unnamed.toString(), "--name=after").code());
        assertTrue(kapsel("images").out().contains("after "));
    }
}
