package dev.kapsel.sandbox;

/** Resource limits of one sandbox: guest memory (which bounds everything the program maps) and the writable layer. */
public record SandboxLimits(long memoryBytes, long upperLayerBytes) {
    public static final long DEFAULT_MEMORY = 256L << 20;

    public SandboxLimits {
        if (memoryBytes < (8L << 20) || memoryBytes > (2L << 30)) {
            throw new IllegalArgumentException("sandbox memory must be between 8 MiB and 2 GiB, not " + (memoryBytes >> 20) + " MiB");
        }
        if (upperLayerBytes < 0) {
            throw new IllegalArgumentException("writable layer limit must not be negative");
        }
    }

    public static SandboxLimits ofMemoryMiB(long mib) {
        return new SandboxLimits(mib << 20, mib << 20);
    }
}
