-- The gateway's own certificate authority (issue 22), made once by whichever replica starts first
-- and shared by all, so a CA handed to clients stays valid across restarts and replicas. Its private
-- key is as sensitive as the branch passwords this store already holds; it is never served.
create table gateway_ca (
    id          int         primary key check (id = 1),
    certificate text        not null,
    private_key text        not null,
    created_at  timestamptz not null
);

-- A stopped branch is a suspended one now: the gateway wakes it on connect.
update branch set status = 'SUSPENDED' where status = 'STOPPED';
