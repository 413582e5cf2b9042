#!/usr/bin/env bash
# Incremental `cargo build` cost (touch src/main.rs + rebuild) of a scratch crate that
# embeds 1,000 synthetic migrations with chatbi_db::embed_migrations!() vs
# sqlx::migrate!() vs no macro. Prints the median of RUNS rebuilds per variant and
# the ratio ours / sqlx, for the default dev profile (proc macros unoptimised) and
# for each macro's recommended `[profile.dev.package]` setting.
#
#   scripts/bench_embed_build.sh            # RUNS=5, N=1000
#   CARGO_TARGET_DIR=target/x RUNS=3 scripts/bench_embed_build.sh
#
# The scratch crates live under $WORK (default target/bench-embed) and share one
# target directory (default $WORK/target) with a copy of our Cargo.lock, so the
# dependencies compile once.
set -euo pipefail

REPO="$(cd "$(dirname "$0")/.." && pwd)"
WORK="${WORK:-$REPO/target/bench-embed}"
N="${N:-1000}"
RUNS="${RUNS:-5}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$WORK/target}"
SQLX_VERSION="$(grep -A1 '^name = "sqlx"$' "$REPO/Cargo.lock" | sed -n 's/^version = "\(.*\)"/\1/p')"

mkdir -p "$WORK"

write_migrations() {
    local dir="$1"
    rm -rf "$dir"; mkdir -p "$dir"
    for i in $(seq 1 "$N"); do
        local parent=""
        [ "$i" -gt 1 ] && parent=" references t$((i - 1))(id)"
        printf -- "-- synthetic migration %d\ncreate table t%d (\n    id bigint generated always as identity primary key,\n    name text not null,\n    amount numeric(12, 2) not null default 0,\n    created_at timestamptz not null default now(),\n    parent_id bigint%s\n);\ncreate index t%d_created_at on t%d (created_at);\ncomment on table t%d is 'synthetic table %d';\n" \
            "$i" "$i" "$parent" "$i" "$i" "$i" "$i" > "$dir/$(printf '%04d' "$i")_create_t$i.sql"
    done
}

# write_crate NAME DEPENDENCIES MAIN PROFILE_EXTRA
write_crate() {
    local name="$1" deps="$2" main="$3" profile="$4"
    local dir="$WORK/$name"
    mkdir -p "$dir/src"
    cat > "$dir/Cargo.toml" <<TOML
[package]
name = "$name"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
$deps

[workspace]

$profile
TOML
    cp "$REPO/Cargo.lock" "$dir/Cargo.lock"
    printf '%s\n' "$main" > "$dir/src/main.rs"
    printf 'fn main() {\n    println!("cargo::rerun-if-changed=migrations");\n}\n' > "$dir/build.rs"
    if [ ! -d "$dir/migrations" ] || [ "$(ls "$dir/migrations" | wc -l)" -ne "$N" ]; then
        write_migrations "$dir/migrations"
    fi
}

now() { date +%s.%N; }

# measure NAME: prints the median seconds of RUNS touch+rebuilds.
measure() {
    local dir="$WORK/$1"
    if ! cargo build --quiet --offline --manifest-path "$dir/Cargo.toml" >"$WORK/$1.log" 2>&1; then
        echo "building $1 failed, see $WORK/$1.log" >&2
        exit 1
    fi
    local times=()
    for _ in $(seq 1 "$RUNS"); do
        touch "$dir/src/main.rs"
        local t0 t1
        t0=$(now)
        cargo build --quiet --offline --manifest-path "$dir/Cargo.toml" >/dev/null 2>&1 || exit 1
        t1=$(now)
        times+=("$(echo "$t1 - $t0" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.3f\n", a[int((NR+1)/2)]}'
}

# Ours depends on the macro and core crates only, with the two paths the expansion
# names (`::chatbi_db::Migrator::new`, `::chatbi_db::core`) provided by the scratch
# crate itself: the measure is the macro, not the runtime crate's build.
OURS_DEP="chatbi-db-core = { path = \"$REPO/core\" }
chatbi-db-macros = { path = \"$REPO/macros\" }"
SQLX_DEP="sqlx = { version = \"=$SQLX_VERSION\", default-features = false, features = [\"postgres\", \"runtime-tokio\", \"macros\", \"migrate\"] }"
OURS_MAIN='extern crate self as chatbi_db;
pub use chatbi_db_core as core;
pub struct Migrator(core::migrate::MigrationSet);
impl Migrator {
    pub const fn new(set: core::migrate::MigrationSet) -> Self { Migrator(set) }
}
static MIGRATOR: Migrator = chatbi_db_macros::embed_migrations!();
fn main() { println!("{}", MIGRATOR.0.migrations.len()); }'
SQLX_MAIN='static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!();
fn main() { println!("{}", MIGRATOR.iter().count()); }'
NONE_MAIN='fn main() { println!("{}", 0); }'

OURS_OPT='[profile.dev.package.chatbi-db-macros]
opt-level = 3
[profile.dev.package.chatbi-db-core]
opt-level = 3'
SQLX_OPT='[profile.dev.package.sqlx-macros]
opt-level = 3'

# "tuned": also the SQL parser and hashing crates the macro runs, optimised.
OURS_TUNED="$OURS_OPT
[profile.dev.package.squawk-parser]
opt-level = 3
[profile.dev.package.squawk-syntax]
opt-level = 3
[profile.dev.package.squawk-lexer]
opt-level = 3
[profile.dev.package.rowan]
opt-level = 3
[profile.dev.package.sha2]
opt-level = 3"

echo "sqlx $SQLX_VERSION, $N migrations, median of $RUNS rebuilds, target $CARGO_TARGET_DIR"
for setting in ${SETTINGS:-default recommended tuned}; do
    case "$setting" in
        default) ours_p=""; sqlx_p="" ;;
        recommended) ours_p="$OURS_OPT"; sqlx_p="$SQLX_OPT" ;;
        *) ours_p="$OURS_TUNED"; sqlx_p="$SQLX_OPT" ;;
    esac
    write_crate embed-bench-ours "$OURS_DEP" "$OURS_MAIN" "$ours_p"
    write_crate embed-bench-sqlx "$SQLX_DEP" "$SQLX_MAIN" "$sqlx_p"
    write_crate embed-bench-none "$SQLX_DEP" "$NONE_MAIN" ""
    ours=$(measure embed-bench-ours) || exit 1
    sqlx=$(measure embed-bench-sqlx) || exit 1
    none=$(measure embed-bench-none) || exit 1
    ratio=$(echo "$ours / $sqlx" | bc -l)
    printf '%-12s ours %6.3fs  sqlx %6.3fs  no macro %6.3fs  ours/sqlx %.2f  (macro share: ours %.3fs, sqlx %.3fs)\n' \
        "$setting" "$ours" "$sqlx" "$none" "$ratio" "$(echo "$ours - $none" | bc -l)" "$(echo "$sqlx - $none" | bc -l)"
done
