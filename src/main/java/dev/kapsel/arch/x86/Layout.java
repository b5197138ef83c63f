package dev.kapsel.arch.x86;

/**
 * The guest-physical memory map of a kapsel micro-VM on x86-64. One place, so the boot code, the
 * e820 map and the ACPI tables agree.
 */
public final class Layout {
    private Layout() {}

    /** GDT written for the 64-bit boot entry. */
    public static final long BOOT_GDT = 0x500;
    /** Empty IDT loaded at boot. */
    public static final long BOOT_IDT = 0x520;
    /** The boot information of a 32-bit entry (PVH's hvm_start_info, multiboot_info) and what it points at. */
    public static final long BOOT_INFO = 0x6000;
    public static final long BOOT_INFO_END = 0x7000;
    /** The Linux zero page (struct boot_params). */
    public static final long ZERO_PAGE = 0x7000;
    /** Initial stack pointer of the boot CPU. */
    public static final long BOOT_STACK_POINTER = 0x8ff0;
    /** Identity page tables: PML4, PDPT, PD (2 MiB pages covering the first GiB). */
    public static final long PML4 = 0x9000;
    public static final long PDPT = 0xa000;
    public static final long PD = 0xb000;
    /** Kernel command line. */
    public static final long CMDLINE = 0x20000;
    public static final int CMDLINE_MAX = 4096;
    /** Start of the extended BIOS data area; RAM below it is usable. */
    public static final long EBDA_START = 0x9fc00;
    /** ACPI tables live here (RSDP first, found by the kernel's scan of 0xE0000-0xFFFFF). */
    public static final long ACPI_START = 0xe0000;
    public static final long ACPI_END = 0x100000;
    /** Start of high memory: bzImage protected-mode code is loaded here. */
    public static final long HIMEM_START = 0x100000;
    /** Start of the 32-bit MMIO hole; RAM above this is placed at 4 GiB. */
    public static final long MMIO_GAP_START = 0xc000_0000L;
    public static final long MMIO_GAP_END = 0x1_0000_0000L;
    /** virtio-mmio device windows, one page each, from here. */
    public static final long VIRTIO_MMIO_START = 0xd000_0000L;
    public static final long VIRTIO_MMIO_SIZE = 0x1000;
    public static final long IOAPIC_ADDR = 0xfec0_0000L;
    /** Redirection-table entries of KVM's in-kernel IOAPIC: GSIs 0..23. */
    public static final int IOAPIC_NUM_PINS = 24;
    public static final long LAPIC_ADDR = 0xfee0_0000L;
    /** KVM's TSS and identity-map pages (needed by KVM on Intel; harmless elsewhere). */
    public static final long KVM_TSS_ADDR = 0xfffb_d000L;
    public static final long KVM_IDENTITY_MAP_ADDR = 0xfffb_c000L;

    /** Legacy IRQs (ISA numbering, routed through the IOAPIC pins of the same number). */
    public static final int IRQ_KEYBOARD = 1;
    public static final int IRQ_COM1 = 4;
    /** First IRQ given to virtio-mmio devices. */
    public static final int IRQ_VIRTIO_FIRST = 5;
    public static final int COM1_PORT = 0x3f8;
    public static final int I8042_DATA_PORT = 0x60;
    public static final int I8042_COMMAND_PORT = 0x64;
    /**
     * ACPI hardware-reduced sleep control register (FADT SLEEP_CONTROL_REG): the guest writes
     * {@code SLP_TYPx << 2 | SLP_EN} here to power off. The FADT RESET_REG shares this port
     * (reset value 0x01).
     */
    public static final int ACPI_SLEEP_CONTROL_PORT = 0x600;
    /** ACPI hardware-reduced sleep status register (FADT SLEEP_STATUS_REG). */
    public static final int ACPI_SLEEP_STATUS_PORT = 0x601;
}
