-- A delivery is known by its body too: the delivery id header is not signed, so a captured
-- delivery sent again under a new id (or none) is still the same delivery and must do nothing.
alter table webhook_delivery add column digest text;
create unique index webhook_delivery_digest on webhook_delivery (source, digest) where digest is not null;
