package dev.kapsel.cli.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kapsel.host.Json;

/** JSON output of the OCI verbs: indented like runc's (Go's MarshalIndent: two spaces, {@code "key": value}, one element a line). */
final class RuncJson {
    private static final ObjectMapper JSON = Json.FOREIGN;
    private static final DefaultPrettyPrinter GO_INDENT = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withArrayIndenter(DefaultIndenter.SYSTEM_LINEFEED_INSTANCE);

    private RuncJson() {}

    static String pretty(Object value) throws JsonProcessingException {
        return JSON.writer(GO_INDENT).writeValueAsString(value);
    }

    static String compact(Object value) throws JsonProcessingException {
        return JSON.writeValueAsString(value);
    }
}
