package dev.kapsel.vmm;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * A host directory given to the guest as a virtio-fs device, which it mounts with
 * {@code mount -t virtiofs TAG DIR}.
 *
 * @param tag      the name the guest mounts it by: 1 to 36 bytes, no NUL, no ',' or '=' (kapsel's option syntax)
 * @param source   the host directory; every name is resolved beneath it
 * @param readOnly the host refuses every change (EROFS), whatever the guest mounts
 */
public record SharedDirConfig(String tag, Path source, boolean readOnly) {
    public static final int MAX_TAG_BYTES = 36;

    public SharedDirConfig {
        int bytes = tag.getBytes(StandardCharsets.UTF_8).length;
        if (bytes == 0 || bytes > MAX_TAG_BYTES || tag.indexOf('\0') >= 0 || tag.indexOf(',') >= 0 || tag.indexOf('=') >= 0) {
            throw new IllegalArgumentException("shared directory tag must be 1 to " + MAX_TAG_BYTES
                    + " bytes without NUL, ',' or '=': '" + tag + "'");
        }
    }
}
