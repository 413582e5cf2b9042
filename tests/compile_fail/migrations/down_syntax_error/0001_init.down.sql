drop tabel a;
