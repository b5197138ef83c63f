package dev.kapsel.initramfs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A minimal initramfs around Debian's static busybox: /bin/busybox with its applets installed at boot,
 * the device nodes the kernel needs, and an /init shell script. Used by {@code kapsel demo} and tests.
 */
public final class BusyboxInitramfs {
    /** Where Debian's busybox-static package puts the binary. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    private BusyboxInitramfs() {}

    /** An initramfs whose /init runs {@code script} under busybox sh, after installing the applets. */
    public static Initramfs withInit(String script) throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IOException(BUSYBOX + " is missing: install Debian's busybox-static (bin/setup does)");
        }
        return new Initramfs()
                .standardDevices()
                .copy(BUSYBOX, "bin/busybox", 0755)
                .symlink("bin/sh", "busybox")
                .directory("proc")
                .directory("sys")
                .directory("tmp")
                .file("init", 0755, "#!/bin/busybox sh\n/bin/busybox --install -s /bin\n" + script);
    }
}
