-- Every branch's own secrets: the superuser password and the read-only role's password, each set
-- in the branch's Postgres as a SCRAM verifier. Rows written before V5 have neither: their branches
-- keep using the template's superuser password and have no read-only role until Offshoot first
-- uses them (BranchAccess) or launches them (reset, recreation), which gives them both.
alter table branch add column superuser_password text;
alter table branch add column readonly_password text;
