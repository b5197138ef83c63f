package dev.kapsel.sandbox.machine;

/** The sandbox used all the memory its limit allows. */
public final class OutOfFramesException extends RuntimeException {
    public OutOfFramesException(long limit) {
        super("the sandbox used all of its " + (limit >> 20) + " MiB of memory (raise it with --memory)");
    }
}
