package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordFilesTest {
    @TempDir
    Path root;

    @Test
    void replaceWritesTheWholeRecordAndLeavesNoTemporaryFile() throws IOException {
        Path file = Files.createDirectory(root.resolve("a")).resolve("state.json");
        RecordFiles.replace(file, "old".getBytes());
        RecordFiles.replace(file, "new and longer".getBytes());
        assertArrayEquals("new and longer".getBytes(), Files.readAllBytes(file));
        try (var names = Files.list(file.getParent())) {
            assertEquals(List.of("state.json"), names.map(p -> p.getFileName().toString()).toList());
        }
    }

    @Test
    void listLoadsValidRecordsAndSkipsInvalidEmptyAndFailingOnes() throws IOException {
        for (String id : List.of("one", "two", "BAD", "gone")) {
            RecordFiles.replace(Files.createDirectory(root.resolve(id)).resolve("r"), id.getBytes());
        }
        Files.createDirectory(root.resolve("empty"));
        Files.writeString(root.resolve("stray-file"), "x");
        List<String> loaded = RecordFiles.list(root, "r", id -> id.matches("[a-z]+"), id -> {
            if (id.equals("gone")) {
                throw new UncheckedIOException(new IOException("removed meanwhile"));
            }
            return id;
        });
        assertEquals(new TreeSet<>(List.of("one", "two")), new TreeSet<>(loaded));
    }

    @Test
    void aMissingOrPlainFileRootListsNothingAndAMissingParentFailsAWrite() throws IOException {
        assertTrue(RecordFiles.list(root.resolve("absent"), "r", id -> true, id -> id).isEmpty());
        Path notADirectory = Files.writeString(root.resolve("f"), "x");
        assertTrue(RecordFiles.list(notADirectory, "r", id -> true, id -> id).isEmpty());
        assertThrows(IOException.class, () -> RecordFiles.replace(root.resolve("no/such/dir/r"), new byte[0]));
    }
}
