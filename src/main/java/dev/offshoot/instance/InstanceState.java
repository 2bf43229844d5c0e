package dev.offshoot.instance;

/**
 * What the runtime reports of an instance.
 *
 * @param memoryLimitBytes its memory limit, 0 when unlimited
 */
public record InstanceState(boolean running, long exitCode, boolean oomKilled, String status, long memoryLimitBytes) {

    /** Why the instance stopped, for people: an out-of-memory kill names the limit. */
    public String stopReason() {
        if (oomKilled) {
            return "out of memory (limit " + Resources.describeBytes(memoryLimitBytes) + ")";
        }
        return "exited with code " + exitCode;
    }
}
