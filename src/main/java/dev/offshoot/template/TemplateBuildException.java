package dev.offshoot.template;

/** Building a revision failed for a reason inside the build container (not the user's source). */
public class TemplateBuildException extends RuntimeException {

    private final String logTail;

    public TemplateBuildException(String message, String logTail) {
        super(message);
        this.logTail = logTail;
    }

    public String logTail() {
        return logTail;
    }
}
