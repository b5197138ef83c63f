package dev.kapsel.vmm;

/**
 * A micro-VM could not be built: its kernel, initrd or command line were unusable, or memory could not
 * be set up. The message is one line for the user; the cause keeps the typed detail.
 */
public final class VmSetupException extends Exception {
    public VmSetupException(String message, Throwable cause) {
        super(message, cause);
    }
}
