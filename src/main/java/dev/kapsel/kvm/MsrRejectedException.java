package dev.kapsel.kvm;

/** KVM_SET_MSRS stopped at an MSR this host's KVM does not take: the first one refused is named. */
public final class MsrRejectedException extends RuntimeException {
    private final int msr;
    private final int vcpu;

    public MsrRejectedException(int msr, int vcpu) {
        super(String.format("KVM refused MSR 0x%x on vCPU %d", msr, vcpu));
        this.msr = msr;
        this.vcpu = vcpu;
    }

    public int msr() {
        return msr;
    }

    public int vcpu() {
        return vcpu;
    }
}
