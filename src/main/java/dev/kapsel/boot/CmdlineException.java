package dev.kapsel.boot;

/** A kernel command line that the kernel would not accept as given. One subclass per cause. */
public abstract sealed class CmdlineException extends Exception {
    private CmdlineException(String message) {
        super(message);
    }

    /** A character outside printable ASCII (NUL, control characters, non-ASCII). */
    public static final class NonPrintable extends CmdlineException {
        private final int index;

        public NonPrintable(int index, char c) {
            super(String.format("kernel command line: character 0x%02x at position %d is not printable ASCII",
                    (int) c, index));
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** Longer than the kernel's cmdline_size. */
    public static final class TooLong extends CmdlineException {
        private final int length;
        private final int capacity;

        public TooLong(int length, int capacity) {
            super(String.format("kernel command line is %d bytes, the kernel accepts at most %d", length, capacity));
            this.length = length;
            this.capacity = capacity;
        }

        public int length() {
            return length;
        }

        public int capacity() {
            return capacity;
        }
    }

    /** A key=value parameter whose key or value cannot be written unambiguously. */
    public static final class InvalidParameter extends CmdlineException {
        public InvalidParameter(String parameter, String why) {
            super("kernel command line parameter '" + parameter + "': " + why);
        }
    }
}
