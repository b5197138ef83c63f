package dev.kapsel.devices.virtio.net;

/**
 * What a {@link NetDevice} passed and dropped, by cause. Updated under the device lock; read for
 * tests and diagnostics.
 */
public final class NetCounters {
    long txFrames;
    long txBadLength;
    long txOffloadNotNegotiated;
    long txBackendErrors;
    long rxFrames;
    long rxBadLength;
    long rxDroppedTooSmall;
    long rxOffloadNotNegotiated;

    /** Frames the guest sent that reached the backend. */
    public long txFrames() {
        return txFrames;
    }

    /** Transmit chains shorter than a header or longer than header plus {@link NetDevice#MAX_FRAME}. */
    public long txBadLength() {
        return txBadLength;
    }

    /** Transmitted headers asking for a checksum or segmentation offload that was not negotiated. */
    public long txOffloadNotNegotiated() {
        return txOffloadNotNegotiated;
    }

    /** Frames the backend refused. */
    public long txBackendErrors() {
        return txBackendErrors;
    }

    /** Frames delivered into guest buffers. */
    public long rxFrames() {
        return rxFrames;
    }

    /** Backend reads shorter than a header. */
    public long rxBadLength() {
        return rxBadLength;
    }

    /** Received headers using a checksum or segmentation offload the guest did not accept. */
    public long rxOffloadNotNegotiated() {
        return rxOffloadNotNegotiated;
    }

    /** Received frames that did not fit the guest's next receive chain. */
    public long rxDroppedTooSmall() {
        return rxDroppedTooSmall;
    }
}
