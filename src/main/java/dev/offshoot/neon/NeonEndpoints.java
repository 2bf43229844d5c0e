package dev.offshoot.neon;

import dev.offshoot.error.OffshootException;

/** Endpoints are named by their branch's id under {@code ep-}: each branch has exactly one. */
final class NeonEndpoints {

    private NeonEndpoints() {
    }

    /** The branch of an endpoint id; ENDPOINT_NOT_FOUND for anything else (the default branch has none). */
    static NeonBranches.Entry resolve(NeonBranches.Catalog catalog, String endpointId) {
        String branchId = NeonIds.branchOf(endpointId);
        return (branchId == null ? java.util.Optional.<NeonBranches.Entry>empty() : catalog.find(branchId))
                .filter(e -> !e.isDefault() && e.id().equals(branchId))
                .orElseThrow(() -> OffshootException.notFound("ENDPOINT_NOT_FOUND", "no endpoint '" + endpointId
                        + "' in project '" + catalog.template().name() + "'"));
    }
}
