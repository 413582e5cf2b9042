create table c (id int);
