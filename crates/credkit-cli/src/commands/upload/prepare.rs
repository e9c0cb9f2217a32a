//! `credkit upload prepare --group FILE --task ID PAYLOAD -o FILE [--force]`: fixes the
//! fields of an upload for the group to sign.
//!
//! Writes an `unsigned-upload` document: the group id, the task id, a nonce of 32 bytes from
//! the operating system's CSPRNG, the current time (Unix seconds), the payload's SHA-256,
//! and the signing bytes. The payload itself is not in it.

use std::io::Write;
use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use credkit_threshold::upload::{unix_now, TaskId, UnsignedEnvelope, MAX_TASK_ID_LEN};

use crate::commands::group::{read_group, Possession};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::UnsignedUploadFile;

/// Arguments of `credkit upload prepare`.
#[derive(Debug, Clone, clap::Args)]
pub struct PrepareArgs {
    /// The group's public key, group.json.
    #[arg(long, value_name = "FILE")]
    pub group: PathBuf,

    /// What the upload is for: 1 to 255 bytes, shown to the collector; never a device's or
    /// member's name.
    #[arg(long, value_name = "ID", value_parser = NonEmptyStringValueParser::new())]
    pub task: String,

    /// The payload, any bytes; `-` for standard input.
    #[arg(value_name = "PAYLOAD")]
    pub payload: PathBuf,

    /// Where to write the unsigned envelope; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit upload prepare`.
///
/// # Errors
/// A usage error for a task id over 255 bytes or an existing output without `--force`; an
/// input error when a file cannot be read.
pub fn run(args: &PrepareArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let task = TaskId::new(args.task.clone()).map_err(|_| {
        CommandError::usage(format!(
            "--task: {} bytes, a task id is 1 to {MAX_TASK_ID_LEN} bytes",
            args.task.len()
        ))
    })?;
    let mut inputs = Inputs::default();
    let (_, group) = read_group(&mut inputs, &args.group, Possession::Required)?;
    let payload = inputs.read_bytes(&args.payload, Document::Payload)?;
    let unsigned = UnsignedEnvelope::new(group.group_id(), task, unix_now(), &payload.bytes);
    let file = UnsignedUploadFile::new(unsigned);
    files::write_output(&args.output, &file.to_json(), args.force, out)?;
    Ok(Status::Success)
}
