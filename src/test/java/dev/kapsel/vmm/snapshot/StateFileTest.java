package dev.kapsel.vmm.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The state file's envelope: each check refuses the file it is for, with the reason in the message. */
class StateFileTest {
    private static final Path NAME = Path.of("vm.state");
    private static final byte[] BODY = "some state body".getBytes();

    @TempDir
    Path dir;

    @Test
    void aWrittenFileReadsBackItsBody() throws Exception {
        Path file = dir.resolve("vm.state");
        StateFile.write(file, BODY);
        assertArrayEquals(BODY, StateFile.read(file));
        try (var listing = Files.list(dir)) {
            assertArrayEquals(new Object[] {file}, listing.toArray(), "no temporary file left behind");
        }
    }

    @Test
    void anotherFileIsNotASnapshot() {
        byte[] file = StateFile.encode(BODY);
        file[0] = 'X';
        var e = assertThrows(SnapshotException.NotASnapshot.class, () -> StateFile.decode(file, NAME));
        assertTrue(e.getMessage().contains("not a kapsel snapshot"), e.getMessage());
        assertThrows(SnapshotException.NotASnapshot.class, () -> StateFile.decode(new byte[3], NAME));
    }

    @Test
    void anotherVersionIsRefusedNamingBoth() {
        byte[] file = StateFile.encode(BODY);
        ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN).putInt(8, StateFile.VERSION + 1);
        var e = assertThrows(SnapshotException.WrongVersion.class, () -> StateFile.decode(file, NAME));
        assertTrue(e.getMessage().contains("version " + (StateFile.VERSION + 1)) && e.getMessage().contains("version " + StateFile.VERSION),
                e.getMessage());
    }

    @Test
    void anyFlippedBitInTheBodyOrHeaderFailsTheChecksum() {
        byte[] good = StateFile.encode(BODY);
        for (int i = 12; i < good.length; i++) {
            if (i >= 16 && i < 24) {
                continue; // the length field: a flip there is caught as a wrong length
            }
            byte[] bad = good.clone();
            bad[i] ^= 0x10;
            var e = assertThrows(SnapshotException.Corrupt.class, () -> StateFile.decode(bad, NAME), "byte " + i);
            assertTrue(e.getMessage().contains("checksum"), e.getMessage());
        }
    }

    @Test
    void aTruncatedOrExtendedFileIsRefused() {
        byte[] good = StateFile.encode(BODY);
        for (int n = StateFile.MAGIC.length; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(SnapshotException.Corrupt.class, () -> StateFile.decode(cut, NAME), "cut to " + n);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(SnapshotException.Corrupt.class, () -> StateFile.decode(longer, NAME));
    }

    @Test
    void aMissingFileIsAnIoError() {
        assertThrows(SnapshotException.Io.class, () -> StateFile.read(dir.resolve("absent")));
    }
}
