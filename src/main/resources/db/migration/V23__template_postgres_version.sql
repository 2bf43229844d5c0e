-- The PostgreSQL major a template runs, chosen at create (offshoot.postgres.default-version when not
-- named). Templates made before majors could be chosen were built from the base image of major 15.
alter table template add column postgres_version integer not null default 15;
alter table template alter column postgres_version drop default;
