//! `credkit upload seal --group FILE --unsigned FILE PARTIAL... -o FILE [--force]`: the
//! combiner turns members' partial signatures of an upload into the signed envelope.
//!
//! The partial signatures are checked and combined as `credkit group combine` does, with the
//! envelope's signing bytes as the message. Writes the envelope in credkit-threshold's JSON
//! form (`"type": "upload"`, one line).

use std::io::{self, Write};
use std::path::PathBuf;

use crate::commands::group::combine::{combine_partials, Signed};
use crate::commands::group::{read_all, read_group, Possession};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{PartialSignatureFile, UnsignedUploadFile};

/// Arguments of `credkit upload seal`.
#[derive(Debug, Clone, clap::Args)]
pub struct SealArgs {
    /// The group's public key, group.json.
    #[arg(long, value_name = "FILE")]
    pub group: PathBuf,

    /// The unsigned envelope the members signed, from `credkit upload prepare`.
    #[arg(long, value_name = "FILE")]
    pub unsigned: PathBuf,

    /// The members' partial signatures, from `credkit upload sign`; at least min_signers.
    #[arg(value_name = "PARTIAL", required = true)]
    pub partials: Vec<PathBuf>,

    /// Where to write the signed envelope; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit upload seal`.
///
/// # Errors
/// As `credkit group combine`; an input error when the envelope is for another group.
pub fn run(args: &SealArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (group_name, group) = read_group(&mut inputs, &args.group, Possession::Required)?;
    let input = inputs.read(&args.unsigned, Document::UnsignedUpload)?;
    let unsigned = UnsignedUploadFile::from_json(&input.text)
        .map_err(|e| files::format_error(&input.name, Document::UnsignedUpload, e))?
        .into_unsigned();
    if unsigned.group_id() != &group.group_id() {
        return Err(CommandError::input(format!(
            "{}: an upload for group {}, not for the group in {group_name} ({})",
            input.name,
            unsigned.group_id(),
            group.group_id()
        ))
        .with_hint("seal it with the group.json of the group it names"));
    }
    let partials = read_all(
        &mut inputs,
        &args.partials,
        Document::PartialSignature,
        PartialSignatureFile::from_json,
    )?;
    let signing_bytes = unsigned.signing_bytes();
    let signature = combine_partials(
        &Signed {
            group_name: &group_name,
            group: &group,
            message: &signing_bytes,
            what: &format!("the upload in {}", input.name),
            sign_command: "credkit upload sign",
        },
        &partials,
        &mut io::stderr().lock(),
    )?;
    let mut json = unsigned.attach(signature).to_json();
    json.push('\n');
    files::write_output(&args.output, &json, args.force, out)?;
    Ok(Status::Success)
}
