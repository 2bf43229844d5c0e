package dev.offshoot.runtime;

import dev.offshoot.error.OffshootException;

/** A container did not become ready: it exited, was killed for memory, or timed out. */
public class ContainerFailedException extends OffshootException {

    public ContainerFailedException(String message, String logTail, Throwable cause) {
        super(Kind.FAILED, "CONTAINER_FAILED", message, true, cause);
        with("log", logTail);
    }

    /** The container's last lines, passwords masked. */
    public String logTail() {
        return (String) properties().get("log");
    }
}
