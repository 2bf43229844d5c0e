-- warm pools (issue 11): how many started branches of its latest revision a template keeps ready;
-- the members themselves are branch rows with status POOLED
alter table template add column pool_size int not null default 0;
create index branch_pooled on branch (template_id, template_revision, created_at) where status = 'POOLED';
