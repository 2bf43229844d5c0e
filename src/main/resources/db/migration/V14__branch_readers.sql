-- A reader role of its own for each token that was shown a branch's read-only connection, so that
-- a reader who changes its role's password harms nobody else; and tokens whose SQL is read-only
-- while they may still branch and migrate (for coding agents).

create table branch_reader (
    branch_id  uuid        not null references branch (id) on delete cascade,
    -- whose: the token's id, or 'name:<name>' for a token configured in the environment
    reader     text        not null,
    role_name  text        not null,
    -- the role's password, handed to that token only (like the branch's own passwords)
    password   text        not null,
    created_at timestamptz not null,
    primary key (branch_id, reader)
);

alter table api_token add column sql_read_only boolean not null default false;
