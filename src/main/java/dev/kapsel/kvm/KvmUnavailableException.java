package dev.kapsel.kvm;

/** /dev/kvm cannot be used: missing, not permitted, or an API version kapsel does not speak. */
public final class KvmUnavailableException extends RuntimeException {
    public KvmUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
