//! `credkit abe decrypt --key FILE IN -o OUT [--force]`: decrypts an ABE envelope with a
//! user's key.
//!
//! The envelope's tag is checked before anything is written: a file that was altered, cut, or
//! sealed for another authority writes nothing. The decrypted file is written with mode 0600
//! (it is what the policy protected), or to standard output with `-o -`.

use std::io::Write;
use std::path::PathBuf;

use credkit_abe::policy::Attribute;

use crate::abe_files::{Envelope, EnvelopeError, OpenError};
use crate::commands::abe::read_user_key;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs, STDIO};

/// Arguments of `credkit abe decrypt`.
#[derive(Debug, Clone, clap::Args)]
pub struct DecryptArgs {
    /// The user's key file, from `credkit abe keygen`.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,

    /// The envelope to decrypt, from `credkit abe encrypt`; `-` for standard input.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the decrypted file (mode 0600); `-` for standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit abe decrypt`.
///
/// # Errors
/// A verification error (exit status 1) when the key's attributes do not satisfy the policy,
/// the envelope was altered, or it is for another authority; an input error when the key or
/// the envelope cannot be read; a usage error for an existing output without `--force`.
pub fn run(args: &DecryptArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if args.output.as_os_str() != STDIO {
        files::refuse_existing([args.output.as_path()], args.force)?;
    }
    let mut inputs = Inputs::default();
    let (key_name, key) = read_user_key(&mut inputs, &args.key)?;
    let input = inputs.read_bytes(&args.input, Document::AbeEnvelope)?;
    let name = &input.name;
    let envelope = Envelope::from_bytes(&input.bytes).map_err(|e| {
        let err = CommandError::input(format!("{name}: {e}"));
        match e {
            EnvelopeError::NotAnEnvelope => {
                err.with_hint("give a file that `credkit abe encrypt` wrote")
            }
            EnvelopeError::UnsupportedVersion(_) => {
                err.with_hint("the file was written by another version of credkit")
            }
            EnvelopeError::Truncated(_) => {
                err.with_hint("the file was cut short; ask its sender for it again")
            }
            _ => err.with_hint("the envelope was altered; ask its sender for it again"),
        }
    })?;
    let plaintext = envelope.open(&key).map_err(|e| {
        let err = CommandError::verification(format!("{name}: {e}"));
        match e {
            OpenError::AuthorityMismatch { envelope, .. } => err.with_hint(format!(
                "{key_name} cannot open it: ask the authority {envelope} for a key, or the \
                 sender to encrypt with your authority's public key"
            )),
            OpenError::PolicyNotSatisfied => {
                let attributes: Vec<String> = key.attributes().map(Attribute::to_string).collect();
                err.with_hint(format!(
                    "the envelope's policy is `{}`; {key_name} has the attributes {}",
                    envelope.policy(),
                    attributes.join(", ")
                ))
            }
            OpenError::Authentication => {
                err.with_hint("nothing was written; ask the sender for the envelope again")
            }
            e => CommandError::internal(format!("{name}: {e}")),
        }
    })?;
    files::write_output_bytes(&args.output, &plaintext, args.force, true, out)?;
    Ok(Status::Success)
}
