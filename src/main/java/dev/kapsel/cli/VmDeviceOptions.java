package dev.kapsel.cli;

import dev.kapsel.vmm.BalloonConfig;
import dev.kapsel.vmm.DiskConfig;
import dev.kapsel.vmm.NetConfig;
import dev.kapsel.vmm.SharedDirConfig;
import dev.kapsel.vmm.VsockConfig;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The option syntax of {@code kapsel vm run}'s device flags ({@code --disk}, {@code --vsock},
 * {@code --net}, {@code --balloon}, {@code --fs}) turned into the vmm's config records. Messages name the flag the
 * user typed; the records themselves check their fields and name those.
 */
final class VmDeviceOptions {
    private VmDeviceOptions() {}

    /** Parses the {@code --disk} syntax {@code PATH[,ro]}. */
    static DiskConfig disk(String spec) {
        String path = spec;
        boolean readOnly = false;
        int comma = spec.lastIndexOf(',');
        if (comma >= 0) {
            String option = spec.substring(comma + 1);
            if (!option.equals("ro") && !option.equals("rw")) {
                throw new IllegalArgumentException("--disk " + spec + ": the only options are ',ro' and ',rw'");
            }
            readOnly = option.equals("ro");
            path = spec.substring(0, comma);
        }
        if (path.isEmpty()) {
            throw new IllegalArgumentException("--disk needs a path to a raw image");
        }
        return new DiskConfig(Path.of(path), readOnly);
    }

    /** Parses the {@code --vsock} syntax {@code uds=PATH[,cid=N]}. */
    static VsockConfig vsock(String spec) {
        Path uds = null;
        long cid = VsockConfig.DEFAULT_GUEST_CID;
        for (String part : spec.split(",")) {
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            String value = eq < 0 ? "" : part.substring(eq + 1);
            switch (name) {
                case "uds" -> uds = value.isEmpty() ? null : Path.of(value);
                case "cid" -> {
                    try {
                        cid = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--vsock " + spec + ": cid must be a number, not '" + value + "'");
                    }
                }
                default -> throw new IllegalArgumentException("--vsock " + spec + ": unknown option '" + name
                        + "' (the syntax is uds=PATH[,cid=N])");
            }
        }
        if (uds == null) {
            throw new IllegalArgumentException("--vsock " + spec + ": needs uds=PATH (the syntax is uds=PATH[,cid=N])");
        }
        return new VsockConfig(uds, cid);
    }

    /** Parses the {@code --net} syntax {@code tap=NAME[,mac=AA:BB:CC:DD:EE:FF]}; {@code index} picks the default MAC. */
    static NetConfig net(String spec, int index) {
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
            mac = Arrays.copyOf(NetConfig.DEFAULT_MAC_PREFIX, 6);
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

    /** Parses the {@code --balloon} syntax {@code MIB[,deflate-on-oom]}. */
    static BalloonConfig balloon(String spec) {
        String[] parts = spec.split(",");
        long mib;
        try {
            mib = Long.parseLong(parts[0]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--balloon " + spec + ": the size must be a number of MiB, not '" + parts[0]
                    + "' (the syntax is MIB[,deflate-on-oom])");
        }
        boolean deflate = false;
        for (int i = 1; i < parts.length; i++) {
            if (!parts[i].equals("deflate-on-oom")) {
                throw new IllegalArgumentException("--balloon " + spec + ": unknown option '" + parts[i]
                        + "' (the syntax is MIB[,deflate-on-oom])");
            }
            deflate = true;
        }
        return new BalloonConfig(mib, deflate);
    }

    /** Parses the {@code --fs} syntax {@code TAG=HOSTDIR[,ro]}; the directory must exist. */
    static SharedDirConfig share(String spec) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--fs " + spec + ": the syntax is TAG=HOSTDIR[,ro]");
        }
        String dir = spec.substring(eq + 1);
        boolean readOnly = false;
        if (dir.endsWith(",ro") || dir.endsWith(",rw")) {
            readOnly = dir.endsWith(",ro");
            dir = dir.substring(0, dir.length() - 3);
        }
        if (dir.isEmpty() || !java.nio.file.Files.isDirectory(Path.of(dir))) {
            throw new IllegalArgumentException("--fs " + spec + ": '" + dir + "' is not a host directory");
        }
        return new SharedDirConfig(spec.substring(0, eq), Path.of(dir).toAbsolutePath(), readOnly);
    }
}
