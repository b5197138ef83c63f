package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class UnhonouredLinuxFeaturesTest {
    private static final OciConfig CONFIG = ConfigReader.parse("""
            {"ociVersion": "1.0.2", "root": {"path": "rootfs"}, "process": {"args": ["sh"], "cwd": "/"},
             "linux": {"devices": [{"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229}],
                       "seccomp": {"defaultAction": "SCMP_ACT_ERRNO"},
                       "namespaces": [{"type": "network", "path": "/run/netns/n1"}, {"type": "pid"}]}}""");

    @Test
    void eachBackendReportsTheSameFeaturesWithItsOwnReason() {
        assertEquals(List.of("1 device(s) /dev/fuse (the sandbox's /dev has null, zero, random, urandom, tty only)",
                "seccomp profile (the sandbox's system-call table is the whole surface; the profile is not applied)",
                "joining namespaces network=/run/netns/n1 (a sandbox shares nothing with host processes)"),
                new SandboxBackend().limitations(CONFIG));
        assertEquals(List.of("1 device(s) /dev/fuse (the guest's /dev is its own devtmpfs)",
                "seccomp profile (the VM is the boundary; the profile is not applied inside the guest)",
                "joining namespaces network=/run/netns/n1 (the VM has its own kernel and no network device)"),
                VmConfigMapping.limitations(CONFIG));
    }
}
