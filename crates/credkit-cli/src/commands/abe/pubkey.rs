//! `credkit abe pubkey FILE`: prints the public key of an attribute authority's key file.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::abe::read_authority_key;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::Inputs;

/// Arguments of `credkit abe pubkey`.
#[derive(Debug, Clone, clap::Args)]
pub struct PubkeyArgs {
    /// The authority's key file, from `credkit abe setup -o FILE`; `-` for standard input.
    #[arg(value_name = "FILE")]
    pub key: PathBuf,
}

/// Runs `credkit abe pubkey`.
///
/// # Errors
/// An input error when the key cannot be read; an internal error when `out` cannot be
/// written.
pub fn run(args: &PubkeyArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let key = read_authority_key(&mut Inputs::default(), &args.key)?;
    out.write_all(key.public().to_json().as_bytes())?;
    Ok(Status::Success)
}
