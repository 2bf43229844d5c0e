package dev.offshoot.runtime;

/** The engine refused to publish a host port because something else holds it. */
public class PortConflictException extends RuntimeException {

    public PortConflictException(int port, Throwable cause) {
        super("host port " + port + " is already in use", cause);
    }
}
