package dev.offshoot.cli;

/** Exit codes of the {@code offshoot} command, stable for CI scripts (see docs/cli.md). */
final class ExitCodes {

    /** Done. */
    static final int OK = 0;
    /** Bad arguments, not logged in, or a request the service rejected as invalid or unauthorised. */
    static final int USAGE = 1;
    /** The branch (or template, or token) does not exist. */
    static final int NOT_FOUND = 2;
    /** A conflict (name taken, branch busy or protected) or a migration check that did not pass. */
    static final int CONFLICT = 3;
    /** The service failed, is unreachable, or answered a retryable error: try again later. */
    static final int UNAVAILABLE = 4;

    private ExitCodes() {
    }
}
