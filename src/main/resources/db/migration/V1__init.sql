-- Offshoot's own schema: templates with immutable revisions, and branches.

create table template (
    id                 uuid primary key,
    name               text        not null unique,
    database_name      text        not null,
    owner_role         text        not null,
    -- the superuser password of every container built from this template; never returned by the API
    superuser_password text        not null,
    source_type        text        not null,
    -- may contain a password; returned only with the password masked
    source_url         text,
    created_by         text        not null,
    created_at         timestamptz not null,
    version            bigint      not null
);

create table template_revision (
    template_id         uuid        not null references template (id) on delete cascade,
    revision            int         not null,
    image_ref           text        not null,
    image_id            text        not null,
    image_size_bytes    bigint      not null,
    database_size_bytes bigint      not null,
    source              text        not null,
    created_at          timestamptz not null,
    primary key (template_id, revision)
);

create table branch (
    id                uuid primary key,
    name              text        not null,
    status            text        not null,
    template_id       uuid        not null references template (id) on delete cascade,
    template_revision int         not null,
    parent_branch_id  uuid,
    parent_image      text        not null,
    -- image committed from the parent branch for this branch alone; removed with the branch
    snapshot_image    text,
    container_id      text,
    port              int         not null,
    database_name     text        not null,
    role_name         text        not null,
    password          text        not null,
    created_by        text        not null,
    created_at        timestamptz not null,
    expires_at        timestamptz,
    last_activity_at  timestamptz,
    deleted_at        timestamptz,
    is_protected      boolean     not null default false,
    failure_reason    text,
    version           bigint      not null
);

-- names and ports are unique among live branches only; deleted ones stay as history
create unique index branch_live_name on branch (name) where status <> 'DELETED';
create unique index branch_live_port on branch (port) where status <> 'DELETED';
create index branch_template on branch (template_id);

create table branch_label (
    branch_id uuid not null references branch (id) on delete cascade,
    key       text not null,
    value     text not null,
    primary key (branch_id, key)
);
