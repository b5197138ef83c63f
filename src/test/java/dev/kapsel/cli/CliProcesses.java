package dev.kapsel.cli;

import dev.kapsel.image.ImageStore;
import dev.kapsel.testing.BusyboxImage;
import dev.kapsel.testing.Guest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The kapsel command as a process of its own over a state directory of a test's, with the busybox image loaded. */
final class CliProcesses {
    private CliProcesses() {}

    /** Loads {@link BusyboxImage} into {@code state}'s image store. */
    static void loadBusybox(Path state) throws Exception {
        ImageStore.open(state.resolve("images")).load(BusyboxImage.writeLayout(Files.createDirectory(state.resolve("layout"))), null);
    }

    /** {@code kapsel ARGS} over {@code state}, with {@code env} added to this process's environment. */
    static Guest.Result kapsel(Path state, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", ImageStoreProcessesTest.classPath(),
                "-Dkapsel.state.dir=" + state, Main.class.getName()));
        cmd.addAll(List.of(args));
        return Guest.run(cmd, env);
    }
}
