create table a (id int);

create tabel b (id int);
