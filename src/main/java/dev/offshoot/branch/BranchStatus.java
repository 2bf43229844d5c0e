package dev.offshoot.branch;

/**
 * Lifecycle of a branch. Only DELETED rows free their name and port. STOPPED: the idle reaper
 * stopped the container (offshoot.reaper.idle-action=stop); a create retry of the name starts it.
 */
public enum BranchStatus {
    CREATING, READY, FAILED, DELETING, DELETED, STOPPED
}
