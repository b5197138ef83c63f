package dev.kapsel.sandbox.loader;

import dev.kapsel.sandbox.mm.UserMemory;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the stack a Linux program starts with, top-down: the strings of argv and envp, 16 random
 * bytes for AT_RANDOM, the platform string, then (16-byte aligned) argc, argv[], NULL, envp[], NULL
 * and the auxiliary vector. Returns the initial RSP.
 */
public final class InitialStack {
    public static final int AT_NULL = 0, AT_PHDR = 3, AT_PHENT = 4, AT_PHNUM = 5, AT_PAGESZ = 6, AT_BASE = 7,
            AT_FLAGS = 8, AT_ENTRY = 9, AT_UID = 11, AT_EUID = 12, AT_GID = 13, AT_EGID = 14, AT_PLATFORM = 15,
            AT_HWCAP = 16, AT_CLKTCK = 17, AT_SECURE = 23, AT_RANDOM = 25, AT_HWCAP2 = 26, AT_EXECFN = 31,
            AT_MINSIGSTKSZ = 51;
    /** Args and environment beyond this many bytes fail with E2BIG, as Linux's ARG_MAX would. */
    public static final int MAX_STRINGS = 2 << 20;

    private InitialStack() {}

    public static long build(UserMemory mem, long stackTop, List<String> argv, List<String> envp, String execfn,
                             LoadedProgram program, int hwcap, byte[] random16) {
        return build(mem, stackTop, argv, envp, execfn, program, 0, hwcap, random16);
    }

    /** As above, with AT_BASE = {@code interpreterBase} (0 for a static program). */
    public static long build(UserMemory mem, long stackTop, List<String> argv, List<String> envp, String execfn,
                             LoadedProgram program, long interpreterBase, int hwcap, byte[] random16) {
        long sp = stackTop;
        ByteArrayOutputStream strings = new ByteArrayOutputStream();
        List<Integer> argOffsets = new ArrayList<>();
        List<Integer> envOffsets = new ArrayList<>();
        for (String a : argv) {
            argOffsets.add(strings.size());
            strings.writeBytes(a.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
        }
        for (String e : envp) {
            envOffsets.add(strings.size());
            strings.writeBytes(e.getBytes(StandardCharsets.UTF_8));
            strings.write(0);
        }
        int execfnOffset = strings.size();
        strings.writeBytes(execfn.getBytes(StandardCharsets.UTF_8));
        strings.write(0);
        int platformOffset = strings.size();
        strings.writeBytes("x86_64\0".getBytes(StandardCharsets.US_ASCII));
        if (strings.size() > MAX_STRINGS) {
            throw new IllegalArgumentException("arguments and environment exceed " + MAX_STRINGS + " bytes");
        }
        byte[] s = strings.toByteArray();
        sp -= s.length;
        long stringsAt = sp;
        mem.write(stringsAt, s);
        sp -= 16;
        long randomAt = sp;
        mem.write(randomAt, random16);

        long[][] auxv = {
            {AT_PHDR, program.phdrAddress()}, {AT_PHENT, 56}, {AT_PHNUM, program.phnum()}, {AT_PAGESZ, 4096},
            {AT_BASE, interpreterBase}, {AT_FLAGS, 0}, {AT_ENTRY, program.entry()}, {AT_UID, 0}, {AT_EUID, 0}, {AT_GID, 0},
            {AT_EGID, 0}, {AT_SECURE, 0}, {AT_RANDOM, randomAt}, {AT_HWCAP, hwcap & 0xffffffffL}, {AT_HWCAP2, 0},
            {AT_CLKTCK, 100}, {AT_PLATFORM, stringsAt + platformOffset}, {AT_EXECFN, stringsAt + execfnOffset},
            {AT_MINSIGSTKSZ, 2048}, {AT_NULL, 0},
        };
        int words = 1 + argv.size() + 1 + envp.size() + 1 + auxv.length * 2;
        sp = (sp - words * 8L) & ~15L;
        long p = sp;
        mem.writeU64(p, argv.size());
        p += 8;
        for (int o : argOffsets) {
            mem.writeU64(p, stringsAt + o);
            p += 8;
        }
        mem.writeU64(p, 0);
        p += 8;
        for (int o : envOffsets) {
            mem.writeU64(p, stringsAt + o);
            p += 8;
        }
        mem.writeU64(p, 0);
        p += 8;
        for (long[] a : auxv) {
            mem.writeU64(p, a[0]);
            mem.writeU64(p + 8, a[1]);
            p += 16;
        }
        return sp;
    }
}
