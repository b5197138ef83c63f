package dev.kapsel.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The guest kernel cache that bin/setup fills from Debian's linux-image-cloud-amd64:
 * {@code <state>/kernels/<version>/} holds the package tree and an extracted {@code vmlinux};
 * {@code <state>/kernels/default} points at the version to use.
 */
public final class GuestKernels {
    private final Path root;

    public GuestKernels(Path stateDirectory) {
        this.root = stateDirectory.resolve("kernels");
    }

    public Path defaultDirectory() {
        return root.resolve("default");
    }

    /** The uncompressed ELF kernel, if the cache has one. */
    public Optional<Path> defaultVmlinux() {
        Path p = defaultDirectory().resolve("vmlinux");
        return Files.isRegularFile(p) ? Optional.of(p) : Optional.empty();
    }

    /** The Debian bzImage ({@code boot/vmlinuz-*}), if the cache has one. */
    public Optional<Path> defaultBzImage() {
        Path boot = defaultDirectory().resolve("boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(boot)) {
            return files.filter(p -> p.getFileName().toString().startsWith("vmlinuz-")).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** The kernel's module tree ({@code lib/modules/<version>}), for building initramfs images. */
    public Optional<Path> defaultModules() {
        Path modules = defaultDirectory().resolve("lib/modules");
        if (!Files.isDirectory(modules)) {
            return Optional.empty();
        }
        try (Stream<Path> dirs = Files.list(modules)) {
            return dirs.filter(Files::isDirectory).sorted().findFirst();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
