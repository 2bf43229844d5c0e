-- The superuser password sealed into a template revision's data: Offshoot's alone, never handed
-- out, and used only to log in to a new branch of the revision over TCP and give it its own
-- passwords at once (no exec into the container). Null for revisions sealed before: their
-- superuser has no password, and branches of them get their credentials through an exec.
alter table template_revision add column bootstrap_secret text;
