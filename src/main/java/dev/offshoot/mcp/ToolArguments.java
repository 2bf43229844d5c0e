package dev.offshoot.mcp;

import java.util.Map;

import dev.offshoot.error.OffshootException;

/** Typed access to a tool call's arguments, with the same problem codes as the REST API. */
record ToolArguments(Map<String, Object> values) {

    ToolArguments {
        values = values == null ? Map.of() : values;
    }

    String string(String name) {
        Object value = values.get(name);
        return value == null ? null : value.toString();
    }

    String required(String name) {
        String value = string(name);
        if (value == null || value.isBlank()) {
            throw OffshootException.invalid("MISSING_ARGUMENT", "argument '" + name + "' is required");
        }
        return value;
    }

    Integer integer(String name) {
        Object value = values.get(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.intValue();
        }
        try {
            return Integer.parseInt(value.toString());
        } catch (NumberFormatException e) {
            throw OffshootException.invalid("INVALID_ARGUMENT", "argument '" + name + "' must be an integer");
        }
    }

    boolean flag(String name) {
        Object value = values.get(name);
        return value instanceof Boolean b ? b : value != null && Boolean.parseBoolean(value.toString());
    }
}
