package dev.kapsel.boot;

/** The on-disk format of a guest kernel, detected by magic. */
public enum KernelFormat {
    /** Uncompressed ELF64 x86-64 vmlinux; entry is the physical startup_64. */
    ELF_VMLINUX,
    /** Compressed bzImage with a Linux boot protocol setup header. */
    BZIMAGE,
    /** ELF (32- or 64-bit) with a Xen PVH entry note; entry is the note's 32-bit physical address. */
    ELF_PVH,
    /** Multiboot v1 kernel (ELF or a.out kludge); entry is 32-bit protected mode. */
    MULTIBOOT
}
