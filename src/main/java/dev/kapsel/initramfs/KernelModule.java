package dev.kapsel.initramfs;

import java.util.Objects;

/**
 * One loadable module of a kernel: its canonical name (as {@code /proc/modules} shows it, dashes turned
 * into underscores) and its file relative to {@code lib/modules/<version>}, as modules.dep names it.
 */
public record KernelModule(String name, String path) {
    public KernelModule {
        Objects.requireNonNull(name);
        Objects.requireNonNull(path);
    }

    /** The canonical module name: modprobe treats {@code -} and {@code _} in names as the same. */
    public static String canonicalName(String name) {
        return name.replace('-', '_');
    }

    /** The module name a file name stands for: {@code kernel/drivers/char/hw_random/virtio-rng.ko} is virtio_rng. */
    public static String nameOfPath(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        int ko = file.indexOf(".ko");
        return canonicalName(ko >= 0 ? file.substring(0, ko) : file);
    }

    /** Whether the file is compressed ({@code .ko.xz}, {@code .ko.zst}, {@code .ko.gz}, ...). */
    public boolean compressed() {
        return !path.endsWith(".ko");
    }
}
