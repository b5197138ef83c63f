package dev.kapsel.boot;

/** The on-disk format of a guest kernel, detected by magic. */
public enum KernelFormat {
    /** Uncompressed ELF64 x86-64 vmlinux; entry is the physical startup_64. */
    ELF_VMLINUX,
    /** Compressed bzImage with a Linux boot protocol setup header. */
    BZIMAGE
}
