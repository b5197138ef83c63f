package dev.kapsel.container.detached;

import dev.kapsel.container.record.ContainerRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * A separate process for {@link ContainerRegistryProcessesTest}: waits until the file named by
 * {@code args[1]} exists (so that all contenders start together), then tries to create the container
 * named {@code args[2]} in the registry at {@code args[0]}. Prints "won ID" or "lost".
 */
public final class CreateNamedContainer {
    private CreateNamedContainer() {}

    public static void main(String[] args) throws Exception {
        Path go = Path.of(args[1]);
        while (!java.nio.file.Files.exists(go)) {
            Thread.sleep(5);
        }
        try {
            ContainerRecord c = new ContainerRegistry(Path.of(args[0]), Clock.systemUTC()).create(args[2], "img", List.of(), "vm", false);
            System.out.println("won " + c.id());
        } catch (NameInUseException e) {
            System.out.println("lost");
        }
    }
}
