//! The commands that need no database, run as a user runs them: `schema dump`,
//! `sqlx verify`, `sqlx prepare --check`, over the corpus and ChatBI's own sets.

mod support;

use std::path::{Path, PathBuf};

use support::{chatbi_db, text};

fn corpus() -> PathBuf {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/corpus")).to_path_buf()
}

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Corpus projects: (name, layout flag).
fn projects() -> Vec<(String, Option<&'static str>)> {
    let mut out: Vec<(String, Option<&'static str>)> = std::fs::read_dir(corpus())
        .expect("../shared/corpus is beside the repository")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().join("catalog.pg15.json").is_file())
        .map(|e| {
            let diesel = !e.path().join(".sqlx").is_dir();
            (
                e.file_name().to_string_lossy().into_owned(),
                diesel.then_some("diesel"),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn schema_dump_equals_the_servers_catalog_for_every_corpus_project() {
    let projects = projects();
    assert_eq!(projects.len(), 6, "six corpus projects");
    let mut report = Vec::new();
    for (name, layout) in &projects {
        let dir = corpus().join(name);
        let mut cmd = chatbi_db();
        cmd.arg("--migrations").arg(dir.join("migrations"));
        if let Some(layout) = layout {
            cmd.args(["--layout", layout]);
        }
        let out = cmd
            .args(["schema", "dump", "--format", "catalog-json"])
            .output()
            .expect("run");
        assert!(out.status.success(), "{name}: {}", text(&out));
        let ours: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let expected: serde_json::Value = serde_json::from_str(
            &std::fs::read_to_string(dir.join("catalog.pg15.json")).expect("catalog"),
        )
        .expect("JSON");
        let (mut exact, mut total, mut cols_exact, mut cols_total) = (0, 0, 0, 0);
        for (rel, want) in expected["relations"].as_object().expect("relations") {
            total += 1;
            let got = &ours["relations"][rel];
            exact += usize::from(got == want);
            let want_cols = want["columns"].as_array().expect("columns");
            cols_total += want_cols.len();
            cols_exact += want_cols
                .iter()
                .enumerate()
                .filter(|(i, c)| &got["columns"][*i] == *c)
                .count();
        }
        report.push(format!(
            "{name}: relations {exact}/{total}, columns {cols_exact}/{cols_total}"
        ));
        for key in ["relations", "enums", "composites", "domains", "extensions"] {
            assert_eq!(ours[key], expected[key], "{name}: `{key}` differs");
        }
    }
    println!("{}", report.join("\n"));
}

#[test]
fn sqlx_verify_passes_every_corpus_query_and_json_names_each_file() {
    for (name, layout) in projects() {
        if layout.is_some() {
            continue; // crates.io has no .sqlx
        }
        let dir = corpus().join(&name);
        let out = chatbi_db()
            .arg("--migrations")
            .arg(dir.join("migrations"))
            .args(["sqlx", "verify", "--offline-dir"])
            .arg(dir.join(".sqlx"))
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let files = std::fs::read_dir(dir.join(".sqlx"))
            .expect("sqlx dir")
            .count();
        assert!(out.status.success(), "{name}: {}", text(&out));
        assert_eq!(
            stdout.lines().last(),
            Some(format!("{files} passed, 0 failed").as_str()),
            "{name}"
        );
        let out = chatbi_db()
            .arg("--migrations")
            .arg(dir.join("migrations"))
            .args(["sqlx", "verify", "--format", "json", "--offline-dir"])
            .arg(dir.join(".sqlx"))
            .output()
            .expect("run");
        assert!(out.status.success(), "{name}: {}", text(&out));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        let rendered = json.to_string();
        for entry in std::fs::read_dir(dir.join(".sqlx")).expect("dir") {
            let file = entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned();
            let hash = file.trim_start_matches("query-").trim_end_matches(".json");
            assert!(rendered.contains(hash), "{name}: {hash} missing from JSON");
        }
    }
}

/// Copies ChatBI's migrations and `.sqlx` into a scratch directory.
fn scratch_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().expect("tempdir");
    for sub in ["migrations", ".sqlx"] {
        std::fs::create_dir_all(tmp.path().join(sub)).expect("mkdir");
        for entry in std::fs::read_dir(repo().join(sub)).expect("read") {
            let entry = entry.expect("entry");
            std::fs::copy(entry.path(), tmp.path().join(sub).join(entry.file_name()))
                .expect("copy");
        }
    }
    tmp
}

#[test]
fn chatbi_offline_data_matches_and_goes_stale_when_a_column_goes() {
    let tmp = scratch_copy();
    let verify = |dir: &Path| {
        chatbi_db()
            .arg("--migrations")
            .arg(dir.join("migrations"))
            .args(["sqlx", "verify", "--offline-dir"])
            .arg(dir.join(".sqlx"))
            .output()
            .expect("run")
    };
    let out = verify(tmp.path());
    assert!(out.status.success(), "{}", text(&out));

    // A new migration renames a column a committed query returns: verify fails and says which.
    std::fs::write(
        tmp.path().join("migrations/0002_rename_name.up.sql"),
        "ALTER TABLE datasources RENAME COLUMN database_name TO dbname;\n",
    )
    .expect("write");
    std::fs::write(
        tmp.path().join("migrations/0002_rename_name.down.sql"),
        "ALTER TABLE datasources RENAME COLUMN dbname TO database_name;\n",
    )
    .expect("write");
    // The lock file would (rightly) refuse an unrecorded migration; this test is about .sqlx.
    let _ = std::fs::remove_file(tmp.path().join("migrations/migrations.lock"));
    let out = verify(tmp.path());
    let all = text(&out);
    assert_eq!(out.status.code(), Some(3), "{all}");
    assert!(all.contains("database_name"), "names the column: {all}");
    assert!(all.contains("15 passed, 3 failed"), "{all}");
}

#[test]
fn sqlx_prepare_check_agrees_with_the_committed_offline_data() {
    let out = chatbi_db()
        .args(["sqlx", "prepare", "--check", "--crate-dir"])
        .arg(repo())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("0 changed"),
        "{}",
        text(&out)
    );
}

#[test]
fn sqlx_prepare_writes_what_sqlx_wrote() {
    // Our prepare, with no database, writes byte for byte what `cargo sqlx prepare`
    // (against a live server) committed in .sqlx/.
    let tmp = tempfile::tempdir().expect("tempdir");
    std::fs::create_dir_all(tmp.path().join("src")).expect("mkdir");
    for file in ["datasource.rs", "rows.rs"] {
        std::fs::copy(
            repo().join("src/data").join(file),
            tmp.path().join("src").join(file),
        )
        .expect("copy");
    }
    let out = chatbi_db()
        .arg("--migrations")
        .arg(repo().join("migrations"))
        .args(["sqlx", "prepare", "--crate-dir"])
        .arg(tmp.path())
        .output()
        .expect("run");
    assert!(out.status.success(), "{}", text(&out));
    let mut committed: Vec<_> = std::fs::read_dir(repo().join(".sqlx"))
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    committed.sort();
    assert!(!committed.is_empty());
    for path in committed {
        let name = path.file_name().expect("name");
        let ours = std::fs::read(tmp.path().join(".sqlx").join(name))
            .unwrap_or_else(|e| panic!("{name:?} not written: {e}"));
        let theirs = std::fs::read(&path).expect("read");
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{name:?}"
        );
    }
}
