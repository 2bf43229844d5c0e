-- Migration checks are recorded per branch id, and approvals are bound to a branch id (a branch
-- deleted and created again under the same name is another branch), carry the SQL they approved
-- and expire.

create table migration_check (
    branch_id   uuid        not null,
    -- SHA-256 of the migration set (names and SQL in apply order), hex
    checksum    text        not null,
    verdict     text        not null,
    -- the set as JSON ([{"name", "sql"}]) when its verdict was fail: what an approval lets through
    migrations  text,
    checked_by  text        not null,
    checked_at  timestamptz not null,
    primary key (branch_id, checksum)
);

create index migration_check_checked_at on migration_check (checked_at);

alter table migration_approval add column branch_id uuid;
alter table migration_approval add column migrations text;
alter table migration_approval add column expires_at timestamptz;

-- approvals from before were bound to a branch name only: they can no longer be spent
update migration_approval set used_at = coalesce(used_at, now()),
    used_by = coalesce(used_by, 'offshoot: issued for a branch name only')
    where branch_id is null;

create index migration_approval_branch_id on migration_approval (branch_id);
