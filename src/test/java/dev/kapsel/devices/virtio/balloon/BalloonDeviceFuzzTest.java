package dev.kapsel.devices.virtio.balloon;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapsel.virtio.mmio.HostileDriver;

/**
 * virtio-balloon against a driver made of fuzzer bytes: page frame numbers anywhere (inside, at the
 * end of and far outside guest RAM), odd array lengths, statistics buffers of any size. The device
 * discards only guest RAM it owns, and nothing but a defined error escapes.
 */
class BalloonDeviceFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void hostileFrameNumbersStayInsideGuestRam(FuzzedDataProvider data) {
        BalloonDevice device = new BalloonDevice(data.consumeInt(0, (int) (HostileDriver.MEMORY / 4096) * 2), data.consumeBoolean());
        try (HostileDriver driver = new HostileDriver(device, data)) {
            driver.notifyAll(2);
            driver.checkOutcome();
        }
    }
}
