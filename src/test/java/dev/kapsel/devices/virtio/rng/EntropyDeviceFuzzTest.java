package dev.kapsel.devices.virtio.rng;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapsel.virtio.mmio.HostileDriver;
import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;

/** virtio-rng against a driver made of fuzzer bytes (read-only buffers, huge lengths, loops): a defined error or an answer. */
class EntropyDeviceFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void hostileQueuesGetEntropyOrAnError(FuzzedDataProvider data) {
        byte[] pool = new byte[64 * 1024];
        try (HostileDriver driver = new HostileDriver(new EntropyDevice(Channels.newChannel(new ByteArrayInputStream(pool))), data)) {
            driver.notifyAll(2);
            driver.checkOutcome();
        }
    }
}
