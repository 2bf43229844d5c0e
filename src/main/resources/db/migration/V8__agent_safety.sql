-- Agent safety: migration policies per template, single-use approvals of failing migration sets,
-- and the per-token opt-in to passwords in MCP results.

create table migration_policy (
    template_id uuid        primary key references template (id) on delete cascade,
    -- the policy as JSON (mode, rules, allow, naming, limits)
    policy      text        not null,
    updated_by  text        not null,
    updated_at  timestamptz not null
);

create table migration_approval (
    id          uuid        primary key,
    branch      text        not null,
    -- SHA-256 of the migration set (names and SQL in apply order), hex
    checksum    text        not null,
    created_by  text        not null,
    created_at  timestamptz not null,
    used_at     timestamptz,
    used_by     text
);

create index migration_approval_branch on migration_approval (branch);

alter table api_token add column reveal_secrets boolean not null default false;
