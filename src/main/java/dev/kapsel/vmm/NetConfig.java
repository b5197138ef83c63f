package dev.kapsel.vmm;

import java.nio.file.Path;

/**
 * A virtio-net device backed by an existing host tap device.
 *
 * @param tap the tap interface name (at most 15 bytes, as IFNAMSIZ allows)
 * @param mac the guest's MAC address, 6 bytes
 * @param namespace the network namespace the tap lives in ({@code /run/netns/NAME}); null for this process's own
 * @param takeOver  whether the VMM takes the tap over: once opened it is no longer persistent, so the kernel
 *                  removes it when the VMM's fd closes, however the VMM process ends (taps kapsel made for a
 *                  container; never a tap the user named, which outlives the VM)
 */
public record NetConfig(String tap, byte[] mac, Path namespace, boolean takeOver) {
    /** Locally administered, unicast: what the guest gets when no mac= is given (last byte: the device index). */
    public static final byte[] DEFAULT_MAC_PREFIX = {0x06, 0x00, (byte) 0xac, 0x10, 0x00};

    public NetConfig {
        if (tap.isEmpty() || tap.length() > 15 || !tap.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
            throw new IllegalArgumentException("net tap must name an interface of 1..15 printable characters, not '" + tap + "'");
        }
        if (mac.length != 6 || (mac[0] & 1) != 0) {
            throw new IllegalArgumentException("net mac must be a unicast address like 06:00:ac:10:00:02");
        }
        mac = mac.clone();
    }

    /** A tap of this process's network namespace. */
    public NetConfig(String tap, byte[] mac) {
        this(tap, mac, null, false);
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }
}
