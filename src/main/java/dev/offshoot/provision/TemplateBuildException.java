package dev.offshoot.provision;

import dev.offshoot.error.OffshootException;

/** Building a revision failed for a reason inside the build container (not the user's source). */
public class TemplateBuildException extends OffshootException {

    public TemplateBuildException(String message, String logTail) {
        super(Kind.FAILED, "TEMPLATE_BUILD_FAILED", message, true);
        with("log", logTail);
    }

    /** The build container's last lines, passwords masked. */
    public String logTail() {
        return (String) properties().get("log");
    }
}
