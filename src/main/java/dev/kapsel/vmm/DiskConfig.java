package dev.kapsel.vmm;

import java.nio.file.Path;

/**
 * A raw disk image attached as a virtio-blk device. The guest sees disks as /dev/vda, /dev/vdb, ...
 * in the order given.
 *
 * @param path     the image file (its size, in whole 512-byte sectors, is the disk's capacity)
 * @param readOnly opened read-only on the host and offered with VIRTIO_BLK_F_RO
 */
public record DiskConfig(Path path, boolean readOnly) {
    /** Parses the {@code --disk} syntax {@code PATH[,ro]}. */
    public static DiskConfig parse(String spec) {
        String path = spec;
        boolean readOnly = false;
        int comma = spec.lastIndexOf(',');
        if (comma >= 0) {
            String option = spec.substring(comma + 1);
            if (!option.equals("ro") && !option.equals("rw")) {
                throw new IllegalArgumentException("--disk " + spec + ": the only options are ',ro' and ',rw'");
            }
            readOnly = option.equals("ro");
            path = spec.substring(0, comma);
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("--disk needs a path to a raw image");
        }
        return new DiskConfig(Path.of(path), readOnly);
    }
}
