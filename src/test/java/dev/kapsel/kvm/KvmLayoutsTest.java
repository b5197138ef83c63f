package dev.kapsel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.testing.CProgram;
import java.lang.reflect.Modifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every hand-written size, offset and ioctl number checked against the kernel headers through gcc. */
class KvmLayoutsTest {
    private static final String SOURCE = """
            #include <stdio.h>
            #include <stddef.h>
            #include <signal.h>
            #include <linux/kvm.h>
            #define V(name, value) printf("%s=%lu\\n", name, (unsigned long)(value))
            int main(void) {
              V("REGS_SIZE", sizeof(struct kvm_regs));
              V("SEGMENT_SIZE", sizeof(struct kvm_segment));
              V("SEG_BASE", offsetof(struct kvm_segment, base));
              V("SEG_LIMIT", offsetof(struct kvm_segment, limit));
              V("SEG_SELECTOR", offsetof(struct kvm_segment, selector));
              V("SEG_TYPE", offsetof(struct kvm_segment, type));
              V("SEG_PRESENT", offsetof(struct kvm_segment, present));
              V("SEG_DPL", offsetof(struct kvm_segment, dpl));
              V("SEG_DB", offsetof(struct kvm_segment, db));
              V("SEG_S", offsetof(struct kvm_segment, s));
              V("SEG_L", offsetof(struct kvm_segment, l));
              V("SEG_G", offsetof(struct kvm_segment, g));
              V("SEG_AVL", offsetof(struct kvm_segment, avl));
              V("SEG_UNUSABLE", offsetof(struct kvm_segment, unusable));
              V("SREGS_SIZE", sizeof(struct kvm_sregs));
              V("SREGS_GDT", offsetof(struct kvm_sregs, gdt));
              V("SREGS_IDT", offsetof(struct kvm_sregs, idt));
              V("SREGS_CR0", offsetof(struct kvm_sregs, cr0));
              V("SREGS_CR2", offsetof(struct kvm_sregs, cr2));
              V("SREGS_CR3", offsetof(struct kvm_sregs, cr3));
              V("SREGS_CR4", offsetof(struct kvm_sregs, cr4));
              V("SREGS_CR8", offsetof(struct kvm_sregs, cr8));
              V("SREGS_EFER", offsetof(struct kvm_sregs, efer));
              V("SREGS_APIC_BASE", offsetof(struct kvm_sregs, apic_base));
              V("SREGS_INTERRUPT_BITMAP", offsetof(struct kvm_sregs, interrupt_bitmap));
              V("DTABLE_BASE", offsetof(struct kvm_dtable, base));
              V("DTABLE_LIMIT", offsetof(struct kvm_dtable, limit));
              V("FPU_SIZE", sizeof(struct kvm_fpu));
              V("FPU_FCW", offsetof(struct kvm_fpu, fcw));
              V("FPU_MXCSR", offsetof(struct kvm_fpu, mxcsr));
              V("MEMORY_REGION_SIZE", sizeof(struct kvm_userspace_memory_region));
              V("CPUID2_HEADER", sizeof(struct kvm_cpuid2));
              V("CPUID_ENTRY_SIZE", sizeof(struct kvm_cpuid_entry2));
              V("MSRS_HEADER", sizeof(struct kvm_msrs));
              V("MSR_ENTRY_SIZE", sizeof(struct kvm_msr_entry));
              V("LAPIC_SIZE", sizeof(struct kvm_lapic_state));
              V("PIT_CONFIG_SIZE", sizeof(struct kvm_pit_config));
              V("MSR_LIST_HEADER", sizeof(struct kvm_msr_list));
              V("XSAVE_SIZE", sizeof(struct kvm_xsave));
              V("XCRS_SIZE", sizeof(struct kvm_xcrs));
              V("DEBUGREGS_SIZE", sizeof(struct kvm_debugregs));
              V("VCPU_EVENTS_SIZE", sizeof(struct kvm_vcpu_events));
              V("IRQCHIP_SIZE", sizeof(struct kvm_irqchip));
              V("IRQCHIP_CHIP", offsetof(struct kvm_irqchip, chip));
              V("PIT_STATE2_SIZE", sizeof(struct kvm_pit_state2));
              V("CLOCK_DATA_SIZE", sizeof(struct kvm_clock_data));
              V("CLOCK_DATA_FLAGS", offsetof(struct kvm_clock_data, flags));
              V("KVM_GET_MSR_INDEX_LIST", KVM_GET_MSR_INDEX_LIST);
              V("KVM_GET_IRQCHIP", KVM_GET_IRQCHIP);
              V("KVM_SET_IRQCHIP", KVM_SET_IRQCHIP);
              V("KVM_GET_CLOCK", KVM_GET_CLOCK);
              V("KVM_SET_CLOCK", KVM_SET_CLOCK);
              V("KVM_GET_PIT2", KVM_GET_PIT2);
              V("KVM_SET_PIT2", KVM_SET_PIT2);
              V("KVM_GET_CPUID2", KVM_GET_CPUID2);
              V("KVM_GET_VCPU_EVENTS", KVM_GET_VCPU_EVENTS);
              V("KVM_SET_VCPU_EVENTS", KVM_SET_VCPU_EVENTS);
              V("KVM_GET_DEBUGREGS", KVM_GET_DEBUGREGS);
              V("KVM_SET_DEBUGREGS", KVM_SET_DEBUGREGS);
              V("KVM_SET_TSC_KHZ", KVM_SET_TSC_KHZ);
              V("KVM_GET_TSC_KHZ", KVM_GET_TSC_KHZ);
              V("KVM_GET_XSAVE", KVM_GET_XSAVE);
              V("KVM_SET_XSAVE", KVM_SET_XSAVE);
              V("KVM_GET_XSAVE2", KVM_GET_XSAVE2);
              V("KVM_GET_XCRS", KVM_GET_XCRS);
              V("KVM_SET_XCRS", KVM_SET_XCRS);
              V("KVM_CAP_XSAVE", KVM_CAP_XSAVE);
              V("KVM_CAP_XCRS", KVM_CAP_XCRS);
              V("KVM_CAP_GET_TSC_KHZ", KVM_CAP_GET_TSC_KHZ);
              V("KVM_CAP_ADJUST_CLOCK", KVM_CAP_ADJUST_CLOCK);
              V("KVM_CAP_XSAVE2", KVM_CAP_XSAVE2);
              V("KVM_CLOCK_TSC_STABLE", KVM_CLOCK_TSC_STABLE);
              V("IRQ_LEVEL_SIZE", sizeof(struct kvm_irq_level));
              V("IRQFD_SIZE", sizeof(struct kvm_irqfd));
              V("IOEVENTFD_SIZE", sizeof(struct kvm_ioeventfd));
              V("SIGNAL_MASK_HEADER", sizeof(struct kvm_signal_mask));
              V("KERNEL_SIGSET_SIZE", (_NSIG - 1) / 8);
              V("RUN_IMMEDIATE_EXIT", offsetof(struct kvm_run, immediate_exit));
              V("RUN_EXIT_REASON", offsetof(struct kvm_run, exit_reason));
              V("RUN_HW_REASON", offsetof(struct kvm_run, hw.hardware_exit_reason));
              V("RUN_IO_DIRECTION", offsetof(struct kvm_run, io.direction));
              V("RUN_IO_SIZE", offsetof(struct kvm_run, io.size));
              V("RUN_IO_PORT", offsetof(struct kvm_run, io.port));
              V("RUN_IO_COUNT", offsetof(struct kvm_run, io.count));
              V("RUN_IO_DATA_OFFSET", offsetof(struct kvm_run, io.data_offset));
              V("RUN_MMIO_PHYS_ADDR", offsetof(struct kvm_run, mmio.phys_addr));
              V("RUN_MMIO_DATA", offsetof(struct kvm_run, mmio.data));
              V("RUN_MMIO_LEN", offsetof(struct kvm_run, mmio.len));
              V("RUN_MMIO_IS_WRITE", offsetof(struct kvm_run, mmio.is_write));
              V("RUN_FAIL_ENTRY_REASON", offsetof(struct kvm_run, fail_entry.hardware_entry_failure_reason));
              V("RUN_FAIL_ENTRY_CPU", offsetof(struct kvm_run, fail_entry.cpu));
              V("RUN_INTERNAL_SUBERROR", offsetof(struct kvm_run, internal.suberror));
              V("RUN_INTERNAL_NDATA", offsetof(struct kvm_run, internal.ndata));
              V("RUN_INTERNAL_DATA", offsetof(struct kvm_run, internal.data));
              V("RUN_SYSTEM_EVENT_TYPE", offsetof(struct kvm_run, system_event.type));
              V("RUN_SYSTEM_EVENT_NDATA", offsetof(struct kvm_run, system_event.ndata));
              V("RUN_SYSTEM_EVENT_DATA", offsetof(struct kvm_run, system_event.data));
              V("KVM_GET_API_VERSION", KVM_GET_API_VERSION);
              V("KVM_CREATE_VM", KVM_CREATE_VM);
              V("KVM_CHECK_EXTENSION", KVM_CHECK_EXTENSION);
              V("KVM_GET_VCPU_MMAP_SIZE", KVM_GET_VCPU_MMAP_SIZE);
              V("KVM_GET_SUPPORTED_CPUID", KVM_GET_SUPPORTED_CPUID);
              V("KVM_CREATE_VCPU", KVM_CREATE_VCPU);
              V("KVM_SET_USER_MEMORY_REGION", KVM_SET_USER_MEMORY_REGION);
              V("KVM_SET_TSS_ADDR", KVM_SET_TSS_ADDR);
              V("KVM_SET_IDENTITY_MAP_ADDR", KVM_SET_IDENTITY_MAP_ADDR);
              V("KVM_CREATE_IRQCHIP", KVM_CREATE_IRQCHIP);
              V("KVM_IRQ_LINE", KVM_IRQ_LINE);
              V("KVM_IRQFD", KVM_IRQFD);
              V("KVM_CREATE_PIT2", KVM_CREATE_PIT2);
              V("KVM_IOEVENTFD", KVM_IOEVENTFD);
              V("KVM_RUN", KVM_RUN);
              V("KVM_GET_REGS", KVM_GET_REGS);
              V("KVM_SET_REGS", KVM_SET_REGS);
              V("KVM_GET_SREGS", KVM_GET_SREGS);
              V("KVM_SET_SREGS", KVM_SET_SREGS);
              V("KVM_GET_MSRS", KVM_GET_MSRS);
              V("KVM_SET_MSRS", KVM_SET_MSRS);
              V("KVM_SET_SIGNAL_MASK", KVM_SET_SIGNAL_MASK);
              V("KVM_GET_FPU", KVM_GET_FPU);
              V("KVM_SET_FPU", KVM_SET_FPU);
              V("KVM_GET_LAPIC", KVM_GET_LAPIC);
              V("KVM_SET_LAPIC", KVM_SET_LAPIC);
              V("KVM_SET_CPUID2", KVM_SET_CPUID2);
              V("KVM_GET_MP_STATE", KVM_GET_MP_STATE);
              V("KVM_SET_MP_STATE", KVM_SET_MP_STATE);
              V("KVM_MP_STATE_RUNNABLE", KVM_MP_STATE_RUNNABLE);
              V("KVM_CAP_IRQFD", KVM_CAP_IRQFD);
              V("KVM_CAP_IOEVENTFD", KVM_CAP_IOEVENTFD);
              V("KVM_CAP_TSC_DEADLINE_TIMER", KVM_CAP_TSC_DEADLINE_TIMER);
              V("KVM_CAP_IMMEDIATE_EXIT", KVM_CAP_IMMEDIATE_EXIT);
              return 0;
            }
            """;

    private static Map<String, Long> HEADERS;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        HEADERS = CProgram.printedValues(SOURCE, dir);
    }

    private static void check(String name, long ours) {
        assertEquals(HEADERS.get(name), ours, name);
    }

    @Test
    void structSizesAndOffsetsMatchTheKernelHeaders() throws Exception {
        int checked = 0;
        List<String> unmatched = new ArrayList<>();
        for (var field : KvmLayouts.class.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers()) || field.isSynthetic()) {
                continue;
            }
            if (HEADERS.containsKey(field.getName())) {
                check(field.getName(), field.getLong(null));
                checked++;
            } else {
                unmatched.add(field.getName());
            }
        }
        // Every hand-written layout constant has its header value printed above, so none goes unchecked.
        assertEquals(List.of(), unmatched, "KvmLayouts fields the C program does not print");
        assertTrue(checked >= 60, "checked " + checked);
        var runnable = VcpuFd.class.getDeclaredField("KVM_MP_STATE_RUNNABLE");
        runnable.setAccessible(true);
        check("KVM_MP_STATE_RUNNABLE", runnable.getInt(null));
        var tscStable = VmFd.class.getDeclaredField("KVM_CLOCK_TSC_STABLE");
        tscStable.setAccessible(true);
        check("KVM_CLOCK_TSC_STABLE", tscStable.getInt(null));
    }

    @Test
    void ioctlNumbersMatchTheKernelHeaders() throws Exception {
        int checked = 0;
        for (var field : KvmIoctls.class.getDeclaredFields()) {
            if (HEADERS.containsKey(field.getName())) {
                field.setAccessible(true);
                Object v = field.get(null);
                check(field.getName(), v instanceof Integer i ? i : (Long) v);
                checked++;
            }
        }
        assertTrue(checked >= 28, "checked " + checked);
    }
}
