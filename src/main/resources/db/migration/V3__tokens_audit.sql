-- Scoped bearer tokens (only a hash of the secret is kept) and the audit log.

create table api_token (
    id                  uuid primary key,
    name                text        not null,
    secret_hash         text        not null unique,
    -- the first characters of the secret, so people can tell their tokens apart
    secret_prefix       text        not null,
    scopes              text        not null,
    -- comma-separated template names this token may use; null means all
    allowed_templates   text,
    -- a label every branch of this token carries (key=value); null means none
    required_label_key  text,
    required_label_value text,
    expires_at          timestamptz,
    created_by          text        not null,
    created_at          timestamptz not null,
    revoked_at          timestamptz,
    last_used_at        timestamptz,
    version             bigint      not null
);

create unique index api_token_live_name on api_token (name) where revoked_at is null;

create table audit_event (
    id          bigserial primary key,
    at          timestamptz not null,
    actor       text        not null,
    channel     text        not null,
    action      text        not null,
    target_type text,
    target      text,
    outcome     text        not null,
    status      int,
    detail      text
);

create index audit_event_at on audit_event (at desc);
create index audit_event_target on audit_event (target_type, target);
