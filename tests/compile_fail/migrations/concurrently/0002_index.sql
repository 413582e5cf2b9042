-- the index is built without locking writes
create index concurrently a_id on a (id);
