#!/usr/bin/env bash
# Builds the fuzz targets' seed corpora in fuzz/corpus/<target>/ from the shared corpora beside
# the repository (../shared/corpus, ../shared/corpus2, ../shared/pg_regress) and the project's
# own migrations. The seeds are test data from other projects: fuzz/corpus/ is git-ignored and
# must never be committed.
#
# Usage: scripts/fuzz_seed.sh            (SHARED=/path/to/shared to read the corpora elsewhere)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared=${SHARED:-$root/../shared}
[ -d "$shared/corpus" ] || { echo "no corpora at $shared (set SHARED=...)" >&2; exit 1; }
out=$root/fuzz/corpus
mkdir -p "$out"
seed() { # seed <target>  (content on stdin; file named by its hash, as libFuzzer names them)
  local tmp; tmp=$(mktemp)
  cat > "$tmp"
  mkdir -p "$out/$1"
  mv "$tmp" "$out/$1/$(sha1sum < "$tmp" | cut -c1-40)"
}
seed_each() { # seed_each <target>  (contents on stdin, each ended by a NUL)
  mkdir -p "$out/$1"
  python3 -c '
import hashlib, os, sys
out = sys.argv[1]
for piece in sys.stdin.buffer.read().split(b"\0"):
    if piece.strip():
        with open(os.path.join(out, hashlib.sha1(piece).hexdigest()), "wb") as f:
            f.write(piece)
' "$out/$1"
}
migration_dirs() {
  find "$shared/corpus" "$shared/corpus2" -maxdepth 3 -type d -name migrations
  echo "$root/migrations"; echo "$root/migrations_demo"
}

# layout: a layout byte, then each file's path and first SQL line
for dir in $(migration_dirs); do
  for pick in 0 1 2 3; do
    {
      printf "\\x0$pick"
      find "$dir" -type f -printf '%P\n' | sort | while read -r f; do
        printf '%s\t%s\n' "$f" "$(grep -m1 -v '^\s*$' "$dir/$f" | tr -d '\t\r' | cut -c1-120)"
      done
    } | seed layout
  done
done

# metadata_toml: every diesel metadata.toml, with both up files, and a few written here
find "$shared/corpus" "$shared/corpus2" -name metadata.toml | while read -r f; do
  for pick in 0 1; do { printf "\\x0$pick"; cat "$f"; } | seed metadata_toml; done
done
for t in 'run_in_transaction = false' 'run_in_transaction = true' 'run_in_transaction = "no"' \
  '[x]\nrun_in_transaction = false' 'run_in_transaction = false # why\n'; do
  printf "\\x01$t\n" | seed metadata_toml
done

# lock_file: the project's lock files, as they are and with `sum auto`
for lock in "$root"/migrations*/migrations.lock; do
  seed lock_file < "$lock"
  sed 's/^sum .*/sum auto/' "$lock" | seed lock_file
done

# syntax_replay: migration files (cut into pieces of about 40 lines at statement ends) and
# PostgreSQL's regression files, cut the same way
cut_sql() { # cut_sql <file>: pieces on stdout, separated by NUL
  awk 'BEGIN{n=0} {buf=buf $0 "\n"; n++} n>=40 && /;[[:space:]]*$/ {printf "%s%c", buf, 0; buf=""; n=0}
       END{if (buf != "") printf "%s%c", buf, 0}' "$1"
}
{ for dir in $(migration_dirs); do find "$dir" -name '*.sql'; done
  find "$shared/pg_regress/sql" -name '*.sql'; } | while read -r f; do cut_sql "$f"; done |
  seed_each syntax_replay

# describe: every query of the corpora's .sqlx files, and the regression files' queries
find "$shared/corpus" "$shared/corpus2" -path '*.sqlx/*.json' -print0 |
  xargs -0 python3 -c '
import json, sys
for p in sys.argv[1:]:
    q = json.load(open(p)).get("query", "")
    sys.stdout.write(q + "\0")
' | seed_each describe
find "$shared/pg_regress/sql" -name '*.sql' -print0 | xargs -0 awk '
  /^[[:space:]]*(--|\\)/ {next}
  {buf = buf $0 "\n"}
  /;[[:space:]]*$/ {if (tolower(buf) ~ /^[[:space:]]*(select|with|insert|update|delete|values|table)[[:space:](]/) printf "%s%c", buf, 0; buf=""}
' | seed_each describe

# sqlx_reader: the corpora's offline files
find "$shared/corpus" "$shared/corpus2" -path '*.sqlx/*.json' | while read -r f; do seed sqlx_reader < "$f"; done

# url: URLs in the shapes libpq and sqlx take
for u in 'postgres://localhost' 'postgresql://app:s3cret@db.example:5433/chatbi?sslmode=verify-full&sslrootcert=ca.pem' \
  'postgres://user@%2Fvar%2Frun%2Fpostgresql/db' 'postgres:///db?host=/tmp&port=5433' \
  'postgres://u:p%40ss@[::1]:5432/d?connect_timeout=10&application_name=x' \
  'postgres://a:b@h1:1,h2:2/db?target_session_attrs=read-write' 'postgres://%E2%82%AC:%00@h/%20db' \
  'postgres://user:pa:ss@host/db?sslmode=disable&options=-c%20search_path%3Dx'; do
  printf '%s' "$u" | seed url
done

for t in "$out"/*/; do echo "$(basename "$t"): $(find "$t" -type f | wc -l) seeds"; done
