package dev.offshoot.auth;

/**
 * The scope an operation needs, as {@code @PreAuthorize} expressions over the caller's
 * {@code SCOPE_*} authorities. The role hierarchy makes admin imply write and write imply read.
 */
public final class Scopes {

    /** Sees templates, branches (without the owner password), schemas; runs read-only SQL. */
    public static final String READ = "hasAuthority('SCOPE_read')";
    /** Also creates, resets, migrates and deletes branches; changes templates (when unlimited). */
    public static final String WRITE = "hasAuthority('SCOPE_write')";
    /** Approves a migration set that failed its policy; implied by admin, not by write. */
    public static final String APPROVE = "hasAuthority('SCOPE_approve')";
    /** Also issues and revokes tokens and reads the audit log. */
    public static final String ADMIN = "hasAuthority('SCOPE_admin')";

    private Scopes() {
    }
}
