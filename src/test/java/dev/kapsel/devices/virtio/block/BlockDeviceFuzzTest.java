package dev.kapsel.devices.virtio.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapsel.virtio.mmio.HostileDriver;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * virtio-blk against a driver made of fuzzer bytes: any request type, sector, segment layout and
 * length. The image never grows, a read-only image is never changed, and nothing but a defined device
 * error escapes.
 */
class BlockDeviceFuzzTest {
    private static final int SECTORS = 64;

    @FuzzTest(maxDuration = "30s")
    void hostileRequestsStayInsideTheImage(FuzzedDataProvider data) throws Exception {
        boolean readOnly = data.consumeBoolean();
        Path dir = Files.createTempDirectory("kapsel-blk-fuzz");
        Path image = dir.resolve("disk.img");
        byte[] contents = new byte[SECTORS * 512];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = (byte) (i * 13);
        }
        Files.write(image, contents);
        try (DiskImage disk = DiskImage.open(image, readOnly);
             HostileDriver driver = new HostileDriver(new BlockDevice(disk, "fuzz"), data)) {
            driver.notifyAll(2);
            driver.checkOutcome();
        } finally {
            assertEquals(contents.length, Files.size(image), "the image never grows");
            if (readOnly) {
                assertArrayEquals(contents, Files.readAllBytes(image), "a read-only image is never written");
            }
            Files.delete(image);
            Files.delete(dir);
        }
    }
}
