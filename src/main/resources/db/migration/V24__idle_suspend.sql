-- Idle suspension per template and per branch (issue 22): seconds without a connection before the
-- gateway suspends a branch; 0 means never; null means the next level's setting applies (a branch's
-- own, else its template's, else offshoot.gateway.idle-suspend).
alter table template add column idle_suspend_seconds bigint check (idle_suspend_seconds >= 0);
alter table branch add column idle_suspend_seconds bigint check (idle_suspend_seconds >= 0);
