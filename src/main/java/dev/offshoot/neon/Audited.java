package dev.offshoot.neon;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A Neon API handler whose calls go to the audit log, whatever their outcome: every call that
 * changes something, and every call that hands out a password.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@interface Audited {

    /** The audit action, e.g. {@code branch.create}; its first part is the target type. */
    String value();
}
