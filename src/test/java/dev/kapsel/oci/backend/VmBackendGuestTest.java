package dev.kapsel.oci.backend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.image.ImageStore;
import dev.kapsel.host.HostFd;
import dev.kapsel.oci.console.Pty;
import dev.kapsel.oci.spec.ConfigReader;
import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.sys.Libc;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The OCI lifecycle by hand with the micro-VM backend, in one VM boot: create, state, start, exec
 * (the engine's file bind mount and the hostname are in the guest, exit statuses come through, also
 * on quick repeats), kill (the signal reaches the process through the agent, whose trap decides the
 * status), state, delete (state and VM socket gone).
 */
@Tag("guest")
class VmBackendGuestTest {
    private static final Path KAPSEL = Guest.REPO.resolve("bin/kapsel");

    private static Guest.Result kapsel(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(KAPSEL.toString(), "--root", root.toString()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd);
    }

    private static String status(Path root, String id) throws IOException, InterruptedException {
        Guest.Result r = kapsel(root, "state", id);
        assertEquals(0, r.exitCode(), r.toString());
        int at = r.stdout().indexOf("\"status\"");
        return r.stdout().substring(at).split("\"")[3];
    }

    @Test
    void lifecycleExecAndSignalsInOneVm() throws Exception {
        Path work = Guest.tempDir();
        ImageStore store = ImageStore.open(work.resolve("images"));
        store.load(BusyboxImage.writeLayout(Files.createDirectory(work.resolve("layout"))), null);
        Path rootfs = store.unpackedRoot(BusyboxImage.NAME);
        Path bundle = Files.createDirectory(work.resolve("bundle"));
        Path hosts = Files.writeString(work.resolve("hosts"), "10.88.0.7 engine-made\n");
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion": "1.0.2", "root": {"path": "%s"}, "hostname": "vmbox",
                 "annotations": {"dev.kapsel.isolation": "vm"},
                 "mounts": [{"destination": "/proc", "type": "proc", "source": "proc"},
                            {"destination": "/etc/hosts", "type": "bind", "source": "%s", "options": ["rbind", "ro"]}],
                 "linux": {"resources": {"memory": {"limit": 268435456}}},
                 "process": {"args": ["sh", "-c", "echo started; trap 'echo got-term; exit 42' TERM; while true; do sleep 1; done"],
                             "cwd": "/", "env": ["PATH=/bin"]}}
                """.formatted(rootfs, hosts));
        Path root = work.resolve("root");
        String id = "vm1";

        // create's stdio is the container's: files, so that nothing waits for the monitor to close a pipe.
        Path out = work.resolve("container.out");
        Process create = new ProcessBuilder(KAPSEL.toString(), "--root", root.toString(), "create", "--bundle", bundle.toString(),
                "--pid-file", work.resolve("pid").toString(), id)
                .redirectInput(new File("/dev/null")).redirectOutput(out.toFile()).redirectError(work.resolve("container.err").toFile())
                .start();
        assertTrue(create.waitFor(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
        assertEquals(0, create.exitValue(), Files.readString(work.resolve("container.err")));
        assertEquals("created", status(root, id));

        Guest.Result start = kapsel(root, "start", id);
        assertEquals(0, start.exitCode(), start.toString());
        assertEquals("running", status(root, id));

        // exec waits for the VM to boot; the bind-mounted file and the hostname are the config's.
        Guest.Result cat = kapsel(root, "exec", id, "cat", "/etc/hosts", "/proc/sys/kernel/hostname");
        assertEquals(0, cat.exitCode(), cat.toString());
        assertEquals("10.88.0.7 engine-made\nvmbox\n", cat.stdout(), cat.toString());
        Guest.Result id1000 = kapsel(root, "exec", "--user", "1000:50", id, "id");
        assertEquals(0, id1000.exitCode(), id1000.toString());
        assertTrue(id1000.stdout().startsWith("uid=1000(app) gid=50"), id1000.toString());
        for (int i = 0; i < 3; i++) {
            Guest.Result four = kapsel(root, "exec", id, "sh", "-c", "echo err >&2; exit 4");
            assertEquals(4, four.exitCode(), "exec " + i + ": " + four);
            assertTrue(four.stderr().contains("err\n"), four.toString());
        }
        Guest.Result missing = kapsel(root, "exec", id, "/bin/nope");
        assertTrue(missing.exitCode() != 0, missing.toString());

        // pause parks the VM through the monitor's control channel; exec is refused meanwhile, and after
        // resume the guest goes on: the same VM answers an exec.
        Guest.Result pause = kapsel(root, "pause", id);
        assertEquals(0, pause.exitCode(), pause.toString());
        assertEquals("paused", status(root, id));
        Guest.Result pausedExec = kapsel(root, "exec", id, "true");
        assertTrue(pausedExec.exitCode() != 0 && pausedExec.stderr().contains("paused"), pausedExec.toString());
        Guest.Result pauseTwice = kapsel(root, "pause", id);
        assertTrue(pauseTwice.exitCode() != 0, pauseTwice.toString());
        Guest.Result resume = kapsel(root, "resume", id);
        assertEquals(0, resume.exitCode(), resume.toString());
        assertEquals("running", status(root, id));
        Guest.Result resumed = kapsel(root, "exec", id, "echo", "resumed");
        assertEquals("resumed\n", resumed.stdout(), resumed.toString());

        String socket = Files.readString(root.resolve(id).resolve("state.json")).replaceAll("(?s).*\"vmSocket\"\\s*:\\s*\"([^\"]+)\".*", "$1");
        assertTrue(Files.exists(Path.of(socket)), socket);

        Guest.Result kill = kapsel(root, "kill", id, "TERM");
        assertEquals(0, kill.exitCode(), kill.toString());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!status(root, id).equals("stopped") && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals("stopped", status(root, id));
        assertEquals("started\ngot-term\n", Files.readString(out), "the trap ran: the signal reached the process in the guest");
        // read as JSON: the record store's layout (indentation) is not the contract, the field is
        assertEquals(42, new com.fasterxml.jackson.databind.ObjectMapper().readTree(root.resolve(id).resolve("state.json").toFile())
                .path("exitCode").asInt(-1), Files.readString(root.resolve(id).resolve("state.json")));

        Guest.Result delete = kapsel(root, "delete", id);
        assertEquals(0, delete.exitCode(), delete.toString());
        assertFalse(Files.exists(root.resolve(id)));
        assertFalse(Files.exists(Path.of(socket).getParent()), "the VM's socket directory is removed");
    }

    @Test
    void aTerminalProcessGetsAGuestPtyWhoseHostEndIsTheLaunchsTerminal() throws Exception {
        Path work = Guest.tempDir();
        ImageStore store = ImageStore.open(work.resolve("images"));
        store.load(BusyboxImage.writeLayout(Files.createDirectory(work.resolve("layout"))), null);
        Path bundle = Files.createDirectory(work.resolve("bundle"));
        Files.writeString(bundle.resolve("config.json"), """
                {"ociVersion": "1.0.2", "root": {"path": "%s"},
                 "process": {"terminal": true, "args": ["sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo tty-yes; read line; echo got=$line; exit 5"],
                             "cwd": "/", "env": ["PATH=/bin"]}}
                """.formatted(store.unpackedRoot(BusyboxImage.NAME)));
        OciConfig config = ConfigReader.readBundle(bundle);
        try (Pty pty = Pty.open()) {
            int slave = Libc.open(pty.slavePath(), Libc.O_RDWR | Libc.O_NOCTTY | Libc.O_CLOEXEC, 0);
            try {
                dev.kapsel.container.ContainerLaunch launch = OciLaunch.of(config, bundle)
                        .withStdio(dev.kapsel.container.ContainerLaunch.Stdio.fds(slave, slave, slave));
                dev.kapsel.container.IsolationKind vm = dev.kapsel.container.IsolationKind.VM;
                LaunchRunner.check(vm, launch);
                CompletableFuture<Integer> status = CompletableFuture.supplyAsync(() -> LaunchRunner.run(vm, launch, null, false, c -> { }),
                        r -> Thread.ofPlatform().daemon().start(r));
                StringBuilder seen = new StringBuilder();
                InputStream master = HostFd.input(pty.master());
                byte[] buf = new byte[4096];
                boolean answered = false;
                while (!seen.toString().contains("got=")) {
                    int n = master.read(buf, 0, buf.length);
                    if (n < 0) {
                        break;
                    }
                    seen.append(new String(buf, 0, n, StandardCharsets.UTF_8));
                    if (!answered && seen.toString().contains("tty-yes")) {
                        HostFd.output(pty.master()).write("hello\r".getBytes(StandardCharsets.UTF_8));
                        answered = true;
                    }
                }
                assertEquals(5, status.get(Guest.BOOT_TIMEOUT_SECONDS, TimeUnit.SECONDS));
                // The guest's line discipline: \n out becomes \r\n, the typed \r becomes \n, echo on; the host end adds nothing.
                assertTrue(seen.toString().startsWith("tty-yes\r\n"), seen.toString());
                assertTrue(seen.toString().contains("hello\r\ngot=hello"), seen.toString());
            } finally {
                Libc.close(slave);
            }
        }
    }
}
