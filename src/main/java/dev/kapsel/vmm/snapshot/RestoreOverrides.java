package dev.kapsel.vmm.snapshot;

import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.VmConfig;
import dev.kapsel.vmm.VsockConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a restore changes of the snapshot's configuration, for host resources that are not the same
 * where (or when) it is loaded: a network device's tap (Firecracker's {@code network_overrides}, by
 * device index: eth0 is 0) and the vsock device's host socket (a clone cannot listen where the
 * original still does). The guest sees neither change.
 */
public record RestoreOverrides(Map<Integer, String> taps, Optional<Path> vsockUds) {
    public static final RestoreOverrides NONE = new RestoreOverrides(Map.of(), Optional.empty());

    public RestoreOverrides {
        taps = Map.copyOf(taps);
    }

    /** {@code config} with these overrides applied; an override for a device the snapshot lacks is an error. */
    VmConfig apply(VmConfig config) {
        for (int index : taps.keySet()) {
            if (index < 0 || index >= config.nets().size()) {
                throw new IllegalArgumentException("a tap override for network device " + index + ", but the snapshot has "
                        + config.nets().size());
            }
        }
        List<NetConfig> nets = new ArrayList<>();
        for (int i = 0; i < config.nets().size(); i++) {
            NetConfig n = config.nets().get(i);
            nets.add(taps.containsKey(i) ? new NetConfig(taps.get(i), n.mac(), n.namespace(), n.takeOver()) : n);
        }
        if (vsockUds.isPresent() && config.vsock().isEmpty()) {
            throw new IllegalArgumentException("a vsock socket override, but the snapshot has no vsock device");
        }
        Optional<VsockConfig> vsock = config.vsock().map(v -> new VsockConfig(vsockUds.orElse(v.uds()), v.guestCid()));
        return new VmConfig(config.kernel(), config.initrd(), config.cmdline(), config.vcpus(), config.memoryMib(),
                config.disks(), config.rng(), vsock, nets, config.balloon(), config.shares());
    }
}
