//! The `chatbi-db` command line (see `chatbi-db --help`); the logic is in `chatbi_db::cli`.

fn main() -> std::process::ExitCode {
    chatbi_db::cli::main()
}
