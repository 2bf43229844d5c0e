package dev.offshoot.storage;

/** The data a copy should start from is gone (a revision's or snapshot's directory removed by hand). */
public class DataMissingException extends StorageException {

    public DataMissingException(String message) {
        super(message);
    }
}
