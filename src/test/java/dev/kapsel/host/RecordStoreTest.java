package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one record store under both container stores: claiming ids, locked updates, listing, removal, strict records. */
class RecordStoreTest {
    record Counter(String id, int n) {}

    @TempDir
    Path root;

    private RecordStore<Counter> store() {
        return new RecordStore<>(root, "r.json", Counter.class, id -> id.matches("[a-z]+"), Json.RECORDS);
    }

    @Test
    void anIdIsClaimedOnceAndItsRecordReadBack() {
        RecordStore<Counter> s = store();
        assertTrue(s.create("a", new Counter("a", 1)));
        assertFalse(s.create("a", new Counter("a", 2)), "the directory was taken");
        assertEquals(Optional.of(new Counter("a", 1)), s.load("a"));
        assertEquals(Optional.empty(), s.load("b"));
        assertEquals(Optional.empty(), s.update("b", c -> c));
    }

    @Test
    void concurrentUpdatesLoseNothing() throws Exception {
        RecordStore<Counter> s = store();
        s.create("a", new Counter("a", 0));
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    s.update("a", c -> new Counter(c.id(), c.n() + 1));
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(200, s.load("a").orElseThrow().n());
    }

    @Test
    void listingSkipsForeignDirectoriesAndRemovalTakesEverything() throws Exception {
        RecordStore<Counter> s = store();
        s.create("a", new Counter("a", 1));
        s.create("b", new Counter("b", 2));
        Files.createDirectories(root.resolve("NOT-AN-ID"));
        Files.writeString(s.directory("a").resolve("stdout.log"), "x");
        assertEquals(2, s.list().size());
        assertTrue(s.remove("a"));
        assertFalse(Files.exists(s.directory("a")));
        assertFalse(s.remove("a"));
        assertEquals(List.of(new Counter("b", 2)), s.list());
    }

    @Test
    void aRecordWithAFieldThisKapselDoesNotKnowIsRefused() throws Exception {
        RecordStore<Counter> s = store();
        s.create("a", new Counter("a", 1));
        Files.writeString(s.directory("a").resolve("r.json"), "{\"id\": \"a\", \"n\": 1, \"later\": true}");
        assertThrows(UncheckedIOException.class, () -> s.load("a"));
        assertEquals(List.of(), s.list(), "an unreadable record is not listed");
    }
}
