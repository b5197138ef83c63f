package dev.kapsel.container;

import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The launch of a stored unikernel image as {@code kapsel run} asks for it: the kernel, initrd and
 * command line its labels (or {@code /urunc.json}) name, inside its unpacked root; arguments after the
 * image replace the command line, as they replace a container image's Cmd.
 */
public final class UnikernelLaunch {
    private UnikernelLaunch() {}

    /** Whether {@code labels} mark the image as a unikernel (labels only: no unpacking to ask). */
    public static boolean isUnikernel(Map<String, String> labels) {
        return UnikernelImage.fromLabels(labels).isPresent();
    }

    /**
     * @throws IllegalArgumentException for an image that is no unikernel, or whose kernel or initrd is
     *                                  missing or outside its root
     */
    public static ContainerLaunch of(ImageStore store, String image, Map<String, String> labels, List<String> args,
                                     ContainerLaunch.Resources resources, ContainerLaunch.Stdio stdio, Progress progress)
            throws IOException, ImageException {
        Path tree = store.unpackedRoot(image, progress);
        Optional<UnikernelImage> found = UnikernelImage.find(labels, tree);
        UnikernelImage spec = found.orElseThrow(() -> new IllegalArgumentException("image " + image
                + " is not a unikernel: it has no " + UnikernelImage.KERNEL + " or " + UnikernelImage.URUNC_BINARY
                + " label and no /" + UnikernelImage.URUNC_JSON));
        if (!args.isEmpty()) {
            spec = spec.withCmdline(String.join(" ", args));
        }
        ContainerLaunch.RootFs.Unikernel root = spec.root(tree);
        ContainerLaunch.Process process = ContainerLaunch.Process.of(
                List.of(Path.of("/").resolve(spec.kernel()).normalize().toString()), List.of(), "/");
        return new ContainerLaunch(process, root, List.of(), ContainerLaunch.Network.NONE, resources,
                ContainerLaunch.LinuxFeatures.NONE, stdio, null);
    }
}
