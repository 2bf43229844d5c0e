package dev.offshoot.branch;

/**
 * Lifecycle of a branch. Only DELETED rows free their name. SUSPENDED: its server is stopped with
 * its data, name, connection string and passwords kept (idle for offshoot.gateway.idle-suspend, or
 * asked for); a connection through the gateway, a wake, a create retry of the name or any operation
 * that needs the server starts it again. POOLED: a warm-pool member (see {@link WarmPool}), started
 * and waiting to be claimed by a create; it holds a container but is no caller's branch: lists,
 * lookups, the gateway and quotas skip it.
 */
public enum BranchStatus {
    CREATING, READY, FAILED, DELETING, DELETED, SUSPENDED, POOLED
}
