package dev.kapsel.host;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * kapsel's JSON mappers, one per trust level (a mapper is thread-safe once configured, so one each
 * serves the whole JVM):
 * <ul>
 *   <li>{@link #RECORDS}: kapsel's own files (container records, the monitor's request). A field this
 *       kapsel does not know is refused, so a record from another version fails loudly instead of
 *       losing what it held.</li>
 *   <li>{@link #FOREIGN}: documents exchanged with other programs (OCI config.json, image manifests,
 *       engine input; the state, features, spec and log JSON they read). Unknown fields are ignored, as
 *       the OCI specifications require of a runtime.</li>
 * </ul>
 */
public final class Json {
    public static final ObjectMapper RECORDS = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();
    public static final ObjectMapper FOREIGN = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .build();

    private Json() {}
}
