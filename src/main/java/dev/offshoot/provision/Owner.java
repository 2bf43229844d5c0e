package dev.offshoot.provision;

import java.util.UUID;

/**
 * Who an instance is for, as far as names and labels go: a branch (or a warm-pool member) of a
 * template revision.
 */
public record Owner(UUID id, String name, String template, int revision) {
}
