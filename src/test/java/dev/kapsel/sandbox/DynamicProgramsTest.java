package dev.kapsel.sandbox;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The same C test programs linked dynamically against the host's glibc, in a root file system
 * holding the libraries ldd names: the ELF interpreter (ld-linux-x86-64.so.2) is loaded from the
 * image, maps libc with MAP_FIXED and mprotect, and the programs' checks all pass.
 */
class DynamicProgramsTest {
    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"fileio, 37", "memory, 26", "tls, 8", "threads, 8", "procs, 12", "signals, 15", "polling, 19", "sockets, 47",
        "mmapshared, 36", "shmem, 49", "shmsysv, 26"})
    void dynamicProgramPassesAllItsChecks(String name, int checks) throws Exception {
        Path exe = GuestPrograms.compileDynamic(name);
        Path root = GuestPrograms.rootfs(dir, exe);
        GuestPrograms.copyLibraries(root, exe);
        GuestPrograms.Run r = GuestPrograms.run(root, false, "/bin/" + name + "-dyn");
        SandboxProgramsTest.assertAllPass(r, checks);
        assertEquals(0, r.result().signal(), r.describe());
    }
}
