package dev.kapsel.boot;

/**
 * A guest kernel image could not be loaded. One subclass per cause; the message is one line that
 * names the file and the problem, e.g. {@code "/boot/vmlinuz: truncated: ..."}.
 */
public abstract sealed class KernelLoadException extends Exception {
    private final String file;

    private KernelLoadException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    /** The file (or name of the image) that failed to load. */
    public String file() {
        return file;
    }

    /** The file does not exist. */
    public static final class NotFound extends KernelLoadException {
        public NotFound(String file) {
            super(file, "no such kernel image file", null);
        }
    }

    /** The file exists but cannot be read (permissions, a directory, an I/O error). */
    public static final class Unreadable extends KernelLoadException {
        public Unreadable(String file, Throwable cause) {
            super(file, "cannot read kernel image: " + cause.getMessage(), cause);
        }
    }

    /** The file is empty. */
    public static final class Empty extends KernelLoadException {
        public Empty(String file) {
            super(file, "kernel image is empty", null);
        }
    }

    /** Neither an ELF64 vmlinux nor a bzImage. */
    public static final class NotAKernel extends KernelLoadException {
        public NotAKernel(String file) {
            super(file, "not a Linux kernel: no ELF magic and no bzImage 'HdrS' header", null);
        }
    }

    /** The file ends before a structure its headers describe. */
    public static final class Truncated extends KernelLoadException {
        public Truncated(String file, String what) {
            super(file, "truncated: " + what, null);
        }
    }

    /** A recognised kernel that kapsel cannot boot: 32-bit only, wrong machine, too old a protocol. */
    public static final class Unsupported extends KernelLoadException {
        public Unsupported(String file, String what) {
            super(file, "unsupported kernel: " + what, null);
        }
    }

    /** Headers that contradict themselves (file size larger than memory size, entry outside the image...). */
    public static final class Malformed extends KernelLoadException {
        public Malformed(String file, String what) {
            super(file, "malformed kernel image: " + what, null);
        }
    }

    /** The kernel would be placed outside guest RAM or over the boot structures below 1 MiB. */
    public static final class DoesNotFit extends KernelLoadException {
        public DoesNotFit(String file, String what) {
            super(file, "kernel does not fit in guest memory: " + what, null);
        }
    }
}
