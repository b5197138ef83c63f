package dev.kapsel.container;

import dev.kapsel.image.ImageException;
import dev.kapsel.image.ImageStore;
import dev.kapsel.image.Progress;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The launch of a loaded image as {@code kapsel run} asks for it: the image's process after Docker's
 * rules ({@link ProcessSpecResolver}), its user resolved against the image's own {@code /etc/passwd}
 * and {@code /etc/group}, and the root the isolation reads (the cached disk for a micro-VM, the
 * unpacked tree for the sandbox).
 */
public final class ImageLaunch {
    private ImageLaunch() {}

    /**
     * @throws IllegalArgumentException for a user the image does not have
     */
    public static ContainerLaunch of(ImageStore store, String image, ContainerProcess process, boolean terminal,
                                     IsolationKind kind, ContainerLaunch.Resources resources, ContainerLaunch.Stdio stdio,
                                     Progress progress) throws IOException, ImageException {
        ContainerLaunch.RootFs root;
        Path tree = null;
        if (kind == IsolationKind.VM) {
            Path disk = store.rootfsImage(image, progress);
            if (process.user().chars().anyMatch(Character::isLetter)) {
                tree = store.unpackedRoot(image, progress); // names are looked up in the image's files
            }
            root = new ContainerLaunch.RootFs.ImageDisk(disk, tree);
        } else {
            tree = store.unpackedRoot(image, progress);
            root = new ContainerLaunch.RootFs.Directory(tree, false);
        }
        ContainerUser who = ContainerUser.resolve(process.user(), tree != null ? tree : Path.of("/nonexistent"));
        ContainerLaunch.Process p = new ContainerLaunch.Process(process.argv(), process.env(), process.workingDir(), who.uid(),
                who.gid(), who.additionalGids().stream().map(Integer::longValue).toList(), List.of(), terminal, null);
        return new ContainerLaunch(p, root, List.of(), ContainerLaunch.Network.NONE, resources, ContainerLaunch.LinuxFeatures.NONE,
                stdio, null);
    }
}
