package dev.kapsel.virtio;

/**
 * A failure that ends a virtio device's service until the driver resets it: the transport sets
 * {@link DeviceStatus#DEVICE_NEEDS_RESET} and raises a configuration-change interrupt. Subclasses name
 * the cause; {@link VirtqueueException} covers malformed rings, devices add their own.
 */
public abstract class VirtioDeviceException extends Exception {
    protected VirtioDeviceException(String message) {
        super(message);
    }

    protected VirtioDeviceException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * A device's own code threw while serving a queue (a kapsel bug, never the guest's doing): the
     * device stops as for a guest error, so its queue thread and the rest of the VM go on, and the
     * warning names where it threw instead of a queue thread ending unnoticed.
     */
    public static final class DeviceBug extends VirtioDeviceException {
        public DeviceBug(RuntimeException bug) {
            super("kapsel device bug: " + bug + where(bug), bug);
        }

        private static String where(Throwable t) {
            StackTraceElement[] frames = t.getStackTrace();
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < Math.min(4, frames.length); i++) {
                out.append(i == 0 ? " at " : " < ").append(frames[i]);
            }
            return out.toString();
        }
    }
}
