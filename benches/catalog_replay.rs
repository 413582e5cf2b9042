//! Replay time and peak memory of crates.io's 285 corpus migrations (and the other corpus
//! projects), through `chatbi_db_core::catalog::replay`.
//!
//! `cargo bench --bench catalog_replay` (release), or `cargo bench --bench catalog_replay
//! --profile dev` for the unoptimised build. Prints the median and minimum of 30 runs and the
//! peak heap in use during one replay (a counting global allocator).

use std::alloc::{GlobalAlloc, Layout as AllocLayout, System};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use chatbi_db_core::catalog;
use chatbi_db_core::migrate::{LoadOptions, MigrationSet, load_dir_with};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: AllocLayout) -> *mut u8 {
        // SAFETY: forwarding to the system allocator with the caller's layout.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: AllocLayout) {
        // SAFETY: `ptr` was allocated by `alloc` above with this layout.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// The set as core loads it (layout detected; the corpus has no lock file to check).
fn load(dir: &Path) -> MigrationSet {
    let options = LoadOptions {
        check_lock: false,
        ..LoadOptions::default()
    };
    match load_dir_with(dir, &options) {
        Ok(loaded) => loaded.set,
        Err(errors) => panic!("{}: {}", dir.display(), errors[0]),
    }
}

fn main() {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus");
    let mut projects: Vec<_> = std::fs::read_dir(&corpus)
        .expect("../shared/corpus")
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("migrations").is_dir())
        .collect();
    projects.sort();
    let profile = if cfg!(debug_assertions) {
        "dev (debug assertions)"
    } else {
        "release"
    };
    println!("catalog replay, {profile} build");
    for p in projects {
        let set = load(&p.join("migrations"));
        let bytes: usize = set.migrations.iter().map(|m| m.up_sql.len()).sum();
        // warm up, and check it replays
        let replay = catalog::replay(&set).expect("corpus replays");
        drop(replay);
        let mut times = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            let r = catalog::replay(&set).expect("corpus replays");
            times.push(t.elapsed());
            std::hint::black_box(r);
        }
        times.sort();
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let r = catalog::replay(&set).expect("corpus replays");
        let peak = PEAK.load(Ordering::Relaxed) - base;
        drop(r);
        println!(
            "{:<40} {:>4} migrations {:>8} bytes  median {:>8.2} ms  min {:>8.2} ms  peak heap {:>7.1} KiB",
            p.file_name().unwrap().to_string_lossy(),
            set.migrations.len(),
            bytes,
            times[times.len() / 2].as_secs_f64() * 1e3,
            times[0].as_secs_f64() * 1e3,
            peak as f64 / 1024.0
        );
    }
}
