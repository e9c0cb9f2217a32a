//! `credkit`: parses the command line, runs the command, and decides what is printed when it
//! fails and with which exit status the process ends.
//!
//! Exit status: 0 success; 1 a command reported a failure (a fixture failed, a signature or
//! presentation does not verify, too few partial signatures are valid, an upload is refused,
//! a key generation cannot complete, an ABE envelope cannot be opened); 2 a usage error
//! (clap's or a command's) or an input that cannot be read or parsed; 255 an internal error.
//! A closed output pipe ends quietly, with 141.
#![forbid(unsafe_code)]
#![deny(missing_docs)]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;
use credkit_cli::cli::{Cli, Command};
use credkit_cli::commands::{self, Status};
use credkit_cli::{CommandError, CommandErrorKind};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` are "errors" that go to stdout and exit with 0.
            let code = if e.use_stderr() { 2 } else { 0 };
            // Nothing more can be done if even this cannot be printed.
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let result = dispatch(&cli, &mut out).and_then(|status| {
        out.flush()?;
        Ok(status)
    });
    match result {
        Ok(status) => ExitCode::from(status.exit_code()),
        Err(err) => {
            report(&err);
            ExitCode::from(err.exit_code())
        }
    }
}

/// Runs the command `cli` names, writing its report to `out`.
fn dispatch(cli: &Cli, out: &mut impl Write) -> Result<Status, CommandError> {
    match &cli.command {
        Command::Keygen(args) => commands::keygen::run(args, out),
        Command::Pubkey(args) => commands::pubkey::run(args, out),
        Command::Request(args) => commands::request::run(args, out),
        Command::Issue(args) => commands::issue::run(args, out),
        Command::Present(args) => commands::present::run(args, out),
        Command::Verify(args) => commands::verify::run(args, out),
        Command::Group(args) => commands::group::run(args, out),
        Command::Upload(args) => commands::upload::run(args, out),
        Command::Abe(args) => commands::abe::run(args, out),
        Command::Record(args) => commands::record::run(args, out),
        Command::Epoch(args) => commands::epoch::run(args, out),
        Command::Vectors(args) => commands::vectors::run(args, out),
        Command::Bench(args) => commands::bench::run(args, out),
    }
}

/// Prints an error and its hints on stderr, worded by its kind.
fn report(err: &CommandError) {
    if err.is_broken_pipe() {
        // `credkit vectors ... | head`: the reader is gone, and nobody is left to tell.
        return;
    }
    let stderr = io::stderr();
    let mut e = stderr.lock();
    let prefix = match err.kind() {
        CommandErrorKind::Verification | CommandErrorKind::Usage | CommandErrorKind::Input => {
            "error"
        }
        CommandErrorKind::Internal => "internal error",
    };
    // Writes to stderr that fail have nowhere else to go.
    let _ = writeln!(e, "{prefix}: {}", err.message());
    for hint in err.hints() {
        let _ = writeln!(e, "hint: {hint}");
    }
    if err.kind() == CommandErrorKind::Internal && err.hints().is_empty() {
        let _ = writeln!(
            e,
            "hint: this is a bug in credkit, or a failure of this machine; please report it"
        );
    }
}
