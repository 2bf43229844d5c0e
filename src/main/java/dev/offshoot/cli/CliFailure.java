package dev.offshoot.cli;

/**
 * Why a command failed, with the exit code CI can branch on. {@code code} and {@code detail} come
 * from the service's problem details (RFC 9457) when there is one; they never carry the token.
 */
final class CliFailure extends RuntimeException {

    private final int exitCode;
    private final String code;

    CliFailure(int exitCode, String code, String detail) {
        super(detail);
        this.exitCode = exitCode;
        this.code = code;
    }

    static CliFailure usage(String detail) {
        return new CliFailure(ExitCodes.USAGE, "USAGE", detail);
    }

    /** The exit code for an HTTP error status, refined by the problem's retryable flag. */
    static int exitCodeOf(int status, boolean retryable) {
        if (retryable || status >= 500 || status == 429) {
            return ExitCodes.UNAVAILABLE;
        }
        return switch (status) {
            case 404 -> ExitCodes.NOT_FOUND;
            case 409, 412, 422, 423 -> ExitCodes.CONFLICT;
            default -> ExitCodes.USAGE;
        };
    }

    int exitCode() {
        return exitCode;
    }

    String code() {
        return code;
    }
}
