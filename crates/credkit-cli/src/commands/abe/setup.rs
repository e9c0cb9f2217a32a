//! `credkit abe setup -o FILE [--public FILE] [--force]`: makes an attribute authority's
//! master key pair.
//!
//! The secret key document goes to `FILE`, created with mode 0600 (never to standard output;
//! an existing file is replaced only with `--force`); the public key document goes to
//! `--public FILE`, or to standard output, for the authority to publish.

use std::io::Write;
use std::path::PathBuf;

use rand_core::OsRng;

use crate::abe_files::AuthorityKey;
use crate::commands::Status;
use crate::error::{CommandError, CommandErrorKind};
use crate::files::{self, STDIO};

/// Arguments of `credkit abe setup`.
#[derive(Debug, Clone, clap::Args)]
pub struct SetupArgs {
    /// The file to write the authority's secret key document to, readable by its owner only
    /// (mode 0600).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// The file to write the public key document to; standard output when not given (or `-`).
    #[arg(long, value_name = "FILE")]
    pub public: Option<PathBuf>,

    /// Replace the files if they exist; the key they hold is lost, and every user key and
    /// envelope made with it becomes useless.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit abe setup`.
///
/// # Errors
/// A usage error for `-o -` or an existing file without `--force` (nothing is written then);
/// an input error when a file cannot be created; an internal error when `out` cannot be
/// written.
pub fn run(args: &SetupArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if args.output.as_os_str() == STDIO {
        return Err(
            CommandError::usage("refusing to write a secret key to standard output").with_hint(
                "give a file with `-o FILE`; `credkit abe pubkey FILE` then prints its public key",
            ),
        );
    }
    let public_file = args.public.as_ref().filter(|p| p.as_os_str() != STDIO);
    let overwritten = |e: CommandError| {
        if e.kind() == CommandErrorKind::Usage {
            e.with_hint("an authority key that is overwritten cannot be recovered")
        } else {
            e
        }
    };
    files::refuse_existing(
        std::iter::once(args.output.as_path()).chain(public_file.map(PathBuf::as_path)),
        args.force,
    )
    .map_err(overwritten)?;
    let key = AuthorityKey::generate(&mut OsRng);
    files::write_secret(&args.output, &key.to_json(), args.force).map_err(overwritten)?;
    let public = key.public().to_json();
    match public_file {
        Some(path) => files::write_file_public(path, &public, args.force)?,
        None => out.write_all(public.as_bytes())?,
    }
    Ok(Status::Success)
}
