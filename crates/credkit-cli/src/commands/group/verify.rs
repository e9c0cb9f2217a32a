//! `credkit group verify --group FILE MESSAGE SIGNATURE`: anyone checks a group signature.
//!
//! Prints `valid: signed by at least T of the N members of group ID` and exits with 0; exits
//! with 1, saying why, when the signature is of another group, of another message, or does
//! not verify.

use std::io::Write;
use std::path::PathBuf;

use crate::commands::group::{read_group, Possession};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{hex, sha256, GroupSignatureFile};

/// Arguments of `credkit group verify`.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// The group's public key, group.json.
    #[arg(long, value_name = "FILE")]
    pub group: PathBuf,

    /// The message that was signed; `-` for standard input.
    #[arg(value_name = "MESSAGE")]
    pub message: PathBuf,

    /// The group signature, from `credkit group combine`.
    #[arg(value_name = "SIGNATURE")]
    pub signature: PathBuf,
}

/// Runs `credkit group verify`.
///
/// # Errors
/// A verification error when the signature does not verify; an input error when a file
/// cannot be read or is not valid.
pub fn run(args: &VerifyArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (group_name, group) = read_group(&mut inputs, &args.group, Possession::Required)?;
    let message = inputs.read_bytes(&args.message, Document::Message)?;
    let input = inputs.read(&args.signature, Document::GroupSignature)?;
    let file = GroupSignatureFile::from_json(&input.text)
        .map_err(|e| files::format_error(&input.name, Document::GroupSignature, e))?;
    let name = &input.name;
    let expected = group.group_id();
    if file.group_id() != &expected {
        return Err(CommandError::verification(format!(
            "{name}: a signature of group {}, not of the group in {group_name} ({expected})",
            file.group_id()
        ))
        .with_hint("verify it with the group.json of the group that signed it"));
    }
    let digest = sha256(&message.bytes);
    if file.message_sha256() != &digest {
        return Err(CommandError::verification(format!(
            "{name}: a signature of another message than {} (message_sha256 is {}, the \
             message's SHA-256 is {})",
            message.name,
            hex(file.message_sha256()),
            hex(&digest)
        ))
        .with_hint("give the message exactly as it was signed"));
    }
    file.signature()
        .verify(group.package().group_public_key(), &message.bytes)
        .map_err(|_| {
            CommandError::verification(format!("{name}: the signature does not verify")).with_hint(
                format!(
                    "the signature or the message was altered, or the group in {group_name} \
                     did not sign it"
                ),
            )
        })?;
    writeln!(
        out,
        "valid: signed by at least {} of the {} members of group {expected}",
        group.package().min_signers(),
        group.package().max_signers()
    )?;
    Ok(Status::Success)
}
