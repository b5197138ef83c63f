package dev.kapsel.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.host.StateDirectory;
import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * {@code kapsel build-unikernel} then {@code kapsel run} of the result, booting the Debian kernel straight
 * into busybox's sh as the one program: it prints, a command that needs a new process fails (the init's
 * seccomp filter refuses fork), and the program's end is the container's (exit 0: power-off; exit 3: a
 * line naming it and kapsel's 80). Sizes and times are printed beside those of the same command as an
 * ordinary micro-VM container. One boot per run.
 */
@Tag("guest")
class SingleProgramImageGuestTest {
    private static Path state;

    @BeforeAll
    static void loadImage() throws Exception {
        state = Files.createTempDirectory("kapsel-single-program-");
        Files.createSymbolicLink(state.resolve("kernels"), StateDirectory.resolve().resolve("kernels"));
        ImageStore.open(state.resolve("images")).load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
    }

    private static Guest.Result kapsel(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Guest.REPO.resolve("bin/kapsel").toString()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, Map.of("KAPSEL_STATE_DIR", state.toString()));
    }

    @Test
    void theProgramRunsAsTheGuestsOnlyProcessAndCannotFork() throws Exception {
        // busybox sh ends a -c script whose fork fails with status 2 (seen in the harness: "can't fork:
        // Operation not permitted", then the init's line and a reset)
        Guest.Result built = kapsel("build-unikernel", "-o", "kapsel-test/fork-uk:1", BusyboxImage.NAME, "sh", "-c",
                "echo single-program; /bin/true; echo not-reached");
        assertEquals(0, built.exitCode(), built.toString());
        System.out.println("build-unikernel: " + built.stdout().strip());
        Guest.Result fork = kapsel("run", "kapsel-test/fork-uk:1");
        assertEquals(80, fork.exitCode(), fork.toString());
        assertTrue(fork.stdout().contains("single-program"), fork.toString());
        assertTrue(fork.stdout().contains("can't fork: Operation not permitted"), "the filter refuses the fork: " + fork);
        assertTrue(fork.stdout().contains("exited with status 2") && !fork.stdout().contains("not-reached"), fork.toString());

        Guest.Result ok = kapsel("build-unikernel", "-o", "kapsel-test/echo-uk:1", BusyboxImage.NAME, "sh", "-c", "echo only-me");
        assertEquals(0, ok.exitCode(), ok.toString());
        long t0 = System.nanoTime();
        Guest.Result r = kapsel("run", "kapsel-test/echo-uk:1");
        long ukMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, r.exitCode(), "exit 0 is a power-off: " + r);
        assertTrue(r.stdout().contains("only-me"), r.toString());

        t0 = System.nanoTime();
        Guest.Result vm = kapsel("run", "--isolation=vm", BusyboxImage.NAME, "sh", "-c", "echo single-program pid=$$");
        long vmMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(0, vm.exitCode(), vm.toString());
        System.out.printf("single-program image: run %d ms; the same sh as a micro-VM container: %d ms (%.2fx)%n", ukMillis, vmMillis,
                (double) ukMillis / vmMillis);
    }
}
