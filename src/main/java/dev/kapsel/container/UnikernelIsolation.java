package dev.kapsel.container;

import dev.kapsel.host.KvmKind;
import dev.kapsel.host.KvmProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A unikernel image ({@link UnikernelImage}) booted as the container: the micro-VM monitor enters the
 * image's kernel by the protocol it detects (Linux, Xen PVH, Multiboot v1, Firecracker's ELF64), with
 * its command line and initrd, a serial console that is the container's stdout, and nothing else: no
 * agent, no disk, no network, since the unikernel is the whole guest. The container ends when the
 * guest does; its exit status is {@code kapsel vm run}'s for that end (power-off 0, reset 80, ...).
 */
final class UnikernelIsolation implements Isolation {
    static final long MIN_MEMORY_MIB = 8;

    @Override
    public IsolationKind kind() {
        return IsolationKind.UNIKERNEL;
    }

    @Override
    public boolean deliversSignals() {
        return true;
    }

    @Override
    public void check(ContainerLaunch launch) throws ContainerStartException.Unsupported {
        if (!(launch.root() instanceof ContainerLaunch.RootFs.Unikernel u)) {
            throw new ContainerStartException.Unsupported("the image is not a unikernel: it names no kernel ("
                    + UnikernelImage.KERNEL + " or " + UnikernelImage.URUNC_BINARY + " label, or /" + UnikernelImage.URUNC_JSON + ")");
        }
        requireFile(u.kernel(), "kernel");
        if (u.initrd() != null) {
            requireFile(u.initrd(), "initrd");
        }
        if (launch.resources().memoryBytes() > 0 && launch.resources().memoryBytes() < MIN_MEMORY_MIB << 20) {
            throw new ContainerStartException.Unsupported("memory limit " + launch.resources().memoryBytes()
                    + " bytes is below the unikernel's minimum of " + MIN_MEMORY_MIB + " MiB");
        }
        if (KvmProbe.quickKind() == KvmKind.NONE) {
            throw new ContainerStartException.Unsupported("a unikernel needs /dev/kvm, which is missing or not accessible");
        }
    }

    private static void requireFile(Path file, String what) throws ContainerStartException.Unsupported {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new ContainerStartException.Unsupported("the unikernel's " + what + " " + file + " is missing or unreadable");
        }
    }

    @Override
    public List<Limitation> limitations(ContainerLaunch launch) {
        List<Limitation> out = new ArrayList<>();
        if (!launch.mounts().isEmpty()) {
            out.add(new Limitation(Limitation.Kind.BIND_MOUNTS, launch.mounts().size()
                    + " mount(s) (a unikernel gets only its kernel, command line and initrd)"));
        }
        if (!launch.network().isNone()) {
            out.add(new Limitation(Limitation.Kind.NETWORK, "network " + launch.network().mode()
                    + " (a unikernel container has no network device yet)"));
        }
        if (!launch.process().isRoot()) {
            out.add(new Limitation(Limitation.Kind.USER, "user " + launch.process().uid() + ":" + launch.process().gid()
                    + " (a unikernel has no users)"));
        }
        return out;
    }

    @Override
    public RunningContainer start(ContainerLaunch launch) throws ContainerStartException, InterruptedException {
        check(launch);
        return UnikernelContainer.start((ContainerLaunch.RootFs.Unikernel) launch.root(), launch.resources(), launch.stdio());
    }

    @Override
    public RunningContainer exec(ContainerLaunch launch, Path agentSocket) throws ContainerStartException {
        throw new ContainerStartException.Unsupported("a unikernel is one program: there is nothing to exec into");
    }
}
