package dev.offshoot.runtime;

/** A container did not become ready: it exited, was killed for memory, or timed out. */
public class ContainerFailedException extends RuntimeException {

    private final String logTail;

    public ContainerFailedException(String message, String logTail, Throwable cause) {
        super(message, cause);
        this.logTail = logTail;
    }

    public String logTail() {
        return logTail;
    }
}
