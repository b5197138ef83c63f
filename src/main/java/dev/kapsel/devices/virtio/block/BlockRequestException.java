package dev.kapsel.devices.virtio.block;

/**
 * A block request the device refuses. Each cause maps to the status byte the guest gets back
 * ({@link #status()}); none of them stops the device, since a driver may legitimately send a request
 * the disk cannot serve.
 */
public abstract sealed class BlockRequestException extends Exception
        permits BlockRequestException.MissingHeader, BlockRequestException.WrongDataDirection,
                BlockRequestException.OutOfRange, BlockRequestException.ReadOnly,
                BlockRequestException.Unsupported, BlockRequestException.HostIo {

    private final int status;

    private BlockRequestException(int status, String message, Throwable cause) {
        super(message, cause);
        this.status = status;
    }

    /** The virtio-blk status byte for the guest. */
    public int status() {
        return status;
    }

    /** The chain does not start with a device-readable 16-byte request header. */
    public static final class MissingHeader extends BlockRequestException {
        public MissingHeader() {
            super(BlockRequest.S_IOERR, "block request has no 16-byte device-readable header", null);
        }
    }

    /** A read with device-readable data buffers, or a write with device-writable ones. */
    public static final class WrongDataDirection extends BlockRequestException {
        public WrongDataDirection(int type) {
            super(BlockRequest.S_IOERR, "block request type " + type + " has data buffers of the wrong direction", null);
        }
    }

    /** Sectors past the end of the disk. */
    public static final class OutOfRange extends BlockRequestException {
        public OutOfRange(long sector, long bytes, long capacitySectors) {
            super(BlockRequest.S_IOERR, "block request for " + bytes + " bytes at sector " + Long.toUnsignedString(sector)
                    + " goes past the end of the disk (" + capacitySectors + " sectors)", null);
        }
    }

    /** A write to a disk attached read-only. */
    public static final class ReadOnly extends BlockRequestException {
        public ReadOnly() {
            super(BlockRequest.S_IOERR, "block write to a read-only disk", null);
        }
    }

    /** A request type the device does not implement. */
    public static final class Unsupported extends BlockRequestException {
        public Unsupported(int type) {
            super(BlockRequest.S_UNSUPP, "block request type " + type + " is not supported", null);
        }
    }

    /** The host file failed. */
    public static final class HostIo extends BlockRequestException {
        public HostIo(java.io.IOException cause) {
            super(BlockRequest.S_IOERR, "disk image I/O failed: " + cause.getMessage(), cause);
        }
    }
}
