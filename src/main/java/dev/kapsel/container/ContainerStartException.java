package dev.kapsel.container;

/** A container's VM or agent did not come up; the message carries the tail of the guest console. */
public final class ContainerStartException extends Exception {
    public ContainerStartException(String message) {
        super(message);
    }
}
