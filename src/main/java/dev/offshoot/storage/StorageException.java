package dev.offshoot.storage;

import dev.offshoot.error.OffshootException;

/** A storage operation failed: a copy, a removal, a refused path. Says what, never with secrets. */
public class StorageException extends OffshootException {

    public StorageException(String message) {
        this(message, (Throwable) null);
    }

    public StorageException(String message, Throwable cause) {
        super(Kind.FAILED, "STORAGE_FAILED", message, false, cause);
    }

    StorageException(String code, String message) {
        super(Kind.FAILED, code, message);
    }
}
