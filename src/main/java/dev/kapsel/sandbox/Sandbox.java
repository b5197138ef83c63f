package dev.kapsel.sandbox;

import dev.kapsel.kvm.Regs;
import dev.kapsel.memory.GuestMemoryException;
import dev.kapsel.sandbox.fs.HostStream;
import dev.kapsel.sandbox.fs.UpperQuota;
import dev.kapsel.sandbox.fs.Vfs;
import dev.kapsel.sandbox.machine.KernelLayout;
import dev.kapsel.sandbox.machine.Machine;
import dev.kapsel.sandbox.machine.OutOfFramesException;
import dev.kapsel.sandbox.machine.Trap;
import dev.kapsel.sandbox.machine.Vectors;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.syscall.Arg;
import dev.kapsel.sandbox.syscall.FileSyscalls;
import dev.kapsel.sandbox.syscall.MemorySyscalls;
import dev.kapsel.sandbox.syscall.ProcessSyscalls;
import dev.kapsel.sandbox.syscall.Strace;
import dev.kapsel.sandbox.syscall.SyscallDispatcher;
import dev.kapsel.sandbox.syscall.SyscallTable;
import dev.kapsel.sandbox.syscall.TimeSyscalls;
import dev.kapsel.sys.Errno;
import java.io.PrintStream;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs one unmodified static Linux x86-64 program in a KVM virtual machine at user level, with
 * every system call, page fault and exception served by the Java kernel in this package. The
 * facade: a {@link SandboxConfig} in, a {@link SandboxResult} out; nothing the program does can
 * make it throw (a failure of the machine itself ends the program with SIGKILL and a reason).
 */
public final class Sandbox {
    private Sandbox() {}

    public static SandboxResult run(SandboxConfig config) {
        if (!Files.isDirectory(config.rootfs())) {
            throw new IllegalArgumentException("root file system " + config.rootfs() + " is not a directory");
        }
        long memory = config.limits().memoryBytes() + 16L * KernelLayout.LARGE_PAGE_SIZE;
        memory = Math.min(KernelLayout.MAX_MEMORY, (memory + KernelLayout.LARGE_PAGE_SIZE - 1) & ~(KernelLayout.LARGE_PAGE_SIZE - 1));
        try (Machine machine = Machine.create(memory)) {
            UpperQuota quota = new UpperQuota(config.limits().upperLayerBytes());
            Vfs vfs = new Vfs(config.rootfs(), quota);
            AddressSpace initial = new AddressSpace(machine);
            SandboxProcess p = new SandboxProcess(machine, initial, vfs, config.limits());
            vfs.mount("dev", SandboxFiles.dev(new HostStream(config.stdout(), "/dev/tty"), quota));
            vfs.mount("proc", SandboxFiles.proc(p));
            p.fds().install(new HostStream(config.stdin(), "/dev/stdin").open(0), false);
            p.fds().install(new HostStream(config.stdout(), "/dev/stdout").open(1), false);
            p.fds().install(new HostStream(config.stderr(), "/dev/stderr").open(1), false);
            try {
                p.setCwd(vfs.resolve(vfs.root(), config.workdir(), true).location());
            } catch (ErrnoException | ClassCastException | NullPointerException e) {
                return failed(config, "working directory " + config.workdir() + " does not exist in the sandbox");
            }
            SyscallTable table = new SyscallTable();
            new FileSyscalls(p).register(table);
            new MemorySyscalls(p).register(table);
            new ProcessSyscalls(p).register(table);
            new TimeSyscalls(p).register(table);
            table.define(59, "execve", (a, b, c, d, e, f) -> execve(p, a, b, c), Arg.PATH, Arg.HEX, Arg.HEX);
            Children children = new Children();
            table.define(56, "clone", (a, b, c, d, e, f) -> {
                Children.check(a);
                throw new Children.ForkRequest(a, b, c, d);
            }, Arg.FLAGS, Arg.HEX, Arg.HEX, Arg.HEX, Arg.HEX);
            table.define(57, "fork", (a, b, c, d, e, f) -> { throw new Children.ForkRequest(17, 0, 0, 0); });
            table.define(58, "vfork", (a, b, c, d, e, f) -> { throw new Children.ForkRequest(0x4111, 0, 0, 0); });
            table.define(61, "wait4", (a, b, c, d, e, f) -> children.wait4(p, a, b, c), Arg.INT, Arg.HEX, Arg.FLAGS, Arg.HEX);
            Strace strace = config.strace() != null ? new Strace(config.strace(), p.memory()) : null;
            SyscallDispatcher dispatcher = new SyscallDispatcher(table, strace);

            String command = config.argv().getFirst();
            try {
                String path = ProgramImage.search(p, command, config.env());
                ProgramImage.exec(p, path, config.argv(), config.env(), 0);
            } catch (ErrnoException e) {
                String why = e.errno() == Errno.ENOEXEC ? "is not a static x86-64 executable (dynamic programs come in part 2)"
                        : Errno.describe(e.errno()).toLowerCase();
                return failed(config, command + ": " + why);
            } catch (ProgramTermination t) {
                return new SandboxResult(t.exitCode(), t.signal(), t.getMessage(), 0, java.util.Map.of(), machine.exits(), 0);
            }
            return loop(machine, p, dispatcher, children, config);
        }
    }

    private static SandboxResult failed(SandboxConfig config, String why) {
        return new SandboxResult(127, 0, why, 0, java.util.Map.of(), 0, 0);
    }

    private static long execve(SandboxProcess p, long pathAddress, long argvAddress, long envAddress) {
        String path = p.memory().readPath(pathAddress);
        List<String> argv = stringArray(p, argvAddress);
        List<String> env = stringArray(p, envAddress);
        ProgramImage.exec(p, path, argv, env, 0);
        throw new ProgramImage.Replaced();
    }

    private static List<String> stringArray(SandboxProcess p, long address) {
        List<String> out = new ArrayList<>();
        if (address == 0) {
            return out;
        }
        long total = 0;
        for (int i = 0; ; i++) {
            if (i > 65536) {
                throw new ErrnoException(Errno.E2BIG);
            }
            long s = p.memory().readU64(address + 8L * i);
            if (s == 0) {
                return out;
            }
            String str = p.memory().readCString(s, 128 << 10);
            total += str.length() + 1;
            if (total > (2 << 20)) {
                throw new ErrnoException(Errno.E2BIG);
            }
            out.add(str);
        }
    }

    private static SandboxResult loop(Machine machine, SandboxProcess p, SyscallDispatcher dispatcher, Children children,
                                      SandboxConfig config) {
        ProgramTermination end;
        while (true) {
            try {
                Trap trap = machine.next();
                switch (trap) {
                    case Trap.Syscall s -> {
                        long result;
                        try {
                            result = dispatcher.dispatch(s.regs());
                        } catch (ProgramImage.Replaced r) {
                            continue;
                        } catch (Children.ForkRequest f) {
                            children.fork(p, machine, s.regs(), f);
                            continue;
                        } catch (GuestMemoryException | ArithmeticException | IndexOutOfBoundsException e) {
                            result = -Errno.EFAULT;
                        } catch (OutOfFramesException e) {
                            result = -Errno.ENOMEM;
                        }
                        machine.resumeFromSyscall(s.regs(), result);
                    }
                    case Trap.Exception e -> handleException(machine, p, e);
                    case Trap.MachineFailure f -> throw ProgramTermination.killed(Signals.SIGKILL, "sandbox machine failure: " + f.reason());
                }
            } catch (ProgramTermination t) {
                if (children.inChild()) {
                    children.childEnded(p, machine, t);
                    continue;
                }
                end = t;
                break;
            } catch (OutOfFramesException e) {
                if (children.inChild()) {
                    children.childEnded(p, machine, ProgramTermination.killed(Signals.SIGKILL, "out of memory"));
                    continue;
                }
                end = ProgramTermination.killed(Signals.SIGKILL, "out of memory: " + e.getMessage());
                break;
            } catch (RuntimeException e) {
                end = ProgramTermination.killed(Signals.SIGKILL, "sandbox kernel error: " + e);
                break;
            }
        }
        p.fds().closeAll();
        PrintStream trace = config.strace();
        if (trace != null) {
            trace.println("+++ " + end.getMessage() + " +++");
        }
        return new SandboxResult(end.exitCode(), end.signal(), end.getMessage(), dispatcher.calls(),
                dispatcher.unimplemented(), machine.exits(), p.space().faults());
    }

    private static void handleException(Machine machine, SandboxProcess p, Trap.Exception e) {
        Regs r = e.regs();
        if (e.vector() == Vectors.PAGE_FAULT) {
            boolean write = (e.errorCode() & Vectors.PF_WRITE) != 0;
            boolean exec = (e.errorCode() & Vectors.PF_INSTRUCTION) != 0;
            if (e.faultAddress() >= 0 && e.faultAddress() < KernelLayout.USER_END
                    && p.space().handleFault(e.faultAddress(), write, exec)) {
                machine.resumeFromException(r);
                return;
            }
            throw ProgramTermination.killed(Signals.SIGSEGV, String.format(
                    "killed by SIGSEGV: %s of address 0x%x at rip 0x%x", exec ? "execution" : write ? "write" : "read",
                    e.faultAddress(), r.rip()));
        }
        int sig = switch (e.vector()) {
            case Vectors.DIVIDE_ERROR, Vectors.X87_FPU, Vectors.SIMD_FPU -> Signals.SIGFPE;
            case Vectors.DEBUG, Vectors.BREAKPOINT -> Signals.SIGTRAP;
            case Vectors.INVALID_OPCODE, Vectors.DEVICE_NOT_AVAILABLE -> Signals.SIGILL;
            case Vectors.ALIGNMENT_CHECK, Vectors.STACK_FAULT, Vectors.SEGMENT_NOT_PRESENT -> Signals.SIGBUS;
            default -> Signals.SIGSEGV; // #GP (privileged instructions, non-canonical addresses), #OF, #BR
        };
        throw ProgramTermination.killed(sig, String.format("killed by %s: %s at rip 0x%x", Signals.name(sig),
                Vectors.name(e.vector()), r.rip()));
    }
}
