package dev.offshoot.branch;

import dev.offshoot.auth.Principal;
import dev.offshoot.auth.Scope;

/**
 * How much of a branch's credentials one answer may carry: the single place that decides, by
 * caller and by endpoint. Lists never carry a password; one branch's connection carries the owner
 * password only for callers that may write (they may change the branch anyway). Every one-branch
 * answer carries the password of the caller's own reader role (see {@link BranchReaders}).
 */
public enum Disclosure {
    /** Connection details without any password (lists). */
    NONE,
    /** One branch for a caller that may only read: its reader role's password, no owner password. */
    READ_ONLY,
    /** One branch for a caller that may write: the owner's password and its reader role's. */
    OWNER;

    /** @param single whether the answer is about one branch (get, create, reset) rather than a list */
    static Disclosure of(Principal caller, boolean single) {
        if (!single) {
            return NONE;
        }
        return caller.has(Scope.WRITE) ? OWNER : READ_ONLY;
    }
}
