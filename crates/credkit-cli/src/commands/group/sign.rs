//! `credkit group sign --share FILE MESSAGE -o FILE [--force]`: a member signs a message with
//! its share of the group key.
//!
//! The partial signature (`s_i * H(message)`) is written with the member's identifier, the
//! group id and the message's SHA-256. It is not secret: it may go to standard output.

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::sign;

use crate::commands::group::read_member_key;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{sha256, PartialSignatureFile};

/// Arguments of `credkit group sign`.
#[derive(Debug, Clone, clap::Args)]
pub struct SignArgs {
    /// This member's key file, `member-<i>.key.`
    #[arg(long, value_name = "FILE")]
    pub share: PathBuf,

    /// The message to sign, any bytes; `-` for standard input.
    #[arg(value_name = "MESSAGE")]
    pub message: PathBuf,

    /// Where to write the partial signature; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit group sign`.
///
/// # Errors
/// An input error when the key or the message cannot be read; a usage error when the output
/// exists and `--force` is not given.
pub fn run(args: &SignArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (_, key) = read_member_key(&mut inputs, &args.share)?;
    let message = inputs.read_bytes(&args.message, Document::Message)?;
    let partial = sign::sign(key.share(), &message.bytes);
    let file = PartialSignatureFile::new(key.group_id(), sha256(&message.bytes), partial);
    files::write_output(&args.output, &file.to_json(), args.force, out)?;
    Ok(Status::Success)
}
