package dev.kapsel.image.layer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapsel.image.MalformedImageException;
import dev.kapsel.image.UnsafeLayerEntryException;
import dev.kapsel.image.UnsupportedLayerException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Layer tar streams from an untrusted image: a few entries whose names, link targets, types, modes
 * and PAX headers come from the fuzzer, then raw fuzzer bytes. Applying them changes nothing outside
 * the root (a sibling file keeps its bytes, nothing new appears beside the root) and fails, if it
 * fails, with the image errors only.
 */
class LayerTarFuzzTest {
    private static final byte[] TYPES = {TarArchiveEntry.LF_NORMAL, TarArchiveEntry.LF_DIR, TarArchiveEntry.LF_SYMLINK,
            TarArchiveEntry.LF_LINK, TarArchiveEntry.LF_FIFO, TarArchiveEntry.LF_CHR};

    @FuzzTest(maxDuration = "30s")
    void anyLayerStaysInsideTheRoot(FuzzedDataProvider data) throws Exception {
        Path base = Files.createTempDirectory("kapsel-layer-fuzz");
        Path root = Files.createDirectory(base.resolve("root"));
        Path outside = Files.writeString(base.resolve("outside"), "untouched");
        try {
            byte[] tar = layer(data);
            try {
                new LayerApplier(root).apply(new ByteArrayInputStream(tar), "fuzz");
            } catch (MalformedImageException | UnsafeLayerEntryException | UnsupportedLayerException expected) {
                // defined refusals
            } catch (IOException e) {
                // an entry the host file system refuses (a name too long, a device node without the right) is an I/O error
            }
            assertEquals("untouched", Files.readString(outside));
            try (var entries = Files.list(base)) {
                assertEquals(2, entries.count(), "nothing appears beside the root");
            }
        } finally {
            LayerApplier.deleteTree(base);
        }
    }

    private static byte[] layer(FuzzedDataProvider data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out, StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            int count = data.consumeInt(0, 6);
            for (int i = 0; i < count; i++) {
                String name = data.consumeString(120);
                if (name.isEmpty()) {
                    name = "e" + i;
                }
                TarArchiveEntry e = new TarArchiveEntry(name, TYPES[data.consumeInt(0, TYPES.length - 1)]);
                e.setMode(data.consumeInt(0, 07777));
                if (e.isSymbolicLink() || e.isLink()) {
                    e.setLinkName(data.consumeString(120));
                }
                if (data.consumeBoolean()) {
                    e.addPaxHeader(data.consumeString(40), data.consumeString(80));
                }
                byte[] body = e.isFile() ? data.consumeBytes(data.consumeInt(0, 600)) : new byte[0];
                e.setSize(body.length);
                try {
                    tar.putArchiveEntry(e);
                    tar.write(body);
                    tar.closeArchiveEntry();
                } catch (IllegalArgumentException | IOException unwritable) {
                    return out.toByteArray();   // commons-compress will not write it: the stream so far is the layer
                }
            }
            tar.flush();
            out.write(data.consumeRemainingAsBytes());
        } catch (IOException unfinished) {
            // closing refuses an entry commons-compress would not finish: the bytes so far are the layer
        }
        return out.toByteArray();
    }
}
