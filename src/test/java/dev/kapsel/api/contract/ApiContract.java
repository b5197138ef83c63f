package dev.kapsel.api.contract;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Firecracker's OpenAPI (Swagger 2.0) definition, {@code docs/api/firecracker.yaml}, as the contract
 * kapsel's API is checked against: which operations exist, which body each takes, which statuses and
 * bodies each may answer. {@link #violations} checks a JSON value against a schema the way the
 * definition means it, with one deliberate strictness: an object may hold only the properties its
 * schema names, so kapsel can neither produce nor accept a field Firecracker does not define.
 */
public final class ApiContract {
    public static final Path FILE = Path.of("docs/api/firecracker.yaml");

    private final JsonNode root;

    private ApiContract(JsonNode root) {
        this.root = root;
    }

    public static ApiContract load() {
        try {
            return new ApiContract(YamlSubset.parse(Files.readString(FILE)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public JsonNode root() {
        return root;
    }

    /** One operation: a method on a path template. */
    public record Operation(String method, String pathTemplate, JsonNode spec) {
        /** The body parameter's schema, if the operation takes a body. */
        public Optional<JsonNode> bodySchema() {
            for (JsonNode p : spec.path("parameters")) {
                if (p.path("in").asText().equals("body")) {
                    return Optional.of(p.path("schema"));
                }
            }
            return Optional.empty();
        }

        /** The response declared for {@code status}, or the {@code default} one; empty if neither exists. */
        public Optional<JsonNode> response(int status) {
            JsonNode responses = spec.path("responses");
            JsonNode r = responses.get(Integer.toString(status));
            if (r == null) {
                r = responses.get("default");
            }
            return Optional.ofNullable(r);
        }

        /**
         * Whether the body is a subset of its schema: the operations the definition describes as
         * "Partially updates" (PATCH /machine-config) take the full definition's schema, whose required
         * properties a partial update leaves out.
         */
        public boolean takesPartialBody() {
            return spec.path("summary").asText().startsWith("Partially updates");
        }

        /** What is wrong with a request body for this operation, as {@link ApiContract#violations}. */
        public List<String> bodyViolations(ApiContract contract, JsonNode body) {
            JsonNode schema = bodySchema().orElseThrow(() -> new IllegalArgumentException(method + " " + pathTemplate + " takes no body"));
            List<String> out = new ArrayList<>();
            contract.check(schema, body, "$", out, takesPartialBody());
            return out;
        }

        public boolean declaresStatus(int status) {
            return spec.path("responses").has(Integer.toString(status));
        }
    }

    /** Every operation the definition has, as "METHOD /path/{template}". */
    public List<Operation> operations() {
        List<Operation> ops = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = root.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> methods = path.getValue().fields(); methods.hasNext(); ) {
                Map.Entry<String, JsonNode> m = methods.next();
                ops.add(new Operation(m.getKey().toUpperCase(java.util.Locale.ROOT), path.getKey(), m.getValue()));
            }
        }
        return ops;
    }

    /** The operation a concrete request path and method fall under. */
    public Optional<Operation> operation(String method, String path) {
        return operations().stream()
                .filter(op -> op.method.equals(method) && matches(op.pathTemplate, path))
                .findFirst();
    }

    private static boolean matches(String template, String path) {
        String[] t = template.split("/", -1);
        String[] p = path.split("/", -1);
        if (t.length != p.length) {
            return false;
        }
        for (int i = 0; i < t.length; i++) {
            boolean param = t[i].startsWith("{") && t[i].endsWith("}");
            if (param ? p[i].isEmpty() : !t[i].equals(p[i])) {
                return false;
            }
        }
        return true;
    }

    public JsonNode definition(String name) {
        JsonNode d = root.path("definitions").get(name);
        if (d == null) {
            throw new IllegalArgumentException("the contract has no definition " + name);
        }
        return d;
    }

    private JsonNode resolve(JsonNode schema) {
        while (schema.has("$ref")) {
            String ref = schema.get("$ref").asText();
            if (!ref.startsWith("#/definitions/")) {
                throw new IllegalArgumentException("unsupported $ref " + ref);
            }
            schema = definition(ref.substring("#/definitions/".length()));
        }
        return schema;
    }

    /** What is wrong with {@code value} against {@code schema}, one line each; empty if it conforms. */
    public List<String> violations(JsonNode schema, JsonNode value) {
        List<String> out = new ArrayList<>();
        check(resolve(schema), value, "$", out, false);
        return out;
    }

    private void check(JsonNode schema, JsonNode value, String where, List<String> out) {
        check(schema, value, where, out, false);
    }

    private void check(JsonNode schema, JsonNode value, String where, List<String> out, boolean partial) {
        schema = resolve(schema);
        String type = schema.path("type").asText("");
        switch (type) {
            case "object", "" -> {
                if (type.isEmpty() && !schema.has("properties")) {
                    return;
                }
                if (!value.isObject()) {
                    out.add(where + ": expected an object, got " + value.getNodeType());
                    return;
                }
                for (JsonNode required : partial ? List.<JsonNode>of() : schema.path("required")) {
                    if (!value.has(required.asText())) {
                        out.add(where + ": missing required property " + required.asText());
                    }
                }
                JsonNode props = schema.path("properties");
                JsonNode additional = schema.get("additionalProperties");
                for (Iterator<Map.Entry<String, JsonNode>> f = value.fields(); f.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = f.next();
                    JsonNode prop = props.get(field.getKey());
                    if (prop != null) {
                        check(prop, field.getValue(), where + "." + field.getKey(), out);
                    } else if (additional != null && additional.isObject()) {
                        check(additional, field.getValue(), where + "." + field.getKey(), out);
                    } else if (additional == null || !additional.asBoolean()) {
                        out.add(where + ": property " + field.getKey() + " is not in the contract");
                    }
                }
            }
            case "array" -> {
                if (!value.isArray()) {
                    out.add(where + ": expected an array, got " + value.getNodeType());
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(schema.path("items"), value.get(i), where + "[" + i + "]", out);
                }
            }
            case "string" -> {
                if (!value.isTextual()) {
                    out.add(where + ": expected a string, got " + value.getNodeType());
                } else if (schema.has("enum")) {
                    boolean listed = false;
                    for (JsonNode e : schema.get("enum")) {
                        listed |= e.asText().equals(value.asText());
                    }
                    if (!listed) {
                        out.add(where + ": '" + value.asText() + "' is not one of " + schema.get("enum"));
                    }
                }
            }
            case "integer" -> {
                if (!value.isIntegralNumber()) {
                    out.add(where + ": expected an integer, got " + value.getNodeType());
                    return;
                }
                if (schema.has("minimum") && value.asLong() < schema.get("minimum").asLong()) {
                    out.add(where + ": " + value + " is below the minimum " + schema.get("minimum"));
                }
                if (schema.has("maximum") && value.asLong() > schema.get("maximum").asLong()) {
                    out.add(where + ": " + value + " is above the maximum " + schema.get("maximum"));
                }
            }
            case "boolean" -> {
                if (!value.isBoolean()) {
                    out.add(where + ": expected a boolean, got " + value.getNodeType());
                }
            }
            case "number" -> {
                if (!value.isNumber()) {
                    out.add(where + ": expected a number, got " + value.getNodeType());
                }
            }
            default -> out.add(where + ": the contract's type '" + type + "' is not understood");
        }
    }
}
