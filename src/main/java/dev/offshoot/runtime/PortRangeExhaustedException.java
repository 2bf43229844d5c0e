package dev.offshoot.runtime;

import dev.offshoot.error.OffshootException;

/** Every host port of offshoot.runtime.port-range-* is held: an instance key cannot get one. */
public class PortRangeExhaustedException extends OffshootException {

    public PortRangeExhaustedException(int start, int end) {
        super(Kind.UNAVAILABLE, "PORT_RANGE_EXHAUSTED", "no free port left in " + start + "-" + end
                + "; delete branches or widen offshoot.runtime.port-range-*", true);
    }
}
