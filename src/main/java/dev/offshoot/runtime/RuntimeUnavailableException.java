package dev.offshoot.runtime;

import dev.offshoot.error.OffshootException;

/** The container engine cannot be reached. Retrying later may succeed. */
public class RuntimeUnavailableException extends OffshootException {

    public RuntimeUnavailableException(String message, Throwable cause) {
        super(Kind.UNAVAILABLE, "RUNTIME_UNAVAILABLE", message, true, cause);
    }
}
