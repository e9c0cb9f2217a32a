//! `credkit upload sign --share FILE UNSIGNED [--payload FILE] -o FILE [--force]`: a member
//! signs an upload's signing bytes with its share.
//!
//! Writes a `partial-signature` document whose `message_sha256` is the SHA-256 of the
//! signing bytes. With `--payload`, the member first checks that the payload is the one the
//! envelope names, and signs nothing otherwise (exit status 1).

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::sign;

use crate::commands::group::read_member_key;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{sha256, PartialSignatureFile, UnsignedUploadFile};

/// Arguments of `credkit upload sign`.
#[derive(Debug, Clone, clap::Args)]
pub struct UploadSignArgs {
    /// This member's key file, `member-<i>.key.`
    #[arg(long, value_name = "FILE")]
    pub share: PathBuf,

    /// The unsigned envelope, from `credkit upload prepare`.
    #[arg(value_name = "UNSIGNED")]
    pub unsigned: PathBuf,

    /// The payload: sign only if it is the one the envelope names.
    #[arg(long, value_name = "FILE")]
    pub payload: Option<PathBuf>,

    /// Where to write the partial signature; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit upload sign`.
///
/// # Errors
/// A verification error when the payload does not match; an input error when the envelope
/// is for another group than the key's, or a file cannot be read.
pub fn run(args: &UploadSignArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (key_name, key) = read_member_key(&mut inputs, &args.share)?;
    let input = inputs.read(&args.unsigned, Document::UnsignedUpload)?;
    let file = UnsignedUploadFile::from_json(&input.text)
        .map_err(|e| files::format_error(&input.name, Document::UnsignedUpload, e))?;
    let unsigned = file.unsigned();
    if unsigned.group_id() != &key.group_id() {
        return Err(CommandError::input(format!(
            "{}: an upload for group {}, but {key_name} is a key of group {}",
            input.name,
            unsigned.group_id(),
            key.group_id()
        ))
        .with_hint("sign with this member's key of the group the upload is for"));
    }
    if let Some(path) = &args.payload {
        let payload = inputs.read_bytes(path, Document::Payload)?;
        if &sha256(&payload.bytes) != unsigned.payload_sha256() {
            return Err(CommandError::verification(format!(
                "{}: not the payload of {}; not signing",
                payload.name, input.name
            ))
            .with_hint("the payload was altered, or belongs to another upload"));
        }
    }
    let signing_bytes = unsigned.signing_bytes();
    let partial = sign::sign(key.share(), &signing_bytes);
    let partial = PartialSignatureFile::new(key.group_id(), sha256(&signing_bytes), partial);
    files::write_output(&args.output, &partial.to_json(), args.force, out)?;
    Ok(Status::Success)
}
