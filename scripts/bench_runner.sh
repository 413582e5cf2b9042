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
t() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1; e=$(date +%s%N); echo "$(( (e - s) / 1000000 )) ms"; }

# Up files of a set in version order (sqlx: *.up.sql or *.sql; diesel: */up.sql).
up_files() {
  if ls "$1"/*/up.sql >/dev/null 2>&1; then ls -d "$1"/*/ | sort | sed 's#/$#/up.sql#'
  else ls "$1"/*.sql | grep -v '\.down\.sql$' | sort; fi
}
per_file() { up_files "$1" | while read -r f; do
  if head -1 "$f" | grep -q -- '-- no-transaction' || [ -f "$(dirname "$f")/metadata.toml" ]; then $PSQL -d "$U/$2" -f "$f"; else $PSQL -1 -d "$U/$2" -f "$f"; fi; done; }
one_session() { up_files "$1" | while read -r f; do cat "$f"; echo; echo ';'; done | $PSQL -d "$U/$2"; }

for project in rust-lang__crates.io rust-lang__docs.rs; do
  D="$CORPUS/$project/migrations"
  layout=(); [ -d "$CORPUS/$project/.sqlx" ] || layout=(--layout diesel)
  fresh b1; echo "$project ours:             $(t "$B" --database-url "$U/b1" --migrations "$D" "${layout[@]}" upgrade)"
  fresh b2; echo "$project psql -1 per file: $(t per_file "$D" b2)"
  fresh b3; echo "$project one psql session: $(t one_session "$D" b3)"
  if [ ${#layout[@]} -eq 0 ] && command -v sqlx >/dev/null; then
    fresh b4; echo "$project sqlx migrate run: $(t sqlx migrate run --source "$D" --database-url "$U/b4")"
  fi
done

M=$(mktemp -d); for i in $(seq 1 1000); do printf 'select %d;\n' "$i" > "$M/$(printf %04d "$i")_m.sql"; done
fresh b5; echo "1000 trivial migrations, ours: $(t "$B" --database-url "$U/b5" --migrations "$M" upgrade)"
for i in 1 2 3; do echo "status, 1000 applied: $(t "$B" --database-url "$U/b5" --migrations "$M" status)"; done
rm -rf "$M"
