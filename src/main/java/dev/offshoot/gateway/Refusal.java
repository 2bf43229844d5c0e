package dev.offshoot.gateway;

/**
 * Why the gateway will not route a connection, as the client reads it: a SQLSTATE and a message
 * in a FATAL ErrorResponse. The message names the branch as the client wrote it and nothing else.
 */
final class Refusal extends RuntimeException {

    private final String sqlState;

    Refusal(String sqlState, String message) {
        super(message, null, false, false);
        this.sqlState = sqlState;
    }

    String sqlState() {
        return sqlState;
    }
}
