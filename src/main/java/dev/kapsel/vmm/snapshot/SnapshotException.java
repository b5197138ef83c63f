package dev.kapsel.vmm.snapshot;

/**
 * A snapshot that cannot be taken or loaded, with a one-line reason naming the file and the cause.
 * The subclasses say which check refused it.
 */
public sealed class SnapshotException extends Exception {
    SnapshotException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The state file does not start with the snapshot magic: not a kapsel snapshot state file. */
    public static final class NotASnapshot extends SnapshotException {
        NotASnapshot(String message) {
            super(message, null);
        }
    }

    /** The state file was written by a kapsel with another state format version. */
    public static final class WrongVersion extends SnapshotException {
        WrongVersion(String message) {
            super(message, null);
        }
    }

    /** The state file is cut short, its checksum does not match, or its body does not parse. */
    public static final class Corrupt extends SnapshotException {
        Corrupt(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The snapshot's guest uses CPU features this host's KVM does not offer. */
    public static final class CpuMismatch extends SnapshotException {
        CpuMismatch(String message) {
            super(message, null);
        }
    }

    /** The memory file does not match the state file (its length is not the guest's RAM). */
    public static final class MemoryFile extends SnapshotException {
        MemoryFile(String message) {
            super(message, null);
        }
    }

    /** Reading or writing a snapshot file, or making the VM again, failed. */
    public static final class Io extends SnapshotException {
        Io(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
