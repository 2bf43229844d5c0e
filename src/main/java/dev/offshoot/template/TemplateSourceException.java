package dev.offshoot.template;

import dev.offshoot.error.OffshootException;

/** The template's source could not be loaded: a bad SQL file, an unreachable source database. */
public class TemplateSourceException extends OffshootException {

    public TemplateSourceException(String message) {
        super(Kind.UNPROCESSABLE, "TEMPLATE_SOURCE_FAILED", message);
    }
}
