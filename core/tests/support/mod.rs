//! Shared by the tests that build a scratch crate with cargo.

use std::path::Path;
use std::process::Command;

/// `cargo <args…>` for a scratch crate at `root`, building into `target`: the resolver falls
/// back to versions that build on our rust-version (as `.ci/run` does for the workspace), and
/// dependencies carry no debug info (as in the workspace's dev profile) so the scratch target
/// stays small on CI disks.
pub fn scratch_cargo(root: &Path, target: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO"));
    cmd.args(args)
        .current_dir(root)
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_RESOLVER_INCOMPATIBLE_RUST_VERSIONS", "fallback")
        .env("CARGO_PROFILE_DEV_DEBUG", "false")
        .env_remove("RUSTFLAGS");
    cmd
}
