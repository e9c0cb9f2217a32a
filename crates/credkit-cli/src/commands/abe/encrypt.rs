//! `credkit abe encrypt --public FILE --policy POLICY IN -o OUT [--force]`: encrypts a file
//! under a policy, for the users of an attribute authority.
//!
//! The envelope (`crate::abe_files::Envelope`) holds the policy in the clear, a FABEO
//! encapsulation under it, and the file encrypted with XChaCha20-Poly1305 under the
//! encapsulated key. It is not secret: it may go to standard output, except to a terminal.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use rand_core::OsRng;

use crate::abe_files::{Envelope, SealError};
use crate::commands::abe::{parse_policy, read_public_key};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs, STDIO};

/// Arguments of `credkit abe encrypt`.
#[derive(Debug, Clone, clap::Args)]
pub struct EncryptArgs {
    /// The authority's public key, from `credkit abe setup` or `credkit abe pubkey`.
    #[arg(long, value_name = "FILE")]
    pub public: PathBuf,

    /// The policy a user's attributes must satisfy to decrypt:
    /// 'role:cardiologist and hospital:H1'.
    #[arg(long, value_name = "POLICY")]
    pub policy: String,

    /// The file to encrypt, any bytes; `-` for standard input.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the envelope; `-` for standard output (not a terminal).
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Replace OUT if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit abe encrypt`.
///
/// # Errors
/// A usage error for a policy that does not parse (shown with a caret), an existing output
/// without `--force`, or `-o -` to a terminal; an input error when the public key or the file
/// cannot be read; an internal error when `out` cannot be written.
pub fn run(args: &EncryptArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let policy = parse_policy(&args.policy)?;
    if args.output.as_os_str() == STDIO {
        if std::io::stdout().is_terminal() {
            return Err(
                CommandError::usage("refusing to write a binary envelope to a terminal")
                    .with_hint("give a file with `-o FILE`, or redirect standard output"),
            );
        }
    } else {
        files::refuse_existing([args.output.as_path()], args.force)?;
    }
    let mut inputs = Inputs::default();
    let public = read_public_key(&mut inputs, &args.public)?;
    let plaintext = inputs.read_bytes(&args.input, Document::AbePlaintext)?;
    let envelope =
        Envelope::seal(&mut OsRng, &public, &policy, &plaintext.bytes).map_err(|e| match e {
            SealError::TooLong => CommandError::input(format!("{}: {e}", plaintext.name))
                .with_hint("split the file, and encrypt each part"),
            e => CommandError::internal(e.to_string()),
        })?;
    files::write_output_bytes(&args.output, &envelope.to_bytes(), args.force, false, out)?;
    Ok(Status::Success)
}
