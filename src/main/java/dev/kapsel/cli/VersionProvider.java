package dev.kapsel.cli;

import picocli.CommandLine;

/** {@code kapsel --version}; {@link #version()} also names kapsel in the runc dialect's version lines. */
public final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"kapsel " + version(), "Java " + Runtime.version()};
    }

    /** The jar's Implementation-Version, or "(development build)" when run from classes. */
    public static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v != null ? v : "(development build)";
    }
}
