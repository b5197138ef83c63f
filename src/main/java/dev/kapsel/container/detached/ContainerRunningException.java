package dev.kapsel.container.detached;

/** {@code rm} without {@code -f} on a container whose monitor still runs. */
public final class ContainerRunningException extends ContainerRegistryException {
    public ContainerRunningException(String name) {
        super("container " + name + " is running: stop it first ('kapsel stop " + name + "') or use 'kapsel rm -f'");
    }
}
