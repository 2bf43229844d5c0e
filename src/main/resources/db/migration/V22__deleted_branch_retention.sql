-- Deleted branches' rows are kept for offshoot.reaper.deleted-retention, then removed by the sweep:
-- the purge and the ?status=DELETED list read deleted rows by when they were deleted.
create index branch_deleted_at on branch (deleted_at) where status = 'DELETED';
