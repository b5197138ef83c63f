package dev.kapsel.boot;

import dev.kapsel.arch.x86.Layout;
import dev.kapsel.memory.GuestMemory;
import java.nio.charset.StandardCharsets;

/**
 * The Linux kernel command line: space-separated parameters in printable ASCII, at most the
 * kernel's {@code cmdline_size} bytes, written NUL-terminated at {@link Layout#CMDLINE}.
 * Every append is validated, so an instance always holds a line the kernel will take.
 */
public final class KernelCmdline {
    private final int capacity;
    private final StringBuilder line = new StringBuilder();

    /** An empty command line of at most {@code capacity} bytes (without the NUL). */
    public KernelCmdline(int capacity) {
        if (capacity < 1 || capacity > Layout.CMDLINE_MAX - 1) {
            throw new IllegalArgumentException("command line capacity must be 1.." + (Layout.CMDLINE_MAX - 1));
        }
        this.capacity = capacity;
    }

    /** An empty command line sized for this kernel (its cmdline_size, or 2048 for a vmlinux). */
    public static KernelCmdline forKernel(LoadedKernel kernel) {
        return new KernelCmdline(Math.min(kernel.cmdlineSize(), Layout.CMDLINE_MAX - 1));
    }

    public int capacity() {
        return capacity;
    }

    /** Appends raw text (one or more parameters), separated from what is there by a space. */
    public KernelCmdline append(String text) throws CmdlineException {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c > 0x7e) {
                throw new CmdlineException.NonPrintable(line.length() + (line.isEmpty() ? 0 : 1) + i, c);
            }
        }
        String trimmed = text.strip();
        if (trimmed.isEmpty()) {
            return this;
        }
        int newLength = line.length() + (line.isEmpty() ? 0 : 1) + trimmed.length();
        if (newLength > capacity) {
            throw new CmdlineException.TooLong(newLength, capacity);
        }
        if (!line.isEmpty()) {
            line.append(' ');
        }
        line.append(trimmed);
        return this;
    }

    /** Appends {@code key=value}; a value with spaces is double-quoted as the kernel parser expects. */
    public KernelCmdline put(String key, String value) throws CmdlineException {
        if (key.isEmpty() || key.chars().anyMatch(c -> c == ' ' || c == '=' || c == '"')) {
            throw new CmdlineException.InvalidParameter(key, "key must be non-empty, without spaces, '=' or '\"'");
        }
        if (value.indexOf('"') >= 0) {
            throw new CmdlineException.InvalidParameter(key, "value must not contain '\"'");
        }
        return append(key + "=" + (value.indexOf(' ') >= 0 ? "\"" + value + "\"" : value));
    }

    /** The line as the kernel will see it. */
    public String asString() {
        return line.toString();
    }

    /** The bytes to write into guest memory, with the terminating NUL. */
    public byte[] toBytes() {
        byte[] text = line.toString().getBytes(StandardCharsets.US_ASCII);
        byte[] out = new byte[text.length + 1];
        System.arraycopy(text, 0, out, 0, text.length);
        return out;
    }

    /** Writes the NUL-terminated line at {@link Layout#CMDLINE}; returns its length without NUL. */
    public int writeTo(GuestMemory memory) {
        byte[] bytes = toBytes();
        memory.write(Layout.CMDLINE, bytes);
        return bytes.length - 1;
    }

    @Override
    public String toString() {
        return line.toString();
    }
}
