//! Load + validate + checksum of migration sets, as `embed_migrations!` does at compile
//! time: ChatBI's two sets, 1,000 synthetic migrations, crates.io's 285 (corpus).
//!
//! Release: `cargo bench -p chatbi-db-core --bench migrate`.
//! Unoptimised, as proc macros get by default:
//! `cargo bench -p chatbi-db-core --bench migrate --profile dev --config 'profile.dev.package.chatbi-db-core.opt-level=0'`.
//! With the repository's dev setting (core at opt-level 3, its dependencies at 0):
//! `cargo bench -p chatbi-db-core --bench migrate --profile dev`.

use std::path::{Path, PathBuf};

use chatbi_db_core::migrate::{LoadOptions, SourceFile, load_dir_with, load_from_files};
use criterion::{Criterion, criterion_group, criterion_main};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The n-th synthetic migration: a table, an index, a foreign key and a comment.
pub fn synthetic(n: usize) -> SourceFile {
    let sql = format!(
        "-- synthetic migration {n}\n\
         create table t{n} (\n\
         \x20   id bigint generated always as identity primary key,\n\
         \x20   name text not null,\n\
         \x20   amount numeric(12, 2) not null default 0,\n\
         \x20   created_at timestamptz not null default now(),\n\
         \x20   parent_id bigint{parent}\n\
         );\n\
         create index t{n}_created_at on t{n} (created_at);\n\
         comment on table t{n} is 'synthetic table {n}';\n",
        parent = if n > 1 {
            format!(" references t{}(id)", n - 1)
        } else {
            String::new()
        },
    );
    SourceFile {
        path: format!("{n:04}_create_t{n}.sql"),
        bytes: sql.into_bytes(),
    }
}

fn bench(c: &mut Criterion) {
    let options = LoadOptions::default();
    let mut group = c.benchmark_group("migrate_load_validate_checksum");
    group.sample_size(20);
    group.bench_function("chatbi_sets_from_disk", |b| {
        b.iter(|| {
            for dir in ["migrations", "migrations_demo"] {
                let loaded = load_dir_with(&repo().join(dir), &options).expect("loads");
                std::hint::black_box(loaded);
            }
        })
    });
    let files: Vec<SourceFile> = (1..=1000).map(synthetic).collect();
    group.bench_function("synthetic_1000_in_memory", |b| {
        b.iter(|| {
            let set = load_from_files("migrations", &options, &files).expect("loads");
            assert_eq!(set.set.migrations.len(), 1000);
            std::hint::black_box(set);
        })
    });
    let crates_io = repo().join("../shared/corpus/rust-lang__crates.io/migrations");
    if crates_io.is_dir() {
        group.bench_function("crates_io_285_from_disk", |b| {
            b.iter(|| {
                let loaded = load_dir_with(&crates_io, &options).expect("loads");
                assert_eq!(loaded.set.migrations.len(), 285);
                std::hint::black_box(loaded);
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
