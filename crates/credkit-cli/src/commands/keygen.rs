//! `credkit keygen [--suite sha256|shake256] -o FILE [--force] [--json]`: makes an issuer's key.
//!
//! The secret key document goes to `FILE`, created with mode 0600 (never to standard output,
//! and an existing file is replaced only with `--force`); the public key document goes to
//! standard output, for the issuer to publish.

use std::io::Write;
use std::path::PathBuf;

use credkit_bbs::credential::IssuerKey;
use rand_core::OsRng;

use crate::cli::SuiteArg;
use crate::commands::Status;
use crate::error::{CommandError, CommandErrorKind};
use crate::files::{self, STDIO};

/// Arguments of `credkit keygen`.
#[derive(Debug, Clone, clap::Args)]
pub struct KeygenArgs {
    /// The ciphersuite the key signs under.
    #[arg(long, value_enum, default_value_t = SuiteArg::Sha256)]
    pub suite: SuiteArg,

    /// The file to write the secret key document to, readable by its owner only (mode 0600).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace FILE if it exists; the key it holds is lost.
    #[arg(long)]
    pub force: bool,

    /// Print the public key document as JSON (it is JSON already: the output is the same).
    #[arg(long)]
    pub json: bool,
}

/// Runs `credkit keygen`.
///
/// # Errors
/// A usage error for `-o -` or an existing file without `--force`; an input error when the
/// file cannot be created; an internal error when `out` cannot be written.
pub fn run(args: &KeygenArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if args.output.as_os_str() == STDIO {
        return Err(
            CommandError::usage("refusing to write a secret key to standard output").with_hint(
                "give a file with `-o FILE`; `credkit pubkey FILE` then prints its public key",
            ),
        );
    }
    let key = IssuerKey::generate(args.suite.id(), &mut OsRng);
    files::write_secret(&args.output, &key.to_json(), args.force).map_err(|e| {
        if e.kind() == CommandErrorKind::Usage {
            e.with_hint("an issuer key that is overwritten cannot be recovered")
        } else {
            e
        }
    })?;
    out.write_all(key.public().to_json().as_bytes())?;
    Ok(Status::Success)
}
