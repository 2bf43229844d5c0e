-- Which storage driver holds each template revision's and each branch's data, so that a service
-- restarted with another driver still removes old data correctly (or refuses clearly to copy it).
-- Rows from before V9 were all image layers: 'overlay'.
alter table template_revision add column storage_driver text not null default 'overlay';
-- reflink: the revision's PGDATA directory, relative to offshoot.storage.path (image_ref is then the
-- base image that runs it); null for overlay, whose image holds the data
alter table template_revision add column data_path text;

alter table branch add column storage_driver text not null default 'overlay';
-- reflink: the directory a reset copies again (the revision's, or the branch's own snapshot of its
-- parent branch, whose path snapshot_image then holds); null for overlay (parent_image holds the data)
alter table branch add column parent_data text;
