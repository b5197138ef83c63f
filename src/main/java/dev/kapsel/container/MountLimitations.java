package dev.kapsel.container;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The one classification of a launch's mounts and Linux features into {@link Limitation}s, each
 * isolation supplying what it provides itself and its reasons: bind mounts it cannot share, other
 * mounts it does not make, a read-only root it does not keep, devices, a seccomp profile and
 * namespaces to join.
 *
 * @param provided        mounts the isolation makes itself (they are not limitations)
 * @param honoursFileBinds      whether a bind of a single host file is honoured (the VM copies it into its root
 *                              image, the sandbox into its writable layer)
 * @param honoursDirectoryBinds whether a bind of a host directory is honoured (the VM shares it over virtio-fs);
 *                              binds of anything else are always reported
 */
record MountLimitations(Predicate<ContainerLaunch.Mount> provided, boolean honoursFileBinds, boolean honoursDirectoryBinds,
                        String bindReason,
                        String mountReason, String readonlyReason, String devicesReason, String seccompReason,
                        String namespacesReason) {
    List<Limitation> of(ContainerLaunch launch) {
        List<Limitation> out = new ArrayList<>();
        List<String> binds = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (ContainerLaunch.Mount m : launch.mounts()) {
            if (provided.test(m)) {
                continue;
            }
            if (m.isBind()) {
                if (!(honoursFileBinds && isFile(m) || honoursDirectoryBinds && isDirectory(m))) {
                    binds.add(m.destination());
                }
            } else {
                others.add(m.type() + ":" + m.destination());
            }
        }
        if (!binds.isEmpty()) {
            out.add(new Limitation(Limitation.Kind.BIND_MOUNTS, "bind mounts at " + String.join(" ", binds)
                    + " (" + bindReason + ")"));
        }
        if (!others.isEmpty()) {
            out.add(new Limitation(Limitation.Kind.OTHER_MOUNTS, "mounts " + String.join(" ", others) + " (" + mountReason + ")"));
        }
        if (launch.root() instanceof ContainerLaunch.RootFs.Directory d && d.readonly()) {
            out.add(new Limitation(Limitation.Kind.READONLY_ROOT, "read-only root (" + readonlyReason + ")"));
        }
        ContainerLaunch.LinuxFeatures linux = launch.linux();
        if (!linux.devices().isEmpty()) {
            out.add(new Limitation(Limitation.Kind.DEVICES, linux.devices().size() + " device(s) " + String.join(",", linux.devices())
                    + " (" + devicesReason + ")"));
        }
        if (linux.seccompProfile()) {
            out.add(new Limitation(Limitation.Kind.SECCOMP, "seccomp profile (" + seccompReason + ")"));
        }
        if (!linux.joinedNamespaces().isEmpty()) {
            out.add(new Limitation(Limitation.Kind.NAMESPACES, "joining namespaces " + String.join(" ", linux.joinedNamespaces())
                    + " (" + namespacesReason + ")"));
        }
        return out;
    }

    /** A bind of a host directory (the VM shares those over virtio-fs). */
    static boolean isDirectory(ContainerLaunch.Mount m) {
        return m.source() != null && Files.isDirectory(Path.of(m.source()));
    }

    /** A bind of a single host file (the VM copies those into its root image). */
    static boolean isFile(ContainerLaunch.Mount m) {
        return m.source() != null && Files.isRegularFile(Path.of(m.source()));
    }

    /** Bind mounts of single host files, by guest path: what an isolation that honours them copies in
     * (the VM into its root image before boot, the sandbox into its writable layer at start). */
    static Map<String, Path> fileBinds(List<ContainerLaunch.Mount> mounts) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (ContainerLaunch.Mount m : mounts) {
            if (m.isBind() && MountLimitations.isFile(m)) {
                files.put(Path.of(m.destination()).normalize().toString(), Path.of(m.source()));
            }
        }
        return files;
    }
}
