//! The parent side: runs each file in a child process with a time and memory limit, turns the
//! children's markers into crashes, and reports.

use std::io::{BufRead, BufReader, Read};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::known::{KNOWN_CRASHES, Known};
use super::psql::sql_of_script;
use super::{CHILD_ENV, MEMORY_LIMIT_KIB, SKIP_ENV, TIME_LIMIT};

/// How many times a file is run again after its child died.
const MAX_RUNS: usize = 40;

/// A crash: where the child was and what happened.
pub struct Crash {
    /// The step as the child announced it (`key`, `stage`, `source`, `start`, `end`).
    pub step: Value,
    /// The panic message, or how the process ended.
    pub what: String,
}

impl Crash {
    fn str(&self, field: &str) -> &str {
        self.step[field].as_str().unwrap_or("")
    }
}

/// What one child's run printed and how it ended.
#[derive(Default)]
struct Attempt {
    last_begin: Option<Value>,
    panics: Vec<Value>,
    done: Option<Value>,
    stderr_tail: String,
    ended: Option<String>,
}

/// One file's runs.
pub struct FileRun {
    /// The file, or `*` for the whole suite as one set.
    pub name: String,
    /// The counts of the run that reached its end.
    pub done: Option<Value>,
    /// Every crash, in the order found.
    pub crashes: Vec<Crash>,
    /// Processes started.
    pub runs: usize,
    /// Wall time of all its runs.
    pub elapsed: Duration,
}

/// Runs `target` (a file, or the suite directory) until a child reaches its end, skipping the
/// steps that killed the earlier children.
pub fn run_target(target: &Path) -> FileRun {
    let start = Instant::now();
    let name = if target.is_dir() {
        "*".to_string()
    } else {
        target
            .file_name()
            .unwrap_or_default()
            .to_string_lossy()
            .into_owned()
    };
    let mut run = FileRun {
        name,
        done: None,
        crashes: Vec::new(),
        runs: 0,
        elapsed: Duration::ZERO,
    };
    let mut skip: Vec<String> = Vec::new();
    while run.runs < MAX_RUNS {
        run.runs += 1;
        let attempt = attempt(target, &skip);
        for p in attempt.panics {
            let what = p["panic"].as_str().unwrap_or("").to_string();
            run.crashes.push(Crash { step: p, what });
        }
        if attempt.done.is_some() {
            run.done = attempt.done;
            break;
        }
        let what = format!(
            "{}; stderr ends: {}",
            attempt.ended.unwrap_or_default(),
            attempt.stderr_tail.trim()
        );
        let Some(step) = attempt.last_begin else {
            run.crashes.push(Crash {
                step: serde_json::json!({"key": "startup", "stage": "startup", "source": run.name}),
                what,
            });
            break;
        };
        skip.push(step["key"].as_str().unwrap_or("").to_string());
        run.crashes.push(Crash { step, what });
    }
    if run.done.is_none() && run.runs >= MAX_RUNS {
        run.crashes.push(Crash {
            step: serde_json::json!({"key": "gave-up", "stage": "gave-up", "source": run.name}),
            what: format!("still dying after {MAX_RUNS} runs"),
        });
    }
    run.elapsed = start.elapsed();
    run
}

/// Starts one child on `target` under the memory limit and waits for it (up to the time
/// limit), collecting its markers.
fn attempt(target: &Path, skip: &[String]) -> Attempt {
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut child = Command::new("/bin/sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_LIMIT_KIB} && exec \"$0\" \"$@\""
        ))
        .arg(exe)
        .args([
            "pg_regress_child",
            "--exact",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, target)
        .env(SKIP_ENV, skip.join("\n"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start a child test process");
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    let (ended, (mut got, tail)) = std::thread::scope(|s| {
        let out = s.spawn(move || read_markers(stdout));
        let err = s.spawn(move || read_tail(stderr));
        let ended = wait_limited(&mut child);
        let got = out.join().expect("stdout reader");
        let tail = err.join().expect("stderr reader");
        (ended, (got, tail))
    });
    got.stderr_tail = tail;
    got.ended = ended;
    got
}

/// Waits for `child`; kills it at the time limit. `None` when it exited successfully,
/// otherwise how it ended.
fn wait_limited(child: &mut Child) -> Option<String> {
    let deadline = Instant::now() + TIME_LIMIT;
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return describe_exit(status),
            Ok(None) if Instant::now() >= deadline => {
                // already exited, or killed now: either way it is reaped below
                let _ = child.kill();
                let _ = child.wait();
                return Some(format!("still running after {TIME_LIMIT:?}: killed (hang)"));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(10)),
            Err(e) => return Some(format!("wait failed: {e}")),
        }
    }
}

fn describe_exit(status: ExitStatus) -> Option<String> {
    if status.success() {
        return None;
    }
    Some(match status.signal() {
        Some(6) => "aborted (SIGABRT)".to_string(),
        Some(11) => "segmentation fault (SIGSEGV)".to_string(),
        Some(9) => "killed (SIGKILL)".to_string(),
        Some(sig) => format!("killed by signal {sig}"),
        None => format!("exited with {status}"),
    })
}

/// The markers a child printed on stdout.
fn read_markers(stdout: impl Read) -> Attempt {
    let mut got = Attempt::default();
    for line in BufReader::new(stdout).lines() {
        let Ok(line) = line else { break };
        let Some((tag, rest)) = line.split_once(' ') else {
            continue;
        };
        let Ok(value) = serde_json::from_str::<Value>(rest) else {
            continue;
        };
        match tag {
            "@begin" => got.last_begin = Some(value),
            "@panic" => got.panics.push(value),
            "@done" => got.done = Some(value),
            _ => {}
        }
    }
    got
}

/// The last 2,000 bytes a child printed on stderr.
fn read_tail(mut stderr: impl Read) -> String {
    let mut all = Vec::new();
    // a read error only shortens the message
    let _ = stderr.read_to_end(&mut all);
    let from = all.len().saturating_sub(2000);
    String::from_utf8_lossy(&all[from..]).into_owned()
}

/// Every file, then the whole suite as one set, on as many workers as there are cores.
pub fn run_all(dir: &Path, files: &[PathBuf]) -> Report {
    let start = Instant::now();
    let mut queue: Vec<PathBuf> = files.to_vec();
    queue.push(dir.to_path_buf());
    queue.reverse();
    let queue = Mutex::new(queue);
    let results = Mutex::new(Vec::new());
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                while let Some(target) = queue.lock().expect("queue").pop() {
                    let run = run_target(&target);
                    results.lock().expect("results").push(run);
                }
            });
        }
    });
    let mut runs = results.into_inner().expect("results");
    runs.sort_by(|a, b| a.name.cmp(&b.name));
    Report {
        dir: dir.to_path_buf(),
        runs,
        elapsed: start.elapsed(),
    }
}

/// All files' runs.
pub struct Report {
    dir: PathBuf,
    runs: Vec<FileRun>,
    elapsed: Duration,
}

impl Report {
    /// Runs that reached their end.
    pub fn completed(&self) -> usize {
        self.runs.iter().filter(|r| r.done.is_some()).count()
    }

    /// The crashes not in [`KNOWN_CRASHES`].
    pub fn new_crashes(&self) -> Vec<&Crash> {
        self.crashes()
            .filter(|c| {
                !KNOWN_CRASHES
                    .iter()
                    .any(|k| matches(k, c, &self.statement(c).0))
            })
            .collect()
    }

    fn crashes(&self) -> impl Iterator<Item = &Crash> {
        self.runs.iter().flat_map(|r| r.crashes.iter())
    }

    fn sum(&self, field: &str) -> u64 {
        self.runs
            .iter()
            .filter(|r| r.name != "*")
            .filter_map(|r| r.done.as_ref())
            .map(|d| {
                d[field]
                    .as_u64()
                    .unwrap_or(d[field].as_bool().unwrap_or(false) as u64)
            })
            .sum()
    }

    /// The crashing statement's text (whitespace collapsed) and line, when the step was one.
    fn statement(&self, c: &Crash) -> (String, usize) {
        let (Some(start), Some(end)) = (c.step["start"].as_u64(), c.step["end"].as_u64()) else {
            return (String::new(), 0);
        };
        let bytes = std::fs::read(self.dir.join(c.str("source"))).unwrap_or_default();
        let sql = sql_of_script(&String::from_utf8_lossy(&bytes));
        let (start, end) = (start as usize, end as usize);
        let text = sql.get(start..end).unwrap_or("");
        let line = sql[..start.min(sql.len())].matches('\n').count() + 1;
        (text.split_whitespace().collect::<Vec<_>>().join(" "), line)
    }

    /// Prints the figures and every crash with its reproducer.
    pub fn print(&self) {
        for c in self.crashes() {
            let (text, line) = self.statement(c);
            let status = if KNOWN_CRASHES.iter().any(|k| matches(k, c, &text)) {
                "known"
            } else {
                "NEW"
            };
            println!(
                "CRASH ({status}) {}:{line} at {}: {}",
                c.str("source"),
                c.str("stage"),
                c.what
            );
            if !text.is_empty() {
                let shown: String = text.chars().take(400).collect();
                println!("    statement: {shown}");
            }
        }
        for k in KNOWN_CRASHES {
            let seen = self.crashes().any(|c| matches(k, c, &self.statement(c).0));
            if !seen {
                println!(
                    "FIXED: known crash {} at {} `{}` no longer happens: remove it from KNOWN_CRASHES",
                    k.source, k.stage, k.statement
                );
            }
        }
        self.print_figures();
    }

    fn print_figures(&self) {
        let files = self.runs.iter().filter(|r| r.name != "*").count();
        println!(
            "files: {files} (+ the whole suite as one set); completed: {}; child processes: {}",
            self.completed(),
            self.runs.iter().map(|r| r.runs).sum::<usize>()
        );
        println!(
            "as migrations: {} files refused at load/validation, {} refused at replay",
            self.sum("load_refused"),
            self.sum("file_replay_refused")
        );
        println!(
            "statements: {}; described {}, refused by describe {}; replayed {}, refused by replay {} (test_setup.sql's replayed again before each file)",
            self.sum("statements"),
            self.sum("described"),
            self.sum("describe_refused"),
            self.sum("replayed"),
            self.sum("replay_refused")
        );
        println!("crashes: {}", self.crashes().count());
        let peak = self
            .runs
            .iter()
            .filter_map(|r| r.done.as_ref())
            .map(|d| d["peak_kib"].as_u64().unwrap_or(0))
            .max();
        let mut slow: Vec<&FileRun> = self.runs.iter().collect();
        slow.sort_by_key(|r| std::cmp::Reverse(r.elapsed));
        let slow: Vec<String> = slow
            .iter()
            .take(5)
            .map(|r| format!("{} {:.1?}", r.name, r.elapsed))
            .collect();
        println!(
            "peak memory of a child: {} KiB; slowest: {}",
            peak.unwrap_or(0),
            slow.join(", ")
        );
        println!("wall time: {:.1?}", self.elapsed);
    }
}

/// Whether crash `c`, at statement `text`, is the known crash `k`.
fn matches(k: &Known, c: &Crash, text: &str) -> bool {
    k.source == c.str("source") && k.stage == c.str("stage") && text.starts_with(k.statement)
}
