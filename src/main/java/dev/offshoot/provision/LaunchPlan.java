package dev.offshoot.provision;

import dev.offshoot.instance.Resources;

/** Everything one launch needs, decided by the caller before it starts. */
public record LaunchPlan(Owner owner, String database, Origin origin, Resources resources, Credentials credentials) {
}
