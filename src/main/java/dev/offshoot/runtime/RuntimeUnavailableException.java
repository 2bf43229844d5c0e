package dev.offshoot.runtime;

/** The container engine cannot be reached. Retrying later may succeed. */
public class RuntimeUnavailableException extends RuntimeException {

    public RuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
