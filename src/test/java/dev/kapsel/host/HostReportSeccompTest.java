package dev.kapsel.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kapsel doctor}'s seccomp and no_new_privs lines, from a given actions_avail file and confinement. */
class HostReportSeccompTest {
    @TempDir
    Path dir;

    @Test
    void theFilterIsAvailableWhenTheKernelHasTheActionsKapselUses() throws Exception {
        Path avail = Files.writeString(dir.resolve("actions_avail"), "kill_process kill_thread trap errno user_notif trace log allow\n");
        HostReport.Finding f = HostReport.seccomp(avail, MonitorSeccomp.Mode.KILL);
        assertEquals("available", f.status());
        assertTrue(f.meaning().contains("allow-list of " + MonitorSyscalls.ALLOWED.size() + " calls"), f.meaning());
        assertTrue(f.meaning().contains("other calls: kill"), f.meaning());
        assertTrue(HostReport.seccomp(avail, MonitorSeccomp.Mode.OFF).meaning().contains("KAPSEL_SECCOMP=off"));
    }

    @Test
    void aKernelWithoutFiltersOrWithoutAnActionIsSaidSo() throws Exception {
        assertEquals("missing", HostReport.seccomp(dir.resolve("none"), MonitorSeccomp.Mode.KILL).status());
        Path old = Files.writeString(dir.resolve("old"), "kill_thread trap errno trace allow\n");
        HostReport.Finding f = HostReport.seccomp(old, MonitorSeccomp.Mode.KILL);
        assertEquals("partial", f.status());
        assertTrue(f.meaning().contains("[kill_process, log]"), f.meaning());
    }

    @Test
    void noNewPrivsSaysWhetherKapselAlreadyRunsUnderIt() {
        assertTrue(HostReport.noNewPrivs(Optional.of(new Confinement(2, 1, true))).meaning().contains("already runs with it"));
        assertEquals("available", HostReport.noNewPrivs(Optional.empty()).status());
    }
}
