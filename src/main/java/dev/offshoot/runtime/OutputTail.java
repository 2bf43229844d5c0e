package dev.offshoot.runtime;

/**
 * The last characters of a process's output, however much it writes: a psql load can print a
 * notice per statement of a multi-gigabyte dump, and only the end says what went wrong.
 */
public final class OutputTail {

    /** Output kept from a command run in a container (template loads, jobs). */
    public static final int DEFAULT_CHARS = 64 * 1024;

    private final int limit;
    private final StringBuilder text = new StringBuilder();
    private boolean cut;

    public OutputTail(int limit) {
        this.limit = limit;
    }

    public synchronized void append(String chunk) {
        text.append(chunk);
        // trim in batches, not on every append, so a chatty process costs amortised O(1) per char
        if (text.length() > 2 * limit) {
            text.delete(0, text.length() - limit);
            cut = true;
        }
    }

    @Override
    public synchronized String toString() {
        if (text.length() <= limit && !cut) {
            return text.toString();
        }
        return "[... earlier output cut ...]\n" + text.substring(Math.max(0, text.length() - limit));
    }
}
