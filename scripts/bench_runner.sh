#!/usr/bin/env bash
# Runner figures (issue 4): applying corpus migration sets into fresh databases with
#   ours (chatbi-db upgrade) vs one `psql -1 -f` per file vs all files in one psql session
#   vs `sqlx migrate run` (sqlx layouts only); and `status` with 1,000 applied migrations.
#
# Usage: scripts/bench_runner.sh [path/to/chatbi-db]   (build it first: cargo build --release)
# Uses a throwaway local cluster in $CHATBI_PGDATA (default: a temp dir), stopped at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
B=${1:-target/release/chatbi-db}
CORPUS=${CORPUS:-../shared/corpus}
export CHATBI_PGDATA=${CHATBI_PGDATA:-$(mktemp -d /tmp/chatbi-bench-XXXXXX)}
chmod 755 "$CHATBI_PGDATA"
trap '"$B" server stop >/dev/null 2>&1 || true' EXIT
U=$("$B" server url --database postgres | sed 's#/postgres$##')
PSQL="$(pg_config --bindir)/psql -X -q -v ON_ERROR_STOP=1"
fresh() { $PSQL "$U/postgres" -c "drop database if exists $1 with (force)" -c "create database $1" >/dev/null; }
# Times a command; a failing command aborts the script (a baseline that stopped early
# would look fast).
t() { local s e; s=$(date +%s%N); if ! "$@" >/dev/null 2>/tmp/bench_runner.err; then
  echo "FAILED: $*" >&2; cat /tmp/bench_runner.err >&2; exit 1; fi; e=$(date +%s%N); echo "$(( (e - s) / 1000000 )) ms"; }

# Up files of a set in version order (sqlx: *.up.sql or *.sql; diesel: */up.sql). The
# order is numeric on the version with diesel's dashes removed (`2017-09-26-200549` is
# 20170926200549), as the runner orders them; a plain `sort` would put it before 20170101.
by_version() { while read -r f; do v=$(basename "$(dirname "$f")"); [ "$v" = "$(basename "$1")" ] && v=$(basename "$f");
  v=${v%%_*}; echo "${v//-/} $f"; done | sort -n -k1,1 | cut -d' ' -f2-; }
up_files() {
  if ls "$1"/*/up.sql >/dev/null 2>&1; then ls "$1"/*/up.sql | by_version "$1"
  else ls "$1"/*.sql | grep -v '\.down\.sql$' | by_version "$1"; fi
}
# A file that runs outside a transaction (sqlx's marker, or diesel's metadata).
notx() { head -1 "$1" | grep -q -- '-- no-transaction' \
  || grep -qs 'run_in_transaction *= *false' "$(dirname "$1")/metadata.toml"; }
per_file() { set -o pipefail; up_files "$1" | while read -r f; do
  if notx "$f"; then $PSQL -d "$U/$2" -f "$f" || return 1; else $PSQL -1 -d "$U/$2" -f "$f" || return 1; fi; done; }
# One psql session, each migration in its own BEGIN/COMMIT as the runner does: the server's
# cost of the same work, with psql's per-statement round trips.
one_session_tx() { set -o pipefail; up_files "$1" | while read -r f; do
  if notx "$f"; then cat "$f"; echo; echo ';'; else echo 'BEGIN;'; cat "$f"; echo; echo ';'; echo 'COMMIT;'; fi
  done | $PSQL -d "$U/$2"; }
one_session() { set -o pipefail; up_files "$1" | while read -r f; do cat "$f"; echo; echo ';'; done | $PSQL -d "$U/$2"; }

# Median of $RUNS timings, each into a fresh database: median <label> <command...>; the
# command gets the database name as its last argument.
RUNS=${RUNS:-5}
median() { local label=$1; shift; local times=() i
  for i in $(seq 1 "$RUNS"); do fresh bench; times+=("$(t "$@" bench)"); done
  printf '%-40s median %6s ms   (runs: %s)\n' "$label" \
    "$(printf '%s\n' "${times[@]}" | sed 's/ ms//' | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p")" "${times[*]}"; }
ours_db() { local dir=$1 db=${!#}; shift; set -- "${@:1:$#-1}"
  "$B" --database-url "$U/$db" --migrations "$dir" "$@" upgrade; }
sqlx_run() { sqlx migrate run --source "$1" --database-url "$U/$2"; }

for project in rust-lang__crates.io rust-lang__docs.rs; do
  D="$CORPUS/$project/migrations"
  layout=(); [ -d "$CORPUS/$project/.sqlx" ] || layout=(--layout diesel)
  median "$project ours" ours_db "$D" "${layout[@]}"
  median "$project psql -1 per file" per_file "$D"
  median "$project one psql session" one_session "$D"
  median "$project one psql session, tx each" one_session_tx "$D"
  if [ ${#layout[@]} -eq 0 ] && command -v sqlx >/dev/null; then
    median "$project sqlx migrate run" sqlx_run "$D"
  fi
done

M=$(mktemp -d); for i in $(seq 1 1000); do printf 'select %d;\n' "$i" > "$M/$(printf %04d "$i")_m.sql"; done
# Head to head with sqlx-cli, runs alternated so that drift in the machine's load hits both.
if command -v sqlx >/dev/null; then
  D="$CORPUS/rust-lang__docs.rs/migrations"; a=(); b=()
  for i in $(seq 1 "$RUNS"); do
    fresh bench; a+=("$(t ours_db "$D" bench | sed 's/ ms//')")
    fresh bench; b+=("$(t sqlx_run "$D" bench | sed 's/ ms//')")
  done
  med() { printf '%s\n' "$@" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"; }
  printf 'docs.rs alternated: ours median %s ms (%s), sqlx median %s ms (%s)\n' \
    "$(med "${a[@]}")" "${a[*]}" "$(med "${b[@]}")" "${b[*]}"
fi

# Per-migration overhead of the runners themselves (the server's work is negligible here).
median "1000 trivial migrations, ours" ours_db "$M"
if command -v sqlx >/dev/null; then median "1000 trivial migrations, sqlx" sqlx_run "$M"; fi
fresh b5; "$B" --database-url "$U/b5" --migrations "$M" upgrade >/dev/null
for i in $(seq 1 "$RUNS"); do echo "status, 1000 applied: $(t "$B" --database-url "$U/b5" --migrations "$M" status)"; done
rm -rf "$M"
