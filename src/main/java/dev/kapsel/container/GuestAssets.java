package dev.kapsel.container;

import dev.kapsel.host.GuestKernels;
import dev.kapsel.initramfs.ModuleException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What every container micro-VM boots, found on this host: the cached guest kernel ({@code bin/setup}),
 * its module tree and the guest agent built into {@code target/agent}, from which the container
 * initramfs is built once and cached under the state directory.
 */
public record GuestAssets(Path kernel, Path modules, Path agent, Path initramfsCache) {
    /** Where the Maven build (src/main/c/agent/build.sh, run by bin/setup) puts the agent, relative to the repository. */
    static final String AGENT = "target/agent/kapsel-agent";

    /** Finds the assets, or says in one line which is missing and that {@code bin/setup} makes it. */
    public static GuestAssets locate(Path stateDirectory, Path repository) throws ContainerStartException.AssetsMissing {
        GuestKernels kernels = new GuestKernels(stateDirectory);
        Path kernel = kernels.defaultVmlinux().orElseThrow(() -> new ContainerStartException.AssetsMissing(
                "no guest kernel cached under " + kernels.defaultDirectory() + ": run bin/setup"));
        Path modules = kernels.defaultModules().orElseThrow(() -> new ContainerStartException.AssetsMissing(
                "the cached guest kernel has no modules under " + kernels.defaultDirectory() + ": run bin/setup"));
        Path agent = repository.resolve(AGENT);
        if (!Files.isExecutable(agent)) {
            throw new ContainerStartException.AssetsMissing("the guest agent " + agent + " is missing: run bin/setup");
        }
        return new GuestAssets(kernel, modules, agent, stateDirectory.resolve("initramfs"));
    }

    /** The assets if all are there, without building anything: a cheap check for choosing a backend. */
    public static Optional<GuestAssets> find(Path stateDirectory, Path repository) {
        try {
            return Optional.of(locate(stateDirectory, repository));
        } catch (ContainerStartException.AssetsMissing e) {
            return Optional.empty();
        }
    }

    /** The container initramfs for this kernel and agent (built on first use, then cached). */
    public Path initramfs() throws ContainerStartException {
        try {
            return ContainerInitramfs.cached(modules, agent, initramfsCache);
        } catch (ModuleException e) {
            throw new ContainerStartException.Initramfs(e);
        } catch (IOException e) {
            throw new ContainerStartException.HostIo("cannot build the container initramfs in " + initramfsCache, e);
        }
    }

    /** A boot of this size of these assets with {@code imageDisk} as the container's root. */
    public MicroVmContainer.Boot boot(Path imageDisk, int vcpus, long memoryMib, List<MicroVmContainer.Share> shares)
            throws ContainerStartException {
        return new MicroVmContainer.Boot(kernel, initramfs(), imageDisk, vcpus, memoryMib, List.of(), null, shares);
    }
}
