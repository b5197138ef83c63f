package dev.kapsel.boot;

/** An initial ramdisk could not be placed in guest memory. One subclass per cause; one-line messages. */
public abstract sealed class InitrdException extends Exception {
    private final String file;

    private InitrdException(String file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    public String file() {
        return file;
    }

    /** The initrd file does not exist. */
    public static final class NotFound extends InitrdException {
        public NotFound(String file) {
            super(file, "no such initrd file", null);
        }
    }

    /** The initrd file cannot be read. */
    public static final class Unreadable extends InitrdException {
        public Unreadable(String file, Throwable cause) {
            super(file, "cannot read initrd: " + cause.getMessage(), cause);
        }
    }

    /** The initrd file is empty. */
    public static final class Empty extends InitrdException {
        public Empty(String file) {
            super(file, "initrd is empty", null);
        }
    }

    /** No page-aligned space between the kernel and the initrd limit is large enough. */
    public static final class DoesNotFit extends InitrdException {
        private final long size;
        private final long available;

        public DoesNotFit(String file, long size, long available) {
            super(file, String.format("initrd of %d bytes does not fit: only %d bytes free between the kernel "
                    + "and the initrd limit; give the VM more memory or use a smaller initrd", size, available), null);
            this.size = size;
            this.available = available;
        }

        public long size() {
            return size;
        }

        public long available() {
            return available;
        }
    }
}
