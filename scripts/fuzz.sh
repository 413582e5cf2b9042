#!/usr/bin/env bash
# Runs the fuzz targets of fuzz/ (cargo fuzz, libFuzzer) one after another and prints, per
# target, the executions, the time and the crashes (artifacts in fuzz/artifacts/<target>/).
#
# Usage: scripts/fuzz.sh [--smoke] [--time SECONDS | --runs N] [--keep-going] [TARGET...]
#   --time S       run each target for S seconds (default 60)
#   --runs N       run each target for N executions instead (not with --keep-going)
#   --keep-going   libFuzzer's fork mode: a crash is saved and fuzzing goes on
#   --smoke        the short run CI calls: 15 s per target over the seed corpora
#   TARGET...  default: all (layout lock_file metadata_toml syntax_replay describe sqlx_reader url)
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); runs on the stable toolchain with
# RUSTC_BOOTSTRAP=1 (cargo fuzz passes nightly-only flags). Without sanitizers (`-s none`): the
# code is safe Rust, so a crash is a panic, an abort, a timeout or running out of memory.
# Seeds come from scripts/fuzz_seed.sh (run first when fuzz/corpus/ is missing). Runs under
# `nice -n 15` unless FUZZ_NICE=0. Exit status 1 when any target crashed.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
time_s=60 runs="" keep=() targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --smoke) time_s=15 ;;
    --time) time_s=$2; shift ;;
    --runs) runs=$2; shift ;;
    --keep-going) keep=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1) ;;
    -h|--help) sed -n 2,16p "$0"; exit 0 ;;
    *) targets+=("$1") ;;
  esac
  shift
done
[ ${#targets[@]} -gt 0 ] || targets=(layout lock_file metadata_toml syntax_replay describe sqlx_reader url)
export RUSTC_BOOTSTRAP=1 CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS=fallback CARGO_INCREMENTAL=0
nice=(nice -n 15); [ "${FUZZ_NICE:-15}" = 0 ] && nice=()
cd "$root/fuzz"
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz missing: cargo install cargo-fuzz --locked" >&2; exit 2; }
[ -d corpus ] || "$root/scripts/fuzz_seed.sh"
# the url target needs the root package (`--features db`), a much longer build: only when asked
features=(); for t in "${targets[@]}"; do [ "$t" = url ] && features=(--features db); done
"${nice[@]}" cargo fuzz build -a -s none "${features[@]}"

max_len() { case $1 in syntax_replay|describe) echo 8192 ;; sqlx_reader|layout) echo 65536 ;; *) echo 4096 ;; esac; }
status=0
printf '%-14s %12s %8s %s\n' target executions seconds crashes > "$root/fuzz/last_run.txt"
for t in "${targets[@]}"; do
  mkdir -p "corpus/$t" "artifacts/$t"
  limit=(-max_total_time="$time_s"); [ -n "$runs" ] && limit=(-runs="$runs")
  log=$(mktemp)
  start=$(date +%s)
  set +e
  "${nice[@]}" cargo fuzz run -a -s none "${features[@]}" "$t" "corpus/$t" -- \
    "${limit[@]}" "${keep[@]}" -max_len="$(max_len "$t")" -timeout=20 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="artifacts/$t/" >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  [ -n "$execs" ] || execs=$(grep -o '^#[0-9]*' "$log" | tr -d '#' | tail -1)
  crashes=$(find "artifacts/$t" -type f -newer "$log" | wc -l)
  [ $rc -ne 0 ] && { status=1; tail -40 "$log"; }
  printf '%-14s %12s %8s %s\n' "$t" "${execs:-?}" "$(( $(date +%s) - start ))" \
    "$crashes$([ $rc -ne 0 ] && echo " (exit $rc, log $log)")" | tee -a "$root/fuzz/last_run.txt"
  [ $rc -eq 0 ] && rm -f "$log"
done
exit $status
