package dev.offshoot.runtime;

/** Every host port of offshoot.runtime.port-range-* is held: an instance key cannot get one. */
public class PortRangeExhaustedException extends RuntimeException {

    public PortRangeExhaustedException(int start, int end) {
        super("no free port left in " + start + "-" + end
                + "; delete branches or widen offshoot.runtime.port-range-*");
    }
}
