-- The PostgreSQL major a template runs, chosen at create (offshoot.postgres.default-version when not
-- named; the service always writes it). Templates made before majors could be chosen were built from
-- the base image of major 15, which the default records.
alter table template add column postgres_version integer not null default 15;
