-- Query tunings (measurements of candidate changes on a throwaway copy of a branch, kept for a
-- short time under an id), and the MCP tool set a token may be pinned to at issue time.

create table query_tuning (
    id           uuid        primary key,
    -- the branch the tuning measured a copy of: its id binds the tuning (a branch deleted and
    -- created again under the same name is another branch)
    branch_id    uuid        not null,
    branch       text        not null,
    -- the throwaway branch kept for the tuning, or null once it is gone (or was never kept)
    throwaway    text,
    status       text        not null,
    statement    text        not null,
    -- the measurements, comparison and recommendation as JSON
    report       text        not null,
    -- the migration a completion checked or applied, as JSON ({"name", "sql"}), or null
    migration    text,
    created_by   text        not null,
    created_at   timestamptz not null,
    expires_at   timestamptz not null,
    completed_at timestamptz
);

create index query_tuning_branch on query_tuning (branch_id);
create index query_tuning_creator on query_tuning (created_by, status);
create index query_tuning_created_at on query_tuning (created_at);

-- the MCP tool set of a token: only read-only tools, only these categories, only these tools
-- (comma-separated; null: no limit). A URL may narrow it further, never widen it.
alter table api_token add column mcp_read_only boolean not null default false;
alter table api_token add column mcp_categories text;
alter table api_token add column mcp_tools text;
