package dev.kapsel.boot;

import dev.kapsel.arch.x86.GuestRamLayout;
import dev.kapsel.memory.GuestMemory;
import dev.kapsel.memory.GuestRegion;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** Large guest memory for tests, backed by sparse temp files so untouched gigabytes cost nothing. */
final class SparseGuestMemory {
    private SparseGuestMemory() {}

    static GuestMemory of(Arena arena, Path dir, long ramSize) {
        List<GuestRegion> regions = new ArrayList<>();
        try {
            for (GuestRamLayout.Range r : GuestRamLayout.regionsFor(ramSize)) {
                Path f = Files.createTempFile(dir, "ram", ".img");
                try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE,
                        StandardOpenOption.DELETE_ON_CLOSE)) {
                    regions.add(new GuestRegion(r.start(), ch.map(FileChannel.MapMode.READ_WRITE, 0, r.size(), arena)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new GuestMemory(regions);
    }
}
