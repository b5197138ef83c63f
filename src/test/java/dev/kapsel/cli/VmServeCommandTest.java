package dev.kapsel.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kapsel.api.ApiJson;
import dev.kapsel.api.http.RawClient;
import dev.kapsel.vmm.ConsoleCountPayload;
import dev.kapsel.vmm.MicroVm;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.snapshot.Snapshots;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kapsel vm serve}: its socket, the API on it, a snapshot loaded through it (a real-mode guest on this host's KVM). */
class VmServeCommandTest {
    @TempDir
    Path dir;

    /** A console the test reads. */
    static final class Console extends ByteArrayOutputStream {
        @Override
        public synchronized void write(byte[] b, int off, int len) {
            super.write(b, off, len);
        }

        @Override
        public synchronized void write(int b) {
            super.write(b);
        }

        synchronized long lines() {
            return toString(StandardCharsets.US_ASCII).chars().filter(c -> c == '\n').count();
        }

        void awaitLines(long n) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (lines() < n) {
                assertTrue(System.nanoTime() < deadline, "the guest printed " + lines() + " lines, not " + n);
                Thread.sleep(5);
            }
        }
    }

    @Test
    void aSocketPathThatExistsIsOneLineAndTheUsageCode() throws Exception {
        Path taken = Files.writeString(dir.resolve("taken.sock"), "");
        CommandLine cli = Main.commandLine();
        StringWriter err = new StringWriter();
        cli.setErr(new PrintWriter(err));
        assertEquals(2, cli.execute("vm", "serve", "--api-sock", taken.toString()), err.toString());
        String line = err.toString().strip();
        assertTrue(line.startsWith("kapsel: --api-sock " + taken) && !line.contains("\n"), line);
    }

    @Test
    void serveLoadsASnapshotWithResumeVmAndRunsItUntilStopped() throws Exception {
        Path mem = dir.resolve("vm.mem");
        Path state = dir.resolve("vm.state");
        Console before = new Console();
        VmConfig config = new VmConfig(Path.of("/no-kernel: real-mode code"), Optional.empty(), "", 1, VmConfig.MIN_MEMORY_MIB);
        try (MicroVm vm = ConsoleCountPayload.build(config, before)) {
            vm.start();
            before.awaitLines(3);
            vm.pause();
            Snapshots.create(vm, mem, state);
        }

        Path sock = dir.resolve("api.sock");
        VmServeCommand serve = new VmServeCommand();
        serve.consoleIn = InputStream.nullInputStream();
        Console console = new Console();
        serve.consoleOut = console;
        AtomicInteger code = new AtomicInteger(-1);
        Thread serving = Thread.ofPlatform().name("serve").start(
                () -> code.set(new CommandLine(serve).execute("--api-sock", sock.toString(), "--id", "serve-test")));
        try (RawClient api = RawClient.connectOnceListening(sock, 20, serving::isAlive)) {
            RawClient.Response info = api.exchange("GET", "/", null);
            assertEquals(200, info.status());
            assertEquals("serve-test", ApiJson.MAPPER.readTree(info.body()).path("id").asText());
            assertEquals("Not started", ApiJson.MAPPER.readTree(info.body()).path("state").asText());
            RawClient.Response load = api.exchange("PUT", "/snapshot/load", "{\"snapshot_path\":\"" + state
                    + "\",\"mem_backend\":{\"backend_type\":\"File\",\"backend_path\":\"" + mem + "\"},\"resume_vm\":true}");
            assertEquals(204, load.status(), load.body());
            console.awaitLines(3);
            assertEquals("Running", ApiJson.MAPPER.readTree(api.exchange("GET", "/", null).body()).path("state").asText());
        }
        serving.interrupt();
        serving.join(TimeUnit.SECONDS.toMillis(20));
        assertFalse(serving.isAlive(), "vm serve ends when interrupted");
        assertEquals(86, code.get(), "stopped");
        assertFalse(Files.exists(sock), "the API socket is removed at the end");
    }
}
