package dev.kapsel.state;

/**
 * A device whose run-time state a snapshot carries (what its configuration does not say: registers,
 * buffers, a target the guest was given). {@link #restoreState} runs on a device made afresh from the
 * same configuration, before the VM runs, and reads exactly what {@link #saveState} wrote.
 */
public interface Persistent {
    void saveState(StateWriter out);

    void restoreState(StateReader in);
}
