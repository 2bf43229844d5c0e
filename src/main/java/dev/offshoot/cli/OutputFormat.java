package dev.offshoot.cli;

/** {@code -o}: tables and key/value lines for people, or the service's answer as JSON or YAML for programs. */
enum OutputFormat {
    table, json, yaml
}
