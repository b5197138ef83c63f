package dev.kapsel.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.kapsel.host.Json;

/**
 * The JSON mapper of the API: {@link Json#RECORDS}' strictness (an unknown field is refused, as
 * Firecracker's serde {@code deny_unknown_fields} does) with Firecracker's snake_case names, absent
 * fields left out of responses, no trailing data after the body, and no coercion: {@code "2"} is not
 * an integer and {@code 1} is not a boolean.
 */
public final class ApiJson {
    public static final ObjectMapper MAPPER = build();

    private ApiJson() {}

    private static ObjectMapper build() {
        ObjectMapper m = Json.RECORDS.copy()
                .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
                .setSerializationInclusion(JsonInclude.Include.NON_NULL)
                .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                .configure(MapperFeature.ALLOW_COERCION_OF_SCALARS, false);
        for (LogicalType t : new LogicalType[] {LogicalType.Integer, LogicalType.Boolean, LogicalType.Float, LogicalType.Textual}) {
            m.coercionConfigFor(t).setCoercion(CoercionInputShape.String, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                    .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail);
        }
        return m;
    }
}
