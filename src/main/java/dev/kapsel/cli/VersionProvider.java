package dev.kapsel.cli;

import picocli.CommandLine;

final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String v = Main.class.getPackage().getImplementationVersion();
        return new String[] {"kapsel " + (v != null ? v : "(development build)"), "Java " + Runtime.version()};
    }
}
