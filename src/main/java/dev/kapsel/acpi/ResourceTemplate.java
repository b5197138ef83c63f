package dev.kapsel.acpi;

/**
 * A {@code ResourceTemplate()} (ACPI 6.5, 6.4): resource descriptors followed by an End Tag, as
 * the AML Buffer that {@code _CRS} returns. Supports the descriptors a micro-VM's devices need:
 * {@code IO} (16-bit decode), {@code IRQNoFlags}, {@code Memory32Fixed} and the Extended
 * Interrupt descriptor. Build with the fluent methods, then call {@link #toAml()}.
 */
public final class ResourceTemplate {
    /** Edge or level triggered interrupt (bit 1 of the Extended Interrupt flags). */
    public enum Trigger { LEVEL, EDGE }

    /** Interrupt polarity (bit 2 of the Extended Interrupt flags). */
    public enum Polarity { ACTIVE_HIGH, ACTIVE_LOW }

    /** Whether the interrupt may be shared (bit 3 of the Extended Interrupt flags). */
    public enum Sharing { EXCLUSIVE, SHARED }

    static final int IO_DESCRIPTOR = 0x47;
    static final int IRQ_NO_FLAGS_DESCRIPTOR = 0x22;
    static final int END_TAG = 0x79;
    static final int MEMORY32_FIXED_DESCRIPTOR = 0x86;
    static final int EXTENDED_INTERRUPT_DESCRIPTOR = 0x89;

    private final LittleEndianBytes descriptors = new LittleEndianBytes();

    /** {@code IO(Decode16, minimum, maximum, alignment, length)}. */
    public ResourceTemplate io(int minimum, int maximum, int alignment, int length) {
        requireRange("IO minimum", minimum, 0xffff);
        requireRange("IO maximum", maximum, 0xffff);
        requireRange("IO alignment", alignment, 0xff);
        requireRange("IO length", length, 0xff);
        descriptors.u8(IO_DESCRIPTOR).u8(0x01).u16(minimum).u16(maximum).u8(alignment).u8(length);
        return this;
    }

    /** {@code IRQNoFlags(){irq}}: an ISA IRQ 0-15, edge triggered, active high, exclusive. */
    public ResourceTemplate irqNoFlags(int irq) {
        requireRange("ISA IRQ", irq, 15);
        descriptors.u8(IRQ_NO_FLAGS_DESCRIPTOR).u16(1 << irq);
        return this;
    }

    /** {@code Memory32Fixed(ReadWrite|ReadOnly, base, length)}; the range must lie below 4 GiB. */
    public ResourceTemplate memory32Fixed(boolean readWrite, long base, long length) {
        requireRange("Memory32Fixed base", base, 0xffff_ffffL);
        requireRange("Memory32Fixed length", length, 0xffff_ffffL);
        if (base + length > 0x1_0000_0000L) {
            throw new IllegalArgumentException(String.format("Memory32Fixed range 0x%x+0x%x crosses 4 GiB", base, length));
        }
        descriptors.u8(MEMORY32_FIXED_DESCRIPTOR).u16(9).u8(readWrite ? 1 : 0).u32(base).u32(length);
        return this;
    }

    /** {@code Interrupt(ResourceConsumer, trigger, polarity, sharing){gsi}}. */
    public ResourceTemplate extendedInterrupt(Trigger trigger, Polarity polarity, Sharing sharing, long gsi) {
        requireRange("interrupt number", gsi, 0xffff_ffffL);
        int flags = 0x01 // resource consumer
                | (trigger == Trigger.EDGE ? 0x02 : 0)
                | (polarity == Polarity.ACTIVE_LOW ? 0x04 : 0)
                | (sharing == Sharing.SHARED ? 0x08 : 0);
        descriptors.u8(EXTENDED_INTERRUPT_DESCRIPTOR).u16(6).u8(flags).u8(1).u32(gsi);
        return this;
    }

    /** The descriptors and End Tag, without the Buffer wrapping. */
    public byte[] toResourceData() {
        byte[] body = new LittleEndianBytes().bytes(descriptors.toByteArray()).u8(END_TAG).u8(0).toByteArray();
        Checksum.fill(body, 0, body.length, body.length - 1);
        return body;
    }

    /** The template as an AML {@code Buffer} term. */
    public byte[] toAml() {
        return Aml.buffer(toResourceData());
    }

    private static void requireRange(String what, long value, long max) {
        if (value < 0 || value > max) {
            throw new IllegalArgumentException(String.format("%s 0x%x is outside 0..0x%x", what, value, max));
        }
    }
}
