-- Per-branch overrides of the container limits (null: the configured default), kept so that a
-- reset, restart or recreate runs the branch in the same box.
alter table branch add column memory_bytes bigint;
alter table branch add column cpu_shares integer;
