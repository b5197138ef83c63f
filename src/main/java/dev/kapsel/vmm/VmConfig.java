package dev.kapsel.vmm;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a micro-VM is made of, validated on construction so a bad request fails before any KVM call.
 *
 * @param kernel    ELF vmlinux or bzImage
 * @param initrd    optional initial RAM disk
 * @param cmdline   kernel command line
 * @param vcpus     number of vCPUs (1..{@value #MAX_VCPUS})
 * @param memoryMib guest RAM in MiB ({@value #MIN_MEMORY_MIB}..{@value #MAX_MEMORY_MIB})
 */
public record VmConfig(Path kernel, Optional<Path> initrd, String cmdline, int vcpus, long memoryMib) {
    public static final int MAX_VCPUS = 32;
    public static final long MIN_MEMORY_MIB = 32;
    public static final long MAX_MEMORY_MIB = 256 * 1024;
    /** Serial console, no reboot (a micro-VM ends instead), panics end the VM at once, no PCI bus. */
    public static final String DEFAULT_CMDLINE = "console=ttyS0 reboot=k panic=-1 pci=off";

    public VmConfig {
        if (vcpus < 1 || vcpus > MAX_VCPUS) {
            throw new IllegalArgumentException("--cpus must be between 1 and " + MAX_VCPUS + ", not " + vcpus);
        }
        if (memoryMib < MIN_MEMORY_MIB || memoryMib > MAX_MEMORY_MIB) {
            throw new IllegalArgumentException("--memory must be between " + MIN_MEMORY_MIB + " and " + MAX_MEMORY_MIB
                    + " MiB, not " + memoryMib);
        }
        if (cmdline.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("the kernel command line must not contain NUL");
        }
    }

    public long memoryBytes() {
        return memoryMib << 20;
    }
}
