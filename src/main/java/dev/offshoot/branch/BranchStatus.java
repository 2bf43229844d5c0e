package dev.offshoot.branch;

/** Lifecycle of a branch. Only DELETED rows free their name and port. */
public enum BranchStatus {
    CREATING, READY, FAILED, DELETING, DELETED
}
