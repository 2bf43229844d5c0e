package dev.offshoot.branch;

import org.springframework.stereotype.Component;
import org.springframework.util.unit.DataSize;

import dev.offshoot.config.LimitsProperties;
import dev.offshoot.error.OffshootException.Kind;
import dev.offshoot.error.OffshootException;
import dev.offshoot.instance.Resources;

/** A branch's requested resources, checked against the operator's maxima. */
@Component
class BranchResources {

    /** Docker refuses memory limits below 6 MB. */
    static final DataSize MIN_MEMORY = DataSize.ofMegabytes(6);
    static final int MIN_CPU_SHARES = 2;

    private final LimitsProperties limits;

    BranchResources(LimitsProperties limits) {
        this.limits = limits;
    }

    Resources of(CreateBranchRequest.ResourceRequest request) {
        if (request == null) {
            return Resources.DEFAULTS;
        }
        long memory = request.memory() == null || request.memory().isBlank() ? 0 : memory(request.memory());
        int shares = request.cpuShares() == null ? 0 : request.cpuShares();
        if (request.cpuShares() != null && shares < MIN_CPU_SHARES) {
            throw OffshootException.invalid("INVALID_RESOURCES", "resources.cpuShares must be at least "
                    + MIN_CPU_SHARES);
        }
        if (memory > limits.maxMemory().toBytes()) {
            throw overLimit("resources.memory " + request.memory() + " is above the maximum of "
                    + Resources.describeBytes(limits.maxMemory().toBytes()) + " (offshoot.runtime.limits.max-memory)");
        }
        if (shares > limits.maxCpuShares()) {
            throw overLimit("resources.cpuShares " + shares + " is above the maximum of " + limits.maxCpuShares()
                    + " (offshoot.runtime.limits.max-cpu-shares)");
        }
        return new Resources(memory, shares);
    }

    private static long memory(String text) {
        DataSize size;
        try {
            size = DataSize.parse(text.strip());
        } catch (IllegalArgumentException e) {
            throw OffshootException.invalid("INVALID_RESOURCES", "resources.memory '" + text
                    + "' is not a size such as 512MB or 2GB");
        }
        if (size.toBytes() < MIN_MEMORY.toBytes()) {
            throw OffshootException.invalid("INVALID_RESOURCES", "resources.memory must be at least 6MB");
        }
        return size.toBytes();
    }

    private static OffshootException overLimit(String detail) {
        return new OffshootException(Kind.UNPROCESSABLE, "RESOURCES_OVER_LIMIT", detail);
    }
}
