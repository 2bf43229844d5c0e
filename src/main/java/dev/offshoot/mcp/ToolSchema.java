package dev.offshoot.mcp;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Flat object input schemas, every property described: what agents (Codex first) handle best. */
final class ToolSchema {

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<String> required = new ArrayList<>();

    static ToolSchema object() {
        return new ToolSchema();
    }

    ToolSchema string(String name, String description, boolean isRequired) {
        return property(name, Map.of("type", "string", "description", description), isRequired);
    }

    ToolSchema integer(String name, String description, boolean isRequired) {
        return property(name, Map.of("type", "integer", "description", description), isRequired);
    }

    ToolSchema bool(String name, String description) {
        return property(name, Map.of("type", "boolean", "description", description), false);
    }

    /** A property with a schema of its own (the one array of objects: a migration set). */
    ToolSchema raw(String name, Map<String, Object> schema, boolean isRequired) {
        return property(name, schema, isRequired);
    }

    private ToolSchema property(String name, Map<String, Object> schema, boolean isRequired) {
        properties.put(name, schema);
        if (isRequired) {
            required.add(name);
        }
        return this;
    }

    Map<String, Object> build() {
        Map<String, Object> schema = new LinkedHashMap<>();
        schema.put("type", "object");
        schema.put("properties", properties);
        schema.put("required", required);
        schema.put("additionalProperties", false);
        return schema;
    }
}
