package dev.kapsel.sandbox.syscall;

import dev.kapsel.sandbox.ErrnoException;
import dev.kapsel.sandbox.mm.UserMemory;
import dev.kapsel.sys.Errno;
import java.io.PrintStream;

/** Prints each system call with decoded arguments and its result, in strace's format. */
public final class Strace {
    private static final int AT_FDCWD = -100;
    private static final int SHOWN_BYTES = 32;
    private final PrintStream out;
    private final UserMemory memory;

    public Strace(PrintStream out, UserMemory memory) {
        this.out = out;
        this.memory = memory;
    }

    /** The call as text before it runs (paths and input buffers are read now). */
    public String describe(String name, Arg[] kinds, long[] a) {
        StringBuilder b = new StringBuilder(name).append('(');
        for (int i = 0; i < kinds.length; i++) {
            if (i > 0) {
                b.append(", ");
            }
            b.append(format(kinds[i], a[i], i + 1 < a.length ? a[i + 1] : 0));
        }
        return b.append(')').toString();
    }

    private String format(Arg kind, long v, long next) {
        return switch (kind) {
            case INT -> Long.toString(v);
            case HEX -> v == 0 ? "NULL" : "0x" + Long.toHexString(v);
            case FLAGS -> "0x" + Long.toHexString(v);
            case OCT -> "0" + Long.toOctalString(v);
            case FD -> (int) v == AT_FDCWD ? "AT_FDCWD" : Integer.toString((int) v);
            case PATH -> {
                try {
                    yield quote(memory.readPath(v).getBytes(java.nio.charset.StandardCharsets.UTF_8), Integer.MAX_VALUE);
                } catch (ErrnoException e) {
                    yield "0x" + Long.toHexString(v);
                }
            }
            case BUF_IN -> {
                try {
                    int n = (int) Math.max(0, Math.min(next, SHOWN_BYTES));
                    yield quote(memory.read(v, n), SHOWN_BYTES) + (next > SHOWN_BYTES ? "..." : "");
                } catch (ErrnoException e) {
                    yield "0x" + Long.toHexString(v);
                }
            }
        };
    }

    static String quote(byte[] bytes, int max) {
        StringBuilder b = new StringBuilder("\"");
        for (int i = 0; i < bytes.length && i < max; i++) {
            int c = bytes[i] & 0xff;
            switch (c) {
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                default -> {
                    if (c >= 0x20 && c < 0x7f) {
                        b.append((char) c);
                    } else {
                        b.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    public void print(String call, long result) {
        if (result < 0 && result > -4096) {
            int errno = (int) -result;
            out.println(call + " = -1 " + Errno.name(errno) + " (" + Errno.describe(errno) + ")");
        } else if (Math.abs(result) > 0xffff) {
            out.println(call + " = 0x" + Long.toHexString(result));
        } else {
            out.println(call + " = " + result);
        }
    }

    public void printUnfinished(String call, String how) {
        out.println(call + " = ? " + how);
    }
}
