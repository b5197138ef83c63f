package dev.kapsel.vmm;

import dev.kapsel.acpi.VirtioMmioDevice;
import dev.kapsel.kvm.RealModeVm;
import dev.kapsel.memory.GuestMemory;
import java.io.OutputStream;
import java.util.List;

/**
 * Real-mode code that counts on the serial console: vCPU 0 adds one to the 32-bit value at
 * {@link #COUNTER} and writes it to COM1 as eight hex digits and a newline, for ever (each byte a port
 * write, so the VM exits to the monitor nine times a line). Every output line is the one before plus
 * one, so a console that carries on after a snapshot shows whether the guest went on from where it
 * was. Further vCPUs halt. Public for the API's tests, which launch it through a {@code GuestLauncher}.
 */
public final class ConsoleCountPayload implements GuestPayload {
    public static final long COUNTER = 0x3010;
    private static final int CODE = 0x1000;
    private static final int HALT = 0x1100;

    private static final byte[] COUNT_CODE = {
        (byte) 0xba, (byte) 0xf8, 0x03, //                 mov dx, 0x3f8
        0x66, (byte) 0x83, 0x06, 0x10, 0x30, 0x01, //      next: add dword [0x3010], 1
        0x66, (byte) 0x8b, 0x36, 0x10, 0x30, //            mov esi, [0x3010]
        (byte) 0xb9, 0x08, 0x00, //                        mov cx, 8
        0x66, (byte) 0xc1, (byte) 0xc6, 0x04, //           digit: rol esi, 4
        (byte) 0x89, (byte) 0xf0, //                       mov ax, si
        0x24, 0x0f, //                                     and al, 0x0f
        0x04, 0x30, //                                     add al, '0'
        0x3c, 0x39, //                                     cmp al, '9'
        0x76, 0x02, //                                     jbe out
        0x04, 0x07, //                                     add al, 7 ('A' - '9' - 1)
        (byte) 0xee, //                                    out: out dx, al
        (byte) 0xe2, (byte) 0xed, //                       loop digit
        (byte) 0xb0, 0x0a, //                              mov al, '\n'
        (byte) 0xee, //                                    out dx, al
        (byte) 0xeb, (byte) 0xda //                        jmp next
    };
    private static final byte[] HALT_CODE = {(byte) 0xf4, (byte) 0xeb, (byte) 0xfd}; // hlt; jmp back to hlt

    @Override
    public VcpuStart load(GuestMemory memory, List<VirtioMmioDevice> devices, int vcpus) {
        memory.write(CODE, COUNT_CODE);
        memory.write(HALT, HALT_CODE);
        return (vcpu, supported, count) -> {
            if (vcpu.id() > 0) {
                vcpu.setRunnable();
            }
            RealModeVm.startAt(vcpu, vcpu.id() == 0 ? CODE : HALT);
        };
    }

    /** Builds a VM of {@code config} (its kernel is never read) running this code, the console on {@code console}. */
    public static MicroVm build(VmConfig config, OutputStream console) throws VmSetupException {
        return VmBuilder.build(config, console, new ConsoleCountPayload());
    }
}
