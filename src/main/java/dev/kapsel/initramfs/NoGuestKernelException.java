package dev.kapsel.initramfs;

import java.nio.file.Path;

/** The kernel cache has no module tree to build a guest initramfs from. */
public final class NoGuestKernelException extends Exception {
    private final Path kernelDirectory;

    public NoGuestKernelException(Path kernelDirectory) {
        super("no kernel modules under " + kernelDirectory + "/lib/modules: run bin/setup");
        this.kernelDirectory = kernelDirectory;
    }

    public Path kernelDirectory() {
        return kernelDirectory;
    }
}
