package dev.kapsel.sandbox;

import dev.kapsel.sandbox.fs.Directory;
import dev.kapsel.sandbox.fs.HostFile;
import dev.kapsel.sandbox.fs.MemoryFile;
import dev.kapsel.sandbox.fs.Node;
import dev.kapsel.sandbox.fs.OpenFile;
import dev.kapsel.sandbox.loader.ElfException;
import dev.kapsel.sandbox.loader.ElfLoader;
import dev.kapsel.sandbox.loader.InitialStack;
import dev.kapsel.sandbox.loader.LoadedProgram;
import dev.kapsel.sandbox.mm.AddressSpace;
import dev.kapsel.sandbox.mm.Vma;
import dev.kapsel.sys.Errno;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Puts a program into the process, as execve does: finds the file in the sandbox, handles "#!"
 * scripts, builds a fresh address space with the ELF image, stack and heap, closes close-on-exec
 * descriptors and starts the vCPU at the entry point.
 */
final class ProgramImage {
    private static final long MAX_PROGRAM = 512L << 20;
    private static final int MAX_INTERPRETER_DEPTH = 4;

    private ProgramImage() {}

    /** Finds {@code command} as execvp would, in {@code PATH} of {@code env} when it has no slash. */
    static String search(SandboxProcess p, String command, List<String> env) {
        if (command.contains("/")) {
            return command;
        }
        String path = dev.kapsel.host.DefaultPath.VALUE;
        for (String e : env) {
            if (e.startsWith("PATH=")) {
                path = e.substring(5);
            }
        }
        for (String dir : path.split(":")) {
            String candidate = (dir.isEmpty() ? "." : dir) + "/" + command;
            try {
                Node n = p.vfs().lookup(p.cwd(), candidate);
                if (!(n instanceof Directory) && (n.stat().mode() & 0111) != 0) {
                    return candidate;
                }
            } catch (ErrnoException e) {
                // next directory
            }
        }
        throw new ErrnoException(Errno.ENOENT);
    }

    /** Loads {@code path} into {@code p} and returns where it starts; ErrnoException before the point of no return. */
    static Task.Start exec(SandboxProcess p, String path, List<String> argv, List<String> env, int depth) {
        Node node = p.vfs().lookup(p.cwd(), path);
        if (node instanceof Directory) {
            throw new ErrnoException(Errno.EACCES);
        }
        if ((node.stat().mode() & 0111) == 0) {
            throw new ErrnoException(Errno.EACCES);
        }
        byte[] file = readAll(node);
        if (file.length > 2 && file[0] == '#' && file[1] == '!') {
            if (depth >= MAX_INTERPRETER_DEPTH) {
                throw new ErrnoException(Errno.ELOOP);
            }
            int nl = 2;
            while (nl < file.length && nl < 256 && file[nl] != '\n') {
                nl++;
            }
            String line = new String(file, 2, nl - 2, StandardCharsets.UTF_8).strip();
            if (line.isEmpty()) {
                throw new ErrnoException(Errno.ENOEXEC);
            }
            String[] parts = line.split("[ \t]+", 2);
            List<String> args = new ArrayList<>();
            args.add(parts[0]);
            if (parts.length > 1) {
                args.add(parts[1]);
            }
            args.add(path);
            args.addAll(argv.subList(Math.min(1, argv.size()), argv.size()));
            return exec(p, parts[0], args, env, depth + 1);
        }
        byte[] interpreter = null;
        String interpreterPath = null;
        try {
            dev.kapsel.sandbox.loader.ElfFile elf = dev.kapsel.sandbox.loader.ElfFile.parse(file);
            String interp = elf.interpreter(file);
            if (interp != null) {
                interpreterPath = interp;
                Node in = p.vfs().lookup(p.vfs().root(), interp);
                if (in instanceof Directory) {
                    throw new ErrnoException(Errno.EACCES);
                }
                interpreter = readAll(in);
                if (dev.kapsel.sandbox.loader.ElfFile.parse(interpreter).hasInterpreter()) {
                    throw new ErrnoException(Errno.ENOEXEC);
                }
            }
        } catch (ElfException e) {
            throw new ErrnoException(Errno.ENOEXEC);
        }
        // point of no return: the old image goes away, so a failure from here on kills the process
        try {
            AddressSpace space = new AddressSpace(p.machine());
            p.replaceSpace(space);
            LoadedProgram prog = ElfLoader.load(space, file, path);
            LoadedProgram interp = interpreter == null ? null
                    : ElfLoader.load(space, interpreter, interpreterPath, ElfLoader.INTERPRETER_BASE);
            space.insert(Vma.anonymous(AddressSpace.STACK_TOP - AddressSpace.STACK_SIZE, AddressSpace.STACK_TOP,
                    Vma.PROT_READ | Vma.PROT_WRITE, "[stack]"));
            space.initBrk(prog.imageEnd());
            byte[] random = new byte[16];
            dev.kapsel.sandbox.fs.CharDevice.random(random);
            long rsp = InitialStack.build(p.memory(), AddressSpace.STACK_TOP, argv, env, path, prog,
                    interp == null ? 0 : interp.bias(), 0x178bfbff, random);
            for (int fd : p.fds().open()) {
                if (p.fds().closeOnExec(fd)) {
                    p.fds().close(fd);
                }
            }
            p.setProgram(path, argv);
            long entry = interp == null ? prog.entry() : interp.entry();
            return new Task.Start(dev.kapsel.kvm.Regs.INITIAL.withRip(entry).withRsp(rsp).withRflags(0x202), 0);
        } catch (ErrnoException | ElfException | IllegalArgumentException e) {
            throw ProgramTermination.killed(Signals.SIGKILL, "execve of " + path + " failed after the old image was released: " + e.getMessage());
        }
    }

    private static byte[] readAll(Node node) {
        if (node instanceof HostFile h) {
            return h.readAll(MAX_PROGRAM);
        }
        if (node instanceof MemoryFile m) {
            byte[] b = new byte[(int) m.size()];
            m.read(0, b, 0, b.length);
            return b;
        }
        OpenFile f = node.open(0);
        long size = f.stat().size();
        if (size > MAX_PROGRAM) {
            throw new ErrnoException(Errno.E2BIG);
        }
        byte[] b = new byte[(int) size];
        int got = 0;
        while (got < b.length) {
            byte[] tmp = new byte[b.length - got];
            int n = f.pread(tmp, tmp.length, got);
            if (n <= 0) {
                break;
            }
            System.arraycopy(tmp, 0, b, got, n);
            got += n;
        }
        return b;
    }
}
