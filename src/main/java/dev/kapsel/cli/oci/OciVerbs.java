package dev.kapsel.cli.oci;

import java.util.List;
import picocli.CommandLine;

/** The OCI runtime verbs, and the parser settings they need on the {@code kapsel} command line. */
public final class OciVerbs {
    private OciVerbs() {}

    /** The verbs whose options may also follow the container id ({@code ps ID --format json}). */
    static final List<String> OPTIONS_ANYWHERE = List.of("create", "start", "state", "kill", "delete", "ps", "list",
            "features", "spec");

    /** Lets options follow positionals for every verb but {@code exec}, whose arguments after the id are the command's. */
    public static void configure(CommandLine kapsel) {
        for (String verb : OPTIONS_ANYWHERE) {
            CommandLine sub = kapsel.getSubcommands().get(verb);
            if (sub != null) {
                sub.setStopAtPositional(false);
            }
        }
    }
}
