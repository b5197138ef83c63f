package dev.kapsel.acpi;

/** The ACPI tables for a configuration do not fit in the guest's ACPI area. Nothing was written. */
public final class AcpiTablesTooLargeException extends RuntimeException {
    private final long required;
    private final long available;

    public AcpiTablesTooLargeException(long required, long available) {
        super(String.format(
                "ACPI tables need %d bytes but the ACPI area holds only %d; configure fewer vCPUs or virtio devices",
                required, available));
        this.required = required;
        this.available = available;
    }

    public long required() {
        return required;
    }

    public long available() {
        return available;
    }
}
