package dev.offshoot.instance;

/**
 * What one container may use beyond the configured defaults.
 *
 * @param memoryBytes memory limit in bytes, or 0 for the configured default
 * @param cpuShares   relative CPU weight, or 0 for the configured default
 */
public record Resources(long memoryBytes, int cpuShares) {

    public static final Resources DEFAULTS = new Resources(0, 0);

    /** Bytes for people: whole MiB or GiB where they fit. */
    public static String describeBytes(long bytes) {
        if (bytes <= 0) {
            return "none";
        }
        long mib = 1024L * 1024;
        if (bytes % (1024 * mib) == 0) {
            return bytes / (1024 * mib) + " GiB";
        }
        return bytes % mib == 0 ? bytes / mib + " MiB" : bytes + " bytes";
    }
}
