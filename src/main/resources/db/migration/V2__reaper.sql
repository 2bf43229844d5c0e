-- Reaping and reconciliation.

-- when the branch entered its current status: the reconciler finishes or rolls back CREATING and
-- DELETING rows that stayed in that status longer than a create could take
alter table branch add column status_since timestamptz;
update branch set status_since = coalesce(deleted_at, created_at);
create index branch_live_status on branch (status) where status <> 'DELETED';

-- webhook deliveries already handled, so a redelivery (same X-GitHub-Delivery) changes nothing
create table webhook_delivery (
    source      text        not null,
    delivery_id text        not null,
    event       text        not null,
    received_at timestamptz not null,
    primary key (source, delivery_id)
);

-- every branch the reaper deleted or stopped, and why (until the general audit log exists)
create table reap_event (
    id          bigserial   primary key,
    branch_id   uuid        not null,
    branch_name text        not null,
    reason      text        not null,
    action      text        not null,
    at          timestamptz not null,
    detail      text
);
create index reap_event_at on reap_event (at);
