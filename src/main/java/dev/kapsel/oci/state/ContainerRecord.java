package dev.kapsel.oci.state;

import dev.kapsel.host.ProcessIdentity;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/**
 * What kapsel keeps about one container in {@code ROOT/ID/state.json}: the runtime specification's
 * state plus the monitor's identity (PID and start time, so a reused PID is not taken for it), the
 * backend, the exit status once known, and for the micro-VM backend the Unix socket of the VM's vsock
 * device (where {@code exec} reaches the guest agent) once the container's process runs.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record ContainerRecord(String id, ContainerStatus status, long pid, long pidStartTime, String bundle,
                              String rootfs, String created, Map<String, String> annotations, String backend,
                              Integer exitStatus, String vmSocket) {
    public ContainerRecord {
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
    }

    public ContainerRecord withStatus(ContainerStatus s) {
        return new ContainerRecord(id, s, pid, pidStartTime, bundle, rootfs, created, annotations, backend, exitStatus, vmSocket);
    }

    public ContainerRecord withMonitor(ProcessIdentity monitor) {
        return new ContainerRecord(id, status, monitor.pid(), monitor.startTime(), bundle, rootfs, created, annotations,
                backend, exitStatus, vmSocket);
    }

    public ContainerRecord withExit(int status) {
        return new ContainerRecord(id, ContainerStatus.STOPPED, pid, pidStartTime, bundle, rootfs, created, annotations,
                backend, status, vmSocket);
    }

    public ContainerRecord withVmSocket(String socket) {
        return new ContainerRecord(id, status, pid, pidStartTime, bundle, rootfs, created, annotations, backend, exitStatus, socket);
    }

    /** The monitor process, if one was started. */
    public ProcessIdentity monitor() {
        return new ProcessIdentity(pid, pidStartTime);
    }

    /**
     * The status as it is now: the stored one while the monitor lives, {@code stopped} once it is gone
     * (exited, crashed or killed, even if nobody recorded it).
     */
    public ContainerStatus observedStatus() {
        if (status == ContainerStatus.STOPPED || pid <= 0) {
            return pid <= 0 && status == ContainerStatus.CREATING ? ContainerStatus.CREATING : ContainerStatus.STOPPED;
        }
        return monitor().isAlive() ? status : ContainerStatus.STOPPED;
    }

    /** The state JSON of the runtime specification ({@code kapsel state}). */
    public StateReport report() {
        ContainerStatus now = observedStatus();
        long shownPid = now == ContainerStatus.STOPPED ? 0 : pid;
        return new StateReport(StateReport.OCI_VERSION, id, now, shownPid, bundle, rootfs, created, "", annotations);
    }
}
