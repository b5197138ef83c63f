package dev.kapsel.kvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.kapsel.sys.Errno;
import dev.kapsel.sys.EventFd;
import dev.kapsel.sys.Libc;
import dev.kapsel.sys.SyscallException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The wrapper calls nothing in kapsel makes yet, against the host's KVM: each does what its ioctl says. */
class KvmWrappersTest {
    private static final int MSR_IA32_SYSENTER_CS = 0x174;
    private static final int MSR_STAR = 0xc0000081;

    @Test
    void msrsReadBackAsTheyWereSet() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); VcpuFd vcpu = vm.createVcpu(0)) {
            vcpu.setMsrs(List.of(new MsrEntry(MSR_IA32_SYSENTER_CS, 0x10), new MsrEntry(MSR_STAR, 0x0023_0010_0000_0000L)));
            assertEquals(List.of(new MsrEntry(MSR_STAR, 0x0023_0010_0000_0000L), new MsrEntry(MSR_IA32_SYSENTER_CS, 0x10)),
                    vcpu.getMsrs(List.of(MSR_STAR, MSR_IA32_SYSENTER_CS)));
        }
    }

    @Test
    void anUnregisteredIrqfdCanBeRegisteredAgain() {
        try (Kvm kvm = Kvm.open(); VmFd vm = kvm.createVm(); EventFd line = new EventFd(Libc.EFD_NONBLOCK)) {
            vm.createIrqchip();
            vm.registerIrqfd(line.fd(), 5);
            SyscallException twice = assertThrows(SyscallException.class, () -> vm.registerIrqfd(line.fd(), 5));
            assertEquals(Errno.EBUSY, twice.errno(), "KVM holds the eventfd while it is registered");
            vm.unregisterIrqfd(line.fd(), 5);
            vm.registerIrqfd(line.fd(), 5);
        }
    }
}
