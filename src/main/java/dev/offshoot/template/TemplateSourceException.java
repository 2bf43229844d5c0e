package dev.offshoot.template;

/** The template's source could not be loaded: a bad SQL file, an unreachable source database. */
public class TemplateSourceException extends RuntimeException {

    public TemplateSourceException(String message) {
        super(message);
    }
}
