-- The Neon-compatible API (/api/v2) keeps two things of its own.

-- Neon-style ids (br-<word>-<word>-<digits>) of Offshoot objects: a branch (its id) or a template
-- (its id; the id of the project's default branch). Given once, on first sight through /api/v2, and
-- kept for good, so a branch keeps its id across resets and after its deletion.
create table neon_object (
    object_id  uuid        primary key,
    neon_id    text        not null unique,
    -- the branch's annotation (a JSON object of strings), as a Neon client sent it; null for none
    annotation text,
    created_at timestamptz not null,
    updated_at timestamptz not null
);

-- Operations of /api/v2 calls. Offshoot's calls are synchronous: what a call did is recorded as
-- finished once it is done, so clients that poll operations find nothing left to wait for.
create table neon_operation (
    id                uuid        primary key,
    -- the project's template; a template deleted and made again under its name starts afresh
    template_id       uuid        not null,
    branch_id         text,
    endpoint_id       text,
    action            text        not null,
    status            text        not null,
    -- the token that caused it: callers with limits see only their own operations
    actor             text        not null,
    created_at        timestamptz not null,
    total_duration_ms bigint      not null
);

create index neon_operation_template on neon_operation (template_id, created_at desc, id);
