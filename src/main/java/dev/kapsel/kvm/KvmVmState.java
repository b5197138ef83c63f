package dev.kapsel.kvm;

/**
 * What KVM holds for a VM outside its vCPUs and memory: the i8254 PIT ({@code struct kvm_pit_state2}),
 * the kvmclock ({@code struct kvm_clock_data}) and the in-kernel irqchip (each PIC's and the IOAPIC's
 * 512-byte state), as the kernel's structures. Saved by {@link VmFd#saveState}, loaded by
 * {@link VmFd#restoreState}.
 */
public record KvmVmState(byte[] pit, byte[] clock, byte[] picMaster, byte[] picSlave, byte[] ioapic) {}
