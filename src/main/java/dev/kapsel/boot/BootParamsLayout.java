package dev.kapsel.boot;

/**
 * Offsets and values of the Linux x86 boot protocol: {@code struct boot_params} (the "zero page")
 * and the {@code struct setup_header} embedded in it at 0x1f1. Offsets are into the 4096-byte zero
 * page, which is also where the setup header sits in a bzImage file. Source: the kernel's
 * Documentation/arch/x86/boot.rst and zero-page.rst, arch/x86/include/uapi/asm/bootparam.h.
 */
public final class BootParamsLayout {
    private BootParamsLayout() {}

    /** Size of struct boot_params. */
    public static final int ZERO_PAGE_SIZE = 4096;

    // --- struct boot_params ---------------------------------------------------------------
    /** u64: physical address of the ACPI RSDP (protocol 2.14+). */
    public static final int ACPI_RSDP_ADDR = 0x070;
    /** u8: number of entries in e820_table. */
    public static final int E820_ENTRIES = 0x1e8;
    /** struct setup_header starts here. */
    public static final int SETUP_HEADER = 0x1f1;
    /** struct boot_e820_entry[128]. */
    public static final int E820_TABLE = 0x2d0;
    /** Size of one boot_e820_entry: u64 addr, u64 size, u32 type (packed). */
    public static final int E820_ENTRY_SIZE = 20;
    /** E820_MAX_ENTRIES_ZEROPAGE. */
    public static final int E820_MAX_ENTRIES = 128;

    // --- struct setup_header (offsets into boot_params / the bzImage file) ------------------
    public static final int SETUP_SECTS = 0x1f1;
    public static final int SYSSIZE = 0x1f4;
    public static final int BOOT_FLAG = 0x1fe;
    /** u16 jump instruction; its high byte (0x201) gives the header length: end = 0x202 + byte. */
    public static final int JUMP = 0x200;
    public static final int HEADER = 0x202;
    public static final int VERSION = 0x206;
    public static final int TYPE_OF_LOADER = 0x210;
    public static final int LOADFLAGS = 0x211;
    public static final int CODE32_START = 0x214;
    public static final int RAMDISK_IMAGE = 0x218;
    public static final int RAMDISK_SIZE = 0x21c;
    public static final int HEAP_END_PTR = 0x224;
    public static final int CMD_LINE_PTR = 0x228;
    public static final int INITRD_ADDR_MAX = 0x22c;
    public static final int KERNEL_ALIGNMENT = 0x230;
    public static final int RELOCATABLE_KERNEL = 0x234;
    public static final int XLOADFLAGS = 0x236;
    public static final int CMDLINE_SIZE = 0x238;
    public static final int PREF_ADDRESS = 0x258;
    public static final int INIT_SIZE = 0x260;
    /** End of the setup header as of protocol 2.15 (kernel_info_offset is the last field). */
    public static final int SETUP_HEADER_END_2_15 = 0x26c;

    // --- values ---------------------------------------------------------------------------
    public static final int BOOT_FLAG_MAGIC = 0xaa55;
    /** "HdrS" read as a little-endian u32. */
    public static final int HEADER_MAGIC = 0x5372_6448;
    /** Boot protocol 2.12: first with xloadflags, needed for the 64-bit entry point. */
    public static final int MIN_VERSION_64BIT = 0x020c;
    /** Boot protocol 2.14: acpi_rsdp_addr is honoured. We announce this when we fill it. */
    public static final int VERSION_2_14 = 0x020e;
    /** type_of_loader 0xff: "undefined" boot loader. */
    public static final int LOADER_TYPE_UNDEFINED = 0xff;

    public static final int LOADFLAG_LOADED_HIGH = 1;
    public static final int LOADFLAG_CAN_USE_HEAP = 1 << 7;
    public static final int XLF_KERNEL_64 = 1;

    /** heap_end_ptr as the boot protocol's example uses: heap end 0xe000 minus 0x200. */
    public static final int HEAP_END_PTR_VALUE = 0xe000 - 0x200;
    /** Default initrd_addr_max for kernels that do not say (vmlinux, old headers). */
    public static final long DEFAULT_INITRD_ADDR_MAX = 0x7fff_ffffL;
    /** Default command line capacity (without NUL) for kernels that do not say. */
    public static final int DEFAULT_CMDLINE_SIZE = 2048;
    /** Physical alignment for the kernel when the header gives none (CONFIG_PHYSICAL_ALIGN default). */
    public static final int DEFAULT_KERNEL_ALIGNMENT = 0x0100_0000;

    /** Sector size for setup_sects. */
    public static final int SECTOR_SIZE = 512;
    /** setup_sects 0 means 4, for compatibility. */
    public static final int DEFAULT_SETUP_SECTS = 4;
    /** The 64-bit entry point is this far into the protected-mode kernel. */
    public static final int STARTUP_64_OFFSET = 0x200;

    public static final int E820_RAM = 1;
    public static final int E820_RESERVED = 2;
}
