package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.Directory;
import dev.kapsel.sandbox.fs.FdTable;
import dev.kapsel.sandbox.fs.HostShare;
import dev.kapsel.sandbox.fs.HostStream;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.fs.UpperQuota;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sandbox.machine.Cpu;
import dev.kapsel.sandbox.machine.KernelLayout;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.machine.OutOfCpusException;
import dev.kapsel.sandbox.machine.OutOfFramesException;
import dev.kapsel.sys.Errno;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.Map;

/**
 * Runs an unmodified Linux x86-64 program, static or dynamically linked, and everything it starts
 * in a KVM virtual machine at user level, with every system call, page fault and exception served
 * by the Java kernel in this package. The facade: a {@link SandboxConfig} in, a {@link
 * SandboxResult} out when PID 1 ends; nothing the programs do can make it throw (a failure of the
 * machine itself ends the program with SIGKILL and a reason). While it runs, the host's SIGINT
 * (Ctrl-C) goes to the sandbox's foreground process group instead of ending the JVM.
 */
public final class Sandbox {
    private Sandbox() {}

    public static SandboxResult run(SandboxConfig config) {
        return run(config, init -> { });
    }

    /** As {@link #run(SandboxConfig)}, with {@code beforeStart} given PID 1 before its first instruction (tests inject faults). */
    static SandboxResult run(SandboxConfig config, java.util.function.Consumer<SandboxProcess> beforeStart) {
        if (!Files.isDirectory(config.rootfs())) {
            throw new IllegalArgumentException("root file system " + config.rootfs() + " is not a directory");
        }
        long memory = config.limits().memoryBytes() + 16L * KernelLayout.LARGE_PAGE_SIZE;
        memory = Math.min(KernelLayout.MAX_MEMORY, (memory + KernelLayout.LARGE_PAGE_SIZE - 1) & ~(KernelLayout.LARGE_PAGE_SIZE - 1));
        try (Machine machine = Machine.create(memory)) {
            UpperQuota quota = new UpperQuota(config.limits().upperLayerBytes());
            Vfs vfs;
            try {
                vfs = config.writeThrough() ? Vfs.writeThrough(HostShare.open(config.rootfs(), false), quota)
                        : new Vfs(config.rootfs(), quota);
            } catch (java.io.IOException e) {
                return failed(e.getMessage());
            }
            Kernel kernel = new Kernel(machine, vfs, config.limits(), config.strace(), config.network(), config.hostname());
            KernelLock lock = kernel.lock();
            SandboxProcess[] init = new SandboxProcess[1];
            String copyFailure = copyIn(vfs, config.files());
            if (copyFailure != null) {
                return failed(copyFailure);
            }
            vfs.mount("dev", SandboxFiles.dev(new HostStream(config.stdout(), "/dev/tty", lock), quota));
            vfs.mount("proc", SandboxFiles.proc(() -> Task.currentOrNull() != null ? Task.currentOrNull().process() : init[0],
                    vfs::mounts));
            String bindFailure = bind(vfs, config.binds());
            if (bindFailure != null) {
                return failed(bindFailure);
            }
            FdTable fds = new FdTable();
            fds.install(new HostStream(config.stdin(), "/dev/stdin", lock).open(0), false);
            fds.install(new HostStream(config.stdout(), "/dev/stdout", lock).open(1), false);
            fds.install(new HostStream(config.stderr(), "/dev/stderr", lock).open(1), false);
            lock.lock();
            try {
                SandboxProcess p = kernel.createInit(fds, vfs.root());
                init[0] = p;
                Vfs.Resolved workdir;
                try {
                    workdir = vfs.resolve(vfs.root(), config.workdir(), true);
                } catch (ErrnoException e) {
                    workdir = null;
                }
                if (workdir == null || !(workdir.name().isEmpty() || workdir.node() instanceof Directory)) {
                    return failed("working directory " + config.workdir() + " does not exist in the sandbox");
                }
                p.setCwd(workdir.location());
                String command = config.argv().getFirst();
                try {
                    String path = ProgramImage.search(p, command, config.env());
                    Task.Start start = ProgramImage.exec(p, path, config.argv(), config.env(), 0);
                    beforeStart.accept(p);
                    kernel.startTask(p, start, 0, p.pid());
                } catch (ErrnoException e) {
                    String why = e.errno() == Errno.ENOEXEC ? "is not an x86-64 Linux executable (or its ELF interpreter is missing or bad)"
                            : Errno.describe(e.errno()).toLowerCase();
                    return failed(command + ": " + why);
                } catch (ProgramTermination t) {
                    return new SandboxResult(t.exitCode(), t.signal(), t.getMessage(), 0, Map.of(), machine.exits(), 0, 0, false);
                } catch (OutOfFramesException | OutOfCpusException e) {
                    return failed(command + ": " + e.getMessage());
                }
            } finally {
                lock.unlock();
            }
            ProgramTermination end;
            try (HostInterrupt ignored = HostInterrupt.forward(kernel)) {
                end = kernel.awaitEnd();
            }
            PrintStream trace = config.strace();
            if (trace != null) {
                trace.println("+++ " + end.getMessage() + " +++");
            }
            String reason = end.getMessage();
            int stragglers = kernel.stragglers();
            if (stragglers > 0) {
                reason += " (" + stragglers + " task(s) did not stop when killed and were abandoned)";
            }
            if (kernel.bug() != null && !end.isKernelBug()) {
                // PID 1 had ended before the bug: the sandbox still reports it
                end = ProgramTermination.kernelBug(kernel.bug());
                reason = end.getMessage();
            }
            return new SandboxResult(end.exitCode(), end.signal(), reason, kernel.dispatcher().calls(),
                    kernel.dispatcher().unimplemented(), machine.exits(), init[0].space().faults(),
                    machine.cpus().stream().mapToLong(Cpu::shootdownFlushes).sum(), kernel.bug() != null);
        }
    }

    /**
     * Copies each host file of {@code files} into the writable layer at its sandbox path, making
     * missing parent directories: a copy at start, as the micro-VM takes it, so later host
     * changes are not seen. Returns why it could not, or null.
     */
    private static String copyIn(Vfs vfs, java.util.Map<String, java.nio.file.Path> files) {
        for (var e : files.entrySet()) {
            byte[] content;
            try {
                content = Files.readAllBytes(e.getValue());
            } catch (java.io.IOException | OutOfMemoryError ex) {
                return "files: cannot read " + e.getValue() + " for " + e.getKey() + ": " + ex.getMessage();
            }
            try {
                String[] parts = e.getKey().substring(1).split("/");
                StringBuilder at = new StringBuilder();
                for (int i = 0; i < parts.length - 1; i++) {
                    at.append('/').append(parts[i]);
                    Vfs.Resolved dir = vfs.resolve(vfs.root(), at.toString(), true);
                    if (dir.node() == null) {
                        vfs.mkdir(dir, 0755);
                    }
                }
                Vfs.Resolved target = vfs.resolve(vfs.root(), e.getKey(), false);
                if (target.node() instanceof Directory) {
                    return "files: " + e.getKey() + " is a directory in the root file system";
                }
                OpenFile f = vfs.createFile(target, 0644).open(1);
                try {
                    f.write(content, 0, content.length);
                } finally {
                    f.close();
                }
            } catch (ErrnoException ex) {
                return "files: cannot place " + e.getKey() + ": " + Errno.describe(ex.errno()).toLowerCase();
            }
        }
        return null;
    }

    /** Mounts each bind, in order (a later one may sit inside an earlier one). Returns why one could not be, or null. */
    private static String bind(Vfs vfs, java.util.List<SandboxConfig.Bind> binds) {
        for (SandboxConfig.Bind b : binds) {
            try {
                vfs.bind(b.target(), HostShare.bindSource(b.source(), b.readOnly()));
            } catch (java.io.IOException e) {
                return "bind " + b.source() + ":" + b.target() + ": " + e.getMessage();
            } catch (ErrnoException e) {
                return "bind " + b.source() + ":" + b.target() + ": cannot make the mount point: "
                        + Errno.describe(e.errno()).toLowerCase();
            }
        }
        return null;
    }

    private static SandboxResult failed(String why) {
        return new SandboxResult(127, 0, why, 0, Map.of(), 0, 0, 0, false);
    }
}
