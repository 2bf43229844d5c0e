-- Host ports leave the branch domain (issue 11): the Docker runtime keeps which instance key (a
-- branch's id) holds which host port, so a reset, restart or recreation under the same key keeps its
-- connection string. A released key keeps its last port as history (a deleted branch shows where it
-- was); a port is held by one key at a time, which settles concurrent starts.
create table instance_port (
    instance_key text        primary key,
    port         int         not null,
    assigned_at  timestamptz not null,
    released_at  timestamptz
);
create unique index instance_port_held on instance_port (port) where released_at is null;

-- running branches keep their ports; deleted ones keep theirs as history
insert into instance_port (instance_key, port, assigned_at, released_at)
select id::text, port, created_at, case when status = 'DELETED' then coalesce(deleted_at, now()) end
from branch;

drop index branch_live_port;
alter table branch drop column port;

-- the runtime's handle of a branch's instance (Docker: a container id; Kubernetes: a Pod name) is
-- opaque to branches
alter table branch rename column container_id to instance_handle;
