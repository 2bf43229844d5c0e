package dev.offshoot.branch;

/**
 * Lifecycle of a branch. Only DELETED rows free their name and endpoint. STOPPED: the idle reaper
 * stopped the container (offshoot.reaper.idle-action=stop); a create retry of the name starts it.
 * POOLED: a warm-pool member (see {@link WarmPool}), started and waiting to be claimed by a create;
 * it holds an endpoint and a container but is no caller's branch: lists, lookups and quotas skip it.
 */
public enum BranchStatus {
    CREATING, READY, FAILED, DELETING, DELETED, STOPPED, POOLED
}
