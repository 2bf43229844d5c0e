package dev.offshoot.storage;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@code filefrag -v} output (FIEMAP, e2fsprogs) and counts the bytes in extents that are not
 * shared with another file: what a reflink copy has written since it was made. Delayed-allocation
 * extents (not yet on disk) count as the file's own.
 */
final class SharedExtents {

    private static final Pattern HEADER = Pattern.compile("^File size of .* \\(\\d+ blocks? of (\\d+) bytes\\)");
    private static final Pattern EXTENT = Pattern.compile(
            "^\\s*\\d+:\\s+\\d+\\.\\.\\s*\\d+:\\s+(?:\\d+\\.\\.\\s*\\d+)?:?\\s*(\\d+):(.*)$");

    private SharedExtents() {
    }

    /** Unshared bytes over every file in the output (several files may follow each other). */
    static long unsharedBytes(String filefragOutput) {
        long blockSize = 4096;
        long bytes = 0;
        for (String line : filefragOutput.split("\n")) {
            Matcher header = HEADER.matcher(line);
            if (header.find()) {
                blockSize = Long.parseLong(header.group(1));
                continue;
            }
            Matcher extent = EXTENT.matcher(line);
            if (extent.matches() && !isShared(extent.group(2))) {
                bytes += Long.parseLong(extent.group(1)) * blockSize;
            }
        }
        return bytes;
    }

    private static boolean isShared(String tail) {
        // the flags are the last column: "last,shared,eof"; the "expected" column before it is a number
        String[] columns = tail.trim().split("\\s+");
        String flags = columns[columns.length - 1];
        for (String flag : flags.split(",")) {
            if (flag.equals("shared")) {
                return true;
            }
        }
        return false;
    }
}
