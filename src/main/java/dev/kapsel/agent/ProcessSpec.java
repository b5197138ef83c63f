package dev.kapsel.agent;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What START and EXEC ask the agent to run: the command, its environment, working directory, user,
 * groups, rlimits, the hostname (START only; empty leaves it alone), whether it gets a terminal and
 * of what size, and whether the host will send stdin. {@link #encode()} is the START/EXEC payload.
 */
public record ProcessSpec(List<String> argv, List<String> env, String cwd, int uid, int gid,
                          List<Integer> additionalGids, List<Rlimit> rlimits, String hostname,
                          boolean terminal, TerminalSize terminalSize, boolean stdin) {
    private static final int FLAG_TERMINAL = 0x01;
    private static final int FLAG_STDIN = 0x02;

    public ProcessSpec {
        argv = List.copyOf(argv);
        env = List.copyOf(env);
        additionalGids = List.copyOf(additionalGids);
        rlimits = List.copyOf(rlimits);
        Objects.requireNonNull(cwd, "cwd");
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(terminalSize, "terminalSize");
        if (argv.isEmpty() || argv.getFirst().isEmpty()) {
            throw new IllegalArgumentException("a process needs a command: argv is empty");
        }
        argv.forEach(a -> checkString("argument", a));
        for (String e : env) {
            checkString("environment entry", e);
            if (e.indexOf('=') <= 0) {
                throw new IllegalArgumentException("environment entry '" + e + "' is not NAME=VALUE");
            }
        }
        checkString("working directory", cwd);
        if (!cwd.isEmpty() && !cwd.startsWith("/")) {
            throw new IllegalArgumentException("working directory must be absolute, not '" + cwd + "'");
        }
        checkString("hostname", hostname);
        if (hostname.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 64) {
            throw new IllegalArgumentException("hostname is longer than 64 bytes");
        }
        if (uid == -1 || gid == -1) {
            throw new IllegalArgumentException("uid and gid 4294967295 are reserved (they mean 'unchanged')");
        }
        if (additionalGids.size() > 65536) {
            throw new IllegalArgumentException("more than 65536 additional groups");
        }
    }

    /** Rejects what cannot be a C string in UTF-8: NUL bytes and unpaired surrogates. */
    private static void checkString(String what, String s) {
        Objects.requireNonNull(s, what);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw new IllegalArgumentException(what + " contains a NUL character");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw new IllegalArgumentException(what + " contains an unpaired surrogate");
            }
        }
    }

    /** A builder for argv, running as root in / with no environment. */
    public static Builder of(String... argv) {
        return new Builder(List.of(argv));
    }

    /** The START/EXEC payload (layout in docs/agent-protocol.md). */
    public byte[] encode() {
        PayloadWriter w = new PayloadWriter()
                .u8((terminal ? FLAG_TERMINAL : 0) | (stdin ? FLAG_STDIN : 0))
                .u16(terminalSize.rows())
                .u16(terminalSize.cols())
                .u32(uid)
                .u32(gid)
                .u32(additionalGids.size());
        additionalGids.forEach(w::u32);
        w.strings(argv).strings(env).string(cwd).string(hostname).u32(rlimits.size());
        for (Rlimit r : rlimits) {
            w.u32(r.resource()).u64(r.soft()).u64(r.hard());
        }
        return w.toByteArray();
    }

    /** Parses a START/EXEC payload; structural defects are {@link MalformedPayloadException}s. */
    public static ProcessSpec decode(byte[] payload) throws MalformedPayloadException {
        PayloadReader r = new PayloadReader(payload, "process spec");
        int flags = r.u8();
        if ((flags & ~(FLAG_TERMINAL | FLAG_STDIN)) != 0) {
            throw new MalformedPayloadException(String.format("process spec has unknown flags 0x%02x", flags));
        }
        TerminalSize size = new TerminalSize(r.u16(), r.u16());
        int uid = r.u32();
        int gid = r.u32();
        int ngroups = r.count(4, "additional gids");
        List<Integer> groups = new ArrayList<>(ngroups);
        for (int i = 0; i < ngroups; i++) {
            groups.add(r.u32());
        }
        List<String> argv = r.strings("argv");
        List<String> env = r.strings("env");
        String cwd = r.string("cwd");
        String hostname = r.string("hostname");
        int nlimits = r.count(20, "rlimits");
        List<Rlimit> limits = new ArrayList<>(nlimits);
        for (int i = 0; i < nlimits; i++) {
            int resource = r.u32();
            long soft = r.u64();
            long hard = r.u64();
            try {
                limits.add(new Rlimit(resource, soft, hard));
            } catch (IllegalArgumentException e) {
                throw new MalformedPayloadException("process spec: " + e.getMessage());
            }
        }
        r.end();
        try {
            return new ProcessSpec(argv, env, cwd, uid, gid, groups, limits, hostname, (flags & FLAG_TERMINAL) != 0,
                    size, (flags & FLAG_STDIN) != 0);
        } catch (IllegalArgumentException e) {
            throw new MalformedPayloadException("process spec: " + e.getMessage());
        }
    }

    /** Collects a spec's fields; everything but argv has a default. */
    public static final class Builder {
        private final List<String> argv;
        private final List<String> env = new ArrayList<>();
        private String cwd = "/";
        private int uid;
        private int gid;
        private final List<Integer> groups = new ArrayList<>();
        private final List<Rlimit> rlimits = new ArrayList<>();
        private String hostname = "";
        private boolean terminal;
        private TerminalSize size = TerminalSize.DEFAULT;
        private boolean stdin;

        private Builder(List<String> argv) {
            this.argv = argv;
        }

        /** Adds NAME=VALUE entries. */
        public Builder env(String... entries) {
            env.addAll(List.of(entries));
            return this;
        }

        public Builder cwd(String dir) {
            cwd = dir;
            return this;
        }

        public Builder user(int uid, int gid, Integer... additionalGids) {
            this.uid = uid;
            this.gid = gid;
            groups.clear();
            groups.addAll(List.of(additionalGids));
            return this;
        }

        public Builder rlimit(Rlimit limit) {
            rlimits.add(limit);
            return this;
        }

        public Builder hostname(String name) {
            hostname = name;
            return this;
        }

        /** Gives the process a pseudo-terminal of this size for stdin, stdout and stderr. */
        public Builder terminal(TerminalSize initialSize) {
            terminal = true;
            size = initialSize;
            return this;
        }

        /** The host will send stdin; without this the process reads /dev/null (or its idle terminal). */
        public Builder stdin() {
            stdin = true;
            return this;
        }

        public ProcessSpec build() {
            return new ProcessSpec(argv, env, cwd, uid, gid, groups, rlimits, hostname, terminal, size, stdin);
        }
    }
}
