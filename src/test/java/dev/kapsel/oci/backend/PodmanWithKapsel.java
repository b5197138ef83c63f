package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * podman with kapsel as its runtime, for the engine tests of both isolations: a containers.conf that
 * registers {@code bin/kapsel} as podman's default runtime (cgroupfs, file events: what works in a
 * test's environment), the test's busybox image imported into podman, and podman's command lines.
 */
final class PodmanWithKapsel {
    static final String KAPSEL = Guest.REPO.resolve("bin/kapsel").toString();

    private final Path work;
    private final List<String> global;
    private final Map<String, String> env;

    private PodmanWithKapsel(Path work, List<String> global, Map<String, String> env) {
        this.work = work;
        this.global = global;
        this.env = env;
    }

    /**
     * Writes {@code work/containers.conf}; {@code global} are podman's own options before the verb
     * (its storage, when the test keeps its own), {@code env} what kapsel's processes get besides.
     */
    /**
     * podman on this host with storage, run root and kapsel's state of the test's own under {@code work},
     * busybox imported as {@code image}: the set-up of the tests that run the sandbox isolation under podman.
     */
    static PodmanWithKapsel sandboxOnHost(Path work, String image) throws Exception {
        PodmanWithKapsel podman = onHost(work);
        podman.importBusybox(image);
        return podman;
    }

    /** podman on this host with storage, run root and kapsel's state of the test's own under {@code work}, no image yet. */
    static PodmanWithKapsel onHost(Path work) throws IOException {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(Path.of("/usr/bin/podman"))
                && java.nio.file.Files.isExecutable(Path.of("/usr/bin/conmon")), "needs podman and conmon");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isReadable(Path.of("/dev/kvm")), "needs /dev/kvm");
        return configure(work, List.of("--root", work.resolve("podman/root").toString(), "--runroot",
                work.resolve("podman/run").toString(), "--storage-driver", "vfs"), Map.of("KAPSEL_STATE_DIR", work.resolve("state").toString()));
    }

    static PodmanWithKapsel configure(Path work, List<String> global, Map<String, String> env) throws IOException {
        Path conf = Files.writeString(work.resolve("containers.conf"), """
                [engine]
                runtime = "kapsel"
                cgroup_manager = "cgroupfs"
                events_logger = "file"
                [engine.runtimes]
                kapsel = ["%s"]
                """.formatted(KAPSEL));
        Map<String, String> all = new HashMap<>(env);
        all.put("CONTAINERS_CONF", conf.toString());
        return new PodmanWithKapsel(work, List.copyOf(global), Map.copyOf(all));
    }

    /**
     * Loads the test's busybox image into a kapsel image store under {@code work/images} and imports its
     * root file system into podman as {@code name} (CMD sh); returns the image's OCI layout directory.
     */
    Path importBusybox(String name) throws Exception {
        Path layout = BusyboxImage.writeLayout(Files.createDirectory(work.resolve("layout")));
        ImageStore store = ImageStore.open(work.resolve("images"));
        store.load(layout, null);
        Path rootfs = store.unpackedRoot(BusyboxImage.NAME);
        Path tar = work.resolve("rootfs.tar");
        ok(Guest.run(List.of("tar", "-C", rootfs.toString(), "-cf", tar.toString(), ".")));
        ok(run("import", "--change", "CMD [\"sh\"]", tar.toString(), name));
        return layout;
    }

    List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of("podman"));
        cmd.addAll(global);
        cmd.addAll(List.of("--runtime", KAPSEL));
        cmd.addAll(List.of(args));
        return cmd;
    }

    Guest.Result run(String... args) throws IOException, InterruptedException {
        return Guest.run(command(args), env);
    }

    /**
     * Starts {@code podman run -d ...}: conmon stays behind, so its output goes to {@code work/run-d.out}
     * and {@code work/run-d.err} and nothing waits for the pipes.
     */
    Process startDetached(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("run", "-d"));
        cmd.addAll(List.of(args));
        ProcessBuilder runD = new ProcessBuilder(command(cmd.toArray(String[]::new)));
        runD.environment().putAll(env);
        return runD.redirectInput(new File("/dev/null")).redirectOutput(work.resolve("run-d.out").toFile())
                .redirectError(work.resolve("run-d.err").toFile()).start();
    }

    /** What {@link #startDetached} wrote to stderr. */
    String detachedErrors() throws IOException {
        return Files.readString(work.resolve("run-d.err"));
    }

    static Guest.Result ok(Guest.Result r) {
        assertEquals(0, r.exitCode(), r.toString());
        return r;
    }
}
