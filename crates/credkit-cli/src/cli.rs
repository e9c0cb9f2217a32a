//! The command line: `credkit <COMMAND> [ARGS]`, as clap derives it.

use clap::{Parser, Subcommand};

use crate::commands::bench::BenchArgs;
use crate::commands::vectors::VectorsArgs;

/// Privacy-preserving credentials on BLS12-381 (IETF BBS signatures).
#[derive(Debug, Parser)]
#[command(name = "credkit", version, propagate_version = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run fixture files of the published IETF BBS format and report each one.
    ///
    /// Folders are searched recursively for `*.json` files. The ciphersuite of a file is the
    /// name of its nearest ancestor folder, `bls12-381-sha-256` or `bls12-381-shake-256`.
    /// Prints `PASS`, `FAIL` or `SKIP` per file, then `N passed, N failed`. Exits with 0 when
    /// nothing failed, 1 otherwise.
    Vectors(VectorsArgs),
    /// Time sign, verify, proof generation and verification on this machine, beside the curve
    /// operations they are built from.
    ///
    /// Reports the median of repeated runs. Build with `--release` for meaningful numbers.
    Bench(BenchArgs),
}
