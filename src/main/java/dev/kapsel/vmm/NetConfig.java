package dev.kapsel.vmm;

import java.util.HexFormat;

/**
 * A virtio-net device backed by an existing host tap device.
 *
 * @param tap the tap interface name (at most 15 bytes, as IFNAMSIZ allows)
 * @param mac the guest's MAC address, 6 bytes
 */
public record NetConfig(String tap, byte[] mac) {
    /** Locally administered, unicast: what the guest gets when no mac= is given (last byte: the device index). */
    public static final byte[] DEFAULT_MAC_PREFIX = {0x06, 0x00, (byte) 0xac, 0x10, 0x00};

    public NetConfig {
        if (tap.isEmpty() || tap.length() > 15 || !tap.chars().allMatch(c -> c > ' ' && c < 127 && c != '/')) {
            throw new IllegalArgumentException("--net tap= must name an interface of 1..15 printable characters, not '" + tap + "'");
        }
        if (mac.length != 6 || (mac[0] & 1) != 0) {
            throw new IllegalArgumentException("--net mac= must be a unicast address like 06:00:ac:10:00:02");
        }
        mac = mac.clone();
    }

    @Override
    public byte[] mac() {
        return mac.clone();
    }

    /** Parses the {@code --net} syntax {@code tap=NAME[,mac=AA:BB:CC:DD:EE:FF]}; {@code index} picks the default MAC. */
    public static NetConfig parse(String spec, int index) {
        String tap = null;
        byte[] mac = null;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            switch (name) {
                case "tap" -> tap = value;
                case "mac" -> mac = parseMac(spec, value);
                default -> throw new IllegalArgumentException("--net " + spec + ": unknown option '" + name
                        + "' (the syntax is tap=NAME[,mac=AA:BB:CC:DD:EE:FF])");
            }
        }
        if (tap == null) {
            throw new IllegalArgumentException("--net " + spec + ": needs tap=NAME (the syntax is tap=NAME[,mac=AA:BB:CC:DD:EE:FF])");
        }
        if (mac == null) {
            mac = java.util.Arrays.copyOf(DEFAULT_MAC_PREFIX, 6);
            mac[5] = (byte) (2 + index);
        }
        return new NetConfig(tap, mac);
    }

    private static byte[] parseMac(String spec, String value) {
        String[] parts = value.split(":");
        if (parts.length != 6) {
            throw new IllegalArgumentException("--net " + spec + ": mac must be six hex bytes separated by ':'");
        }
        byte[] mac = new byte[6];
        for (int i = 0; i < 6; i++) {
            if (parts[i].length() != 2) {
                throw new IllegalArgumentException("--net " + spec + ": mac must be six hex bytes separated by ':'");
            }
            try {
                mac[i] = (byte) HexFormat.fromHexDigits(parts[i]);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("--net " + spec + ": mac must be six hex bytes separated by ':'");
            }
        }
        return mac;
    }
}
