-- no-transaction
create index concurrently a_id on a (id);
create index concurrently a_id2 on a (id);
