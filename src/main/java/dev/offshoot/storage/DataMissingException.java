package dev.offshoot.storage;

import dev.offshoot.error.OffshootException;

/** The data a copy should start from is gone (a revision's or snapshot's directory removed by hand). */
public class DataMissingException extends StorageException {

    public DataMissingException(String message) {
        super("DATA_NOT_FOUND", message + "; refresh the template to build a new revision");
    }
}
