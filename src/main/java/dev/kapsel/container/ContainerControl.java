package dev.kapsel.container;

/**
 * What a container's monitor lets other processes do to the running container through its
 * {@link ControlServer}: hold it, let it go on, and say where it is. The server knows only this, not
 * how the container is isolated; {@link MicroVmControl} is the micro-VM's.
 *
 * <p>A method refuses by throwing: the exception's message becomes the {@code error} answer, so it
 * should read as one line a user understands ("the micro-VM is stopped").
 */
public interface ContainerControl {
    void pause() throws Exception;

    void resume() throws Exception;

    /** The current state as one lower-case word ({@code running}, {@code paused}, ...). */
    String state();
}
