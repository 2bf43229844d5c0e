package dev.offshoot.storage;

/** A storage operation failed: a copy, a removal, a refused path. Says what, never with secrets. */
public class StorageException extends RuntimeException {

    public StorageException(String message) {
        super(message);
    }

    public StorageException(String message, Throwable cause) {
        super(message, cause);
    }
}
