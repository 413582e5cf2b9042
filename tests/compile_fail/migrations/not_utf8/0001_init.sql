create table a (id int);
comment on table a is 'café';
