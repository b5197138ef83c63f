package dev.kapsel.kvm;

/**
 * Sizes and field offsets of the KVM structures kapsel passes to ioctls, written by hand because
 * there is no jextract here. {@code KvmLayoutsTest} compiles a C program against the kernel headers
 * and checks every number below.
 */
final class KvmLayouts {
    private KvmLayouts() {}

    // struct kvm_regs: rax rbx rcx rdx rsi rdi rsp rbp r8-r15 rip rflags, all u64.
    static final long REGS_SIZE = 144;

    // struct kvm_segment.
    static final long SEGMENT_SIZE = 24;
    static final long SEG_BASE = 0;
    static final long SEG_LIMIT = 8;
    static final long SEG_SELECTOR = 12;
    static final long SEG_TYPE = 14;
    static final long SEG_PRESENT = 15;
    static final long SEG_DPL = 16;
    static final long SEG_DB = 17;
    static final long SEG_S = 18;
    static final long SEG_L = 19;
    static final long SEG_G = 20;
    static final long SEG_AVL = 21;
    static final long SEG_UNUSABLE = 22;

    // struct kvm_sregs.
    static final long SREGS_SIZE = 312;
    static final long SREGS_GDT = 192;
    static final long SREGS_IDT = 208;
    static final long SREGS_CR0 = 224;
    static final long SREGS_CR2 = 232;
    static final long SREGS_CR3 = 240;
    static final long SREGS_CR4 = 248;
    static final long SREGS_CR8 = 256;
    static final long SREGS_EFER = 264;
    static final long SREGS_APIC_BASE = 272;
    static final long SREGS_INTERRUPT_BITMAP = 280;
    static final long DTABLE_BASE = 0;
    static final long DTABLE_LIMIT = 8;

    // struct kvm_fpu.
    static final long FPU_SIZE = 416;
    static final long FPU_FCW = 128;
    static final long FPU_MXCSR = 408;

    // struct kvm_userspace_memory_region.
    static final long MEMORY_REGION_SIZE = 32;

    // struct kvm_cpuid2 header and struct kvm_cpuid_entry2.
    static final long CPUID2_HEADER = 8;
    static final long CPUID_ENTRY_SIZE = 40;

    // struct kvm_msrs header and struct kvm_msr_entry.
    static final long MSRS_HEADER = 8;
    static final long MSR_ENTRY_SIZE = 16;

    static final long LAPIC_SIZE = 1024;
    /** struct kvm_msr_list header: __u32 nmsrs, then nmsrs __u32 indices. */
    static final long MSR_LIST_HEADER = 4;
    /** struct kvm_xsave without KVM_CAP_XSAVE2's trailing extra[]: region[1024] of __u32. */
    static final long XSAVE_SIZE = 4096;
    static final long XCRS_SIZE = 392;
    static final long DEBUGREGS_SIZE = 128;
    static final long VCPU_EVENTS_SIZE = 64;
    /** struct kvm_irqchip: chip_id, pad, then a 512-byte union (PIC state or IOAPIC state). */
    static final long IRQCHIP_SIZE = 520;
    static final long IRQCHIP_CHIP = 8;
    static final long PIT_STATE2_SIZE = 112;
    static final long CLOCK_DATA_SIZE = 48;
    static final long CLOCK_DATA_FLAGS = 8;
    static final long PIT_CONFIG_SIZE = 64;
    static final long IRQ_LEVEL_SIZE = 8;
    static final long IRQFD_SIZE = 32;
    static final long IOEVENTFD_SIZE = 64;
    /** struct kvm_signal_mask: __u32 len, then len bytes of the kernel's sigset_t (8 on x86-64). */
    static final long SIGNAL_MASK_HEADER = 4;
    static final long KERNEL_SIGSET_SIZE = 8;

    // struct kvm_run.
    static final long RUN_IMMEDIATE_EXIT = 1;
    static final long RUN_EXIT_REASON = 8;
    static final long RUN_IO_DIRECTION = 32;
    static final long RUN_IO_SIZE = 33;
    static final long RUN_IO_PORT = 34;
    static final long RUN_IO_COUNT = 36;
    static final long RUN_IO_DATA_OFFSET = 40;
    static final long RUN_MMIO_PHYS_ADDR = 32;
    static final long RUN_MMIO_DATA = 40;
    static final long RUN_MMIO_LEN = 48;
    static final long RUN_MMIO_IS_WRITE = 52;
    static final long RUN_FAIL_ENTRY_REASON = 32;
    static final long RUN_FAIL_ENTRY_CPU = 40;
    static final long RUN_INTERNAL_SUBERROR = 32;
    static final long RUN_INTERNAL_NDATA = 36;
    static final long RUN_INTERNAL_DATA = 40;
    static final long RUN_SYSTEM_EVENT_TYPE = 32;
    static final long RUN_SYSTEM_EVENT_NDATA = 36;
    static final long RUN_SYSTEM_EVENT_DATA = 40;
    static final long RUN_HW_REASON = 32;
}
