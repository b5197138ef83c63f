package dev.kapsel.kvm;

import static dev.kapsel.sys.Ioctl.io;
import static dev.kapsel.sys.Ioctl.ior;
import static dev.kapsel.sys.Ioctl.iow;
import static dev.kapsel.sys.Ioctl.iowr;

/** Every KVM ioctl number kapsel uses, in one table (linux/kvm.h). Sizes come from {@link KvmLayouts}. */
final class KvmIoctls {
    private KvmIoctls() {}

    private static final int KVMIO = 0xAE;

    // System ioctls.
    static final long KVM_GET_API_VERSION = io(KVMIO, 0x00);
    static final long KVM_CREATE_VM = io(KVMIO, 0x01);
    static final long KVM_GET_MSR_INDEX_LIST = iowr(KVMIO, 0x02, 4);
    static final long KVM_CHECK_EXTENSION = io(KVMIO, 0x03);
    static final long KVM_GET_VCPU_MMAP_SIZE = io(KVMIO, 0x04);
    static final long KVM_GET_SUPPORTED_CPUID = iowr(KVMIO, 0x05, KvmLayouts.CPUID2_HEADER);

    // VM ioctls.
    static final long KVM_CREATE_VCPU = io(KVMIO, 0x41);
    static final long KVM_SET_USER_MEMORY_REGION = iow(KVMIO, 0x46, KvmLayouts.MEMORY_REGION_SIZE);
    static final long KVM_SET_TSS_ADDR = io(KVMIO, 0x47);
    static final long KVM_SET_IDENTITY_MAP_ADDR = iow(KVMIO, 0x48, 8);
    static final long KVM_CREATE_IRQCHIP = io(KVMIO, 0x60);
    static final long KVM_IRQ_LINE = iow(KVMIO, 0x61, KvmLayouts.IRQ_LEVEL_SIZE);
    static final long KVM_IRQFD = iow(KVMIO, 0x76, KvmLayouts.IRQFD_SIZE);
    static final long KVM_CREATE_PIT2 = iow(KVMIO, 0x77, KvmLayouts.PIT_CONFIG_SIZE);
    static final long KVM_IOEVENTFD = iow(KVMIO, 0x79, KvmLayouts.IOEVENTFD_SIZE);
    static final long KVM_GET_IRQCHIP = iowr(KVMIO, 0x62, KvmLayouts.IRQCHIP_SIZE);
    static final long KVM_SET_IRQCHIP = ior(KVMIO, 0x63, KvmLayouts.IRQCHIP_SIZE); // sic: _IOR in linux/kvm.h
    static final long KVM_SET_CLOCK = iow(KVMIO, 0x7b, KvmLayouts.CLOCK_DATA_SIZE);
    static final long KVM_GET_CLOCK = ior(KVMIO, 0x7c, KvmLayouts.CLOCK_DATA_SIZE);
    static final long KVM_GET_PIT2 = ior(KVMIO, 0x9f, KvmLayouts.PIT_STATE2_SIZE);
    static final long KVM_SET_PIT2 = iow(KVMIO, 0xa0, KvmLayouts.PIT_STATE2_SIZE);

    // vCPU ioctls.
    static final long KVM_RUN = io(KVMIO, 0x80);
    static final long KVM_GET_REGS = ior(KVMIO, 0x81, KvmLayouts.REGS_SIZE);
    static final long KVM_SET_REGS = iow(KVMIO, 0x82, KvmLayouts.REGS_SIZE);
    static final long KVM_GET_SREGS = ior(KVMIO, 0x83, KvmLayouts.SREGS_SIZE);
    static final long KVM_SET_SREGS = iow(KVMIO, 0x84, KvmLayouts.SREGS_SIZE);
    static final long KVM_GET_MSRS = iowr(KVMIO, 0x88, KvmLayouts.MSRS_HEADER);
    static final long KVM_SET_MSRS = iow(KVMIO, 0x89, KvmLayouts.MSRS_HEADER);
    static final long KVM_SET_SIGNAL_MASK = iow(KVMIO, 0x8b, KvmLayouts.SIGNAL_MASK_HEADER);
    static final long KVM_GET_FPU = ior(KVMIO, 0x8c, KvmLayouts.FPU_SIZE);
    static final long KVM_SET_FPU = iow(KVMIO, 0x8d, KvmLayouts.FPU_SIZE);
    static final long KVM_GET_LAPIC = ior(KVMIO, 0x8e, KvmLayouts.LAPIC_SIZE);
    static final long KVM_SET_LAPIC = iow(KVMIO, 0x8f, KvmLayouts.LAPIC_SIZE);
    static final long KVM_SET_CPUID2 = iow(KVMIO, 0x90, KvmLayouts.CPUID2_HEADER);
    static final long KVM_GET_MP_STATE = ior(KVMIO, 0x98, 4);
    static final long KVM_SET_MP_STATE = iow(KVMIO, 0x99, 4);
    static final long KVM_GET_CPUID2 = iowr(KVMIO, 0x91, KvmLayouts.CPUID2_HEADER);
    static final long KVM_GET_VCPU_EVENTS = ior(KVMIO, 0x9f, KvmLayouts.VCPU_EVENTS_SIZE);
    static final long KVM_SET_VCPU_EVENTS = iow(KVMIO, 0xa0, KvmLayouts.VCPU_EVENTS_SIZE);
    static final long KVM_GET_DEBUGREGS = ior(KVMIO, 0xa1, KvmLayouts.DEBUGREGS_SIZE);
    static final long KVM_SET_DEBUGREGS = iow(KVMIO, 0xa2, KvmLayouts.DEBUGREGS_SIZE);
    static final long KVM_SET_TSC_KHZ = io(KVMIO, 0xa2);
    static final long KVM_GET_TSC_KHZ = io(KVMIO, 0xa3);
    static final long KVM_GET_XSAVE = ior(KVMIO, 0xa4, KvmLayouts.XSAVE_SIZE);
    static final long KVM_SET_XSAVE = iow(KVMIO, 0xa5, KvmLayouts.XSAVE_SIZE);
    static final long KVM_GET_XCRS = ior(KVMIO, 0xa6, KvmLayouts.XCRS_SIZE);
    static final long KVM_SET_XCRS = iow(KVMIO, 0xa7, KvmLayouts.XCRS_SIZE);
    static final long KVM_GET_XSAVE2 = ior(KVMIO, 0xcf, KvmLayouts.XSAVE_SIZE);

    // Capabilities (KVM_CHECK_EXTENSION arguments).
    static final int KVM_CAP_IRQCHIP = 0;
    static final int KVM_CAP_SET_TSS_ADDR = 4;
    static final int KVM_CAP_EXT_CPUID = 7;
    static final int KVM_CAP_IRQFD = 32;
    static final int KVM_CAP_PIT2 = 33;
    static final int KVM_CAP_IOEVENTFD = 36;
    static final int KVM_CAP_TSC_DEADLINE_TIMER = 72;
    static final int KVM_CAP_IMMEDIATE_EXIT = 136;
    static final int KVM_CAP_XSAVE = 55;
    static final int KVM_CAP_XCRS = 56;
    static final int KVM_CAP_GET_TSC_KHZ = 61;
    static final int KVM_CAP_ADJUST_CLOCK = 39;
    static final int KVM_CAP_XSAVE2 = 208;
}
