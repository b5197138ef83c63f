package dev.kapsel.boot;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Locale;

/**
 * How a guest kernel expects to be entered. {@link #detect} reads it from the file; {@code kapsel vm run
 * --boot-protocol} forces one.
 *
 * <ul>
 *   <li>{@link #LINUX}: a Linux bzImage or ELF vmlinux, Linux's 64-bit boot protocol (zero page at RSI).
 *   <li>{@link #PVH}: an ELF (32- or 64-bit) with Xen's {@code XEN_ELFNOTE_PHYS32_ENTRY} note, entered in
 *       32-bit protected mode with paging off and EBX pointing at {@code struct hvm_start_info}.
 *   <li>{@link #MULTIBOOT}: a Multiboot (v1, 0.6.96) kernel: an ELF or an a.out-kludge image with the
 *       multiboot header in its first 8 KiB, entered in 32-bit protected mode, EAX = 0x2BADB002, EBX
 *       pointing at the multiboot information.
 *   <li>{@link #ELF64}: any other ELF64 x86-64 kernel, entered as Firecracker enters one (Unikraft's
 *       Firecracker build): long mode on identity page tables, the Linux zero page at RSI.
 * </ul>
 */
public enum BootProtocol {
    LINUX,
    PVH,
    MULTIBOOT,
    ELF64;

    /** The name {@code --boot-protocol} takes. */
    public String cliName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The protocol named {@code name} (case-insensitive), as {@code --boot-protocol} spells it. */
    public static BootProtocol parse(String name) {
        for (BootProtocol p : values()) {
            if (p.cliName().equalsIgnoreCase(name.strip())) {
                return p;
            }
        }
        throw new IllegalArgumentException("boot protocol '" + name + "' is none of "
                + String.join(", ", Arrays.stream(values()).map(BootProtocol::cliName).toList()));
    }

    /** Whether the guest is entered in 32-bit protected mode (PVH, multiboot) rather than long mode. */
    public boolean protectedModeEntry() {
        return this == PVH || this == MULTIBOOT;
    }

    /**
     * The protocol of {@code image}, or null when it is no kernel kapsel recognises. A bzImage is
     * {@link #LINUX}. An ELF with an ELF note owned by "Linux" is a vmlinux and {@link #LINUX} too, even
     * when it also carries a PVH note. Otherwise a PVH note makes it {@link #PVH}, a multiboot header
     * {@link #MULTIBOOT}, and an ELF64 with neither {@link #ELF64}. A file that is no ELF with a multiboot
     * header using the a.out kludge is {@link #MULTIBOOT}.
     */
    public static BootProtocol detect(String name, MemorySegment image) throws KernelLoadException {
        if (BzImageLoader.hasMagic(image)) {
            return LINUX;
        }
        boolean multiboot = MultibootHeader.find(image) != null;
        if (!ElfImage.hasMagic(image)) {
            return multiboot ? MULTIBOOT : null;
        }
        if (ElfImage.elfClass(image) != ElfImage.ELFCLASS32 && ElfImage.elfClass(image) != ElfImage.ELFCLASS64) {
            return LINUX; // the Linux ELF loader names the bad class
        }
        ElfImage elf = ElfImage.parse(name, image);
        if (elf.notes.stream().anyMatch(n -> n.owner().equals(PvhLoader.LINUX_NOTE_OWNER))) {
            return LINUX;
        }
        if (elf.note(PvhLoader.XEN_NOTE_OWNER, PvhLoader.XEN_ELFNOTE_PHYS32_ENTRY) != null) {
            return PVH;
        }
        if (multiboot) {
            return MULTIBOOT;
        }
        return elf.elfClass == ElfImage.ELFCLASS64 ? ELF64 : LINUX;
    }
}
