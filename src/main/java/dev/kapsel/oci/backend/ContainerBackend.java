package dev.kapsel.oci.backend;

import dev.kapsel.oci.spec.OciConfig;
import dev.kapsel.oci.state.ContainerRecord;
import java.util.List;

/**
 * An isolation that runs a container's processes. The OCI front end (state, process model, engine
 * protocol) is the same for every backend; a backend only checks a config, says what it cannot
 * honour, and runs one process to its end inside the container monitor (or the {@code exec} process).
 *
 * <p>Contract for {@link #run}: it blocks until the process ends and returns the status a shell
 * would see (the exit code, or 128+N when signal N ended it); the process's stdio are the host file
 * descriptors in the launch. A backend that can deliver signals into the container returns true
 * from {@link #handlesSignals()}; the monitor then catches the host signals {@code kill} sends and
 * calls {@link #signal}. Otherwise the monitor keeps the default signal actions, so a terminating
 * signal ends the monitor, and with it the container, at once with that signal.
 */
public interface ContainerBackend {
    /** The value of the {@code dev.kapsel.isolation} annotation that selects this backend. */
    String name();

    /**
     * Refuses, with an {@link dev.kapsel.oci.UnsupportedConfigException}, a config this backend cannot
     * run at all. Called by {@code create} before anything is created.
     */
    void check(ContainerLaunch launch);

    /** What the config asks for that this backend will not honour, one line each, reported once by {@code create}. */
    List<String> limitations(OciConfig config);

    /** Runs the launch's process to its end; returns its exit status. */
    int run(ContainerLaunch launch);

    default boolean handlesSignals() {
        return false;
    }

    /**
     * Removes what this backend keeps for the container outside its state directory (which
     * {@code delete} removes with everything in it); called by {@code delete} after the monitor ended.
     */
    default void delete(ContainerRecord record) {}

    /** Delivers {@code signal} to the running process; only called when {@link #handlesSignals()}. */
    default void signal(int signal) {
        throw new UnsupportedOperationException(name() + " backend does not deliver signals");
    }
}
