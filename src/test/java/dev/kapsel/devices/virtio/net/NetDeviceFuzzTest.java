package dev.kapsel.devices.virtio.net;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.kapsel.virtio.mmio.HostileDriver;
import java.util.EnumSet;

/**
 * virtio-net against a driver made of fuzzer bytes: transmit chains of any shape (headers with any
 * flags, GSO type and sizes, short and huge frames) and receive buffers of any size while the backend
 * delivers frames. Every frame sent to the host is one frame of bounded size, and nothing but a
 * defined device error escapes.
 */
class NetDeviceFuzzTest {
    private static final byte[] MAC = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

    @FuzzTest(maxDuration = "30s")
    void hostileChainsGiveBoundedFrames(FuzzedDataProvider data) {
        NetDeviceTest.FakeBackend backend = new NetDeviceTest.FakeBackend(
                data.consumeBoolean() ? EnumSet.allOf(NetOffload.class) : EnumSet.noneOf(NetOffload.class));
        int frames = data.consumeInt(0, 4);
        for (int i = 0; i < frames; i++) {
            backend.incoming.add(data.consumeBytes(data.consumeInt(0, 2000)));
        }
        NetDevice device = new NetDevice(backend, MAC);
        try (HostileDriver driver = new HostileDriver(device, data)) {
            driver.notifyAll(1);
            for (int i = 0; i < 4 && device.pump(); i++) {
                // each pump moves what the queues and the backend hold; false while nothing more can move
            }
            driver.checkOutcome();
        } finally {
            device.close();   // its eventfd: thousands of runs per second would exhaust the descriptors
        }
        for (byte[] f : backend.sent) {
            assertTrue(f.length <= NetDevice.MAX_FRAME, "a frame of " + f.length + " bytes reached the host");
        }
    }
}
