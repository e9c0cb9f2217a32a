//! `credkit upload verify --group FILE ENVELOPE PAYLOAD [--store FILE]`: the collector checks
//! an upload and accepts it once.
//!
//! The checks are credkit-threshold's `Collector::accept`, in its order: the envelope names
//! the group, the payload matches its hash, the timestamp is fresh (at most a day old, at
//! most five minutes ahead), the group signature verifies, and the nonce is new. With
//! `--store FILE` the nonce is recorded in FILE (an append-only log, synced before the
//! answer; created if missing), so that the same envelope is refused as a replay by every
//! later run with that store. Without it, nothing is remembered.
//!
//! Prints `task_id`, `timestamp` and `payload_sha256`, one `name: value` line each, and
//! exits with 0 when the upload is accepted; exits with 1 when it is refused.

use std::io::Write;
use std::path::{Path, PathBuf};

use credkit_threshold::upload::{
    unix_now, Collector, Envelope, EnvelopeDefect, FileNonceStore, MemoryNonceStore, NonceStore,
    DEFAULT_MAX_AGE,
};
use credkit_threshold::Error;
use serde::Deserialize;

use crate::commands::group::{read_group, Possession};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{hex, Group};

/// Arguments of `credkit upload verify`.
#[derive(Debug, Clone, clap::Args)]
pub struct UploadVerifyArgs {
    /// The group's public key, group.json.
    #[arg(long, value_name = "FILE")]
    pub group: PathBuf,

    /// The signed envelope, from `credkit upload seal`.
    #[arg(value_name = "ENVELOPE")]
    pub envelope: PathBuf,

    /// The payload, any bytes; `-` for standard input.
    #[arg(value_name = "PAYLOAD")]
    pub payload: PathBuf,

    /// The collector's nonce store, kept across runs (created if missing).
    #[arg(long, value_name = "FILE")]
    pub store: Option<PathBuf>,
}

/// Runs `credkit upload verify`.
///
/// # Errors
/// A verification error when the upload is refused; an input error when a file cannot be
/// read or is not valid, or the store cannot be opened or written.
pub fn run(args: &UploadVerifyArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (group_name, group) = read_group(&mut inputs, &args.group, Possession::Required)?;
    let input = inputs.read(&args.envelope, Document::Envelope)?;
    let envelope = Envelope::from_json(&input.text)
        .map_err(|e| envelope_error(&input.name, &input.text, e))?;
    let payload = inputs.read_bytes(&args.payload, Document::Payload)?;
    let now = unix_now();
    let refused = |e| {
        refusal(
            e,
            &Names {
                group: &group_name,
                envelope: &input.name,
                payload: &payload.name,
                store: args.store.as_deref(),
            },
            &group,
            &envelope,
        )
    };
    let public_key = group.package().group_public_key().clone();
    match &args.store {
        Some(path) => {
            let store = FileNonceStore::open(path).map_err(|e| store_error(path, &e))?;
            accept(
                Collector::new(public_key, store),
                &envelope,
                &payload.bytes,
                now,
            )
            .map_err(refused)?;
        }
        None => {
            accept(
                Collector::new(public_key, MemoryNonceStore::new()),
                &envelope,
                &payload.bytes,
                now,
            )
            .map_err(refused)?;
        }
    }
    writeln!(out, "task_id: {}", shown(envelope.task_id().as_str()))?;
    writeln!(out, "timestamp: {}", envelope.timestamp())?;
    writeln!(out, "payload_sha256: {}", hex(envelope.payload_sha256()))?;
    Ok(Status::Success)
}

fn accept<S: NonceStore>(
    mut collector: Collector<S>,
    envelope: &Envelope,
    payload: &[u8],
    now: u64,
) -> Result<(), Error> {
    collector.accept(envelope, payload, now)
}

/// The names of the files, for errors.
struct Names<'a> {
    group: &'a str,
    envelope: &'a str,
    payload: &'a str,
    store: Option<&'a Path>,
}

/// The error for an upload the collector refused.
fn refusal(e: Error, names: &Names<'_>, group: &Group, envelope: &Envelope) -> CommandError {
    let name = names.envelope;
    match e {
        Error::WrongGroup { found } => CommandError::verification(format!(
            "{name}: the upload is for group {found}, not for the group in {} ({})",
            names.group,
            group.group_id()
        ))
        .with_hint("give the group.json of the group the envelope names"),
        Error::PayloadMismatch => CommandError::verification(format!(
            "{name}: {} is not the payload the envelope was sealed for (its SHA-256 differs \
             from payload_sha256)",
            names.payload
        ))
        .with_hint("the payload was altered, or belongs to another envelope"),
        Error::UploadTooOld { timestamp, now } => CommandError::verification(format!(
            "{name}: the upload is too old: made at {timestamp}, {} seconds ago; at most {} are \
             accepted",
            now.saturating_sub(timestamp),
            DEFAULT_MAX_AGE.as_secs()
        ))
        .with_hint("ask for a new upload"),
        Error::UploadInFuture { timestamp, now } => CommandError::verification(format!(
            "{name}: the upload is from the future: made at {timestamp}, {} seconds from now",
            timestamp.saturating_sub(now)
        ))
        .with_hint("check the clocks of the uploading device and of this collector"),
        Error::InvalidSignature => {
            CommandError::verification(format!("{name}: the group signature does not verify"))
                .with_hint(
                    "the envelope was altered after it was sealed, or the group did not sign it",
                )
        }
        Error::Replay => {
            let store = names
                .store
                .map_or_else(String::new, |s| format!(" in {}", s.display()));
            CommandError::verification(format!(
                "{name}: replayed upload: its nonce {} was accepted before{store}",
                hex(envelope.nonce())
            ))
            .with_hint("every upload is accepted once; a new upload needs a new envelope")
        }
        Error::NonceStoreIo(_) | Error::CorruptNonceStore { .. } => match names.store {
            Some(path) => store_error(path, &e),
            None => CommandError::internal(format!("the nonce store failed: {e}")),
        },
        e => CommandError::internal(format!("{name}: cannot check the upload: {e}")),
    }
}

/// The error for a nonce store that cannot be opened or written.
fn store_error(path: &Path, e: &Error) -> CommandError {
    let name = path.display();
    match e {
        Error::CorruptNonceStore { offset } => CommandError::input(format!(
            "{name}: the nonce store is damaged at byte {offset}"
        ))
        .with_hint(
            "it is left as it is: a damaged store could readmit replays; restore it from a \
             backup, or inspect it",
        ),
        Error::NonceStoreIo(kind) => CommandError::input(format!(
            "{name}: cannot read or write the nonce store: {}",
            files::describe(&std::io::Error::from(*kind))
        ))
        .with_hint("give a file in a writable folder"),
        e => CommandError::internal(format!("{name}: {e}")),
    }
}

/// The error for an envelope `text` that is not one.
fn envelope_error(name: &str, text: &str, e: Error) -> CommandError {
    let err = match &e {
        Error::MalformedEnvelope(EnvelopeDefect::Json { .. }) => match diagnose(text) {
            Some(why) => CommandError::input(format!("{name}: malformed upload envelope: {why}")),
            None => CommandError::input(format!("{name}: {e}")),
        },
        Error::Encoding(inner) => CommandError::input(format!(
            "{name}: field `signature`: malformed encoding: {inner}"
        )),
        _ => CommandError::input(format!("{name}: {e}")),
    };
    match e {
        Error::MalformedEnvelope(EnvelopeDefect::WrongType) => err.with_hint(
            "give the envelope that `credkit upload seal` writes (an unsigned envelope must be \
             signed and sealed first)",
        ),
        _ => err.with_hint("the envelope was altered or truncated; ask the combiner for it again"),
    }
}

/// serde_json's message, which names the field, for an envelope whose fields are wrong:
/// credkit-threshold reports those without a position or a name (`line 0, column 0`).
/// `None` if these fields read (then the library's own message stands).
fn diagnose(text: &str) -> Option<String> {
    /// The fields of credkit-threshold's JSON envelope, read for the message only.
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Fields {
        version: u64,
        #[serde(rename = "type")]
        kind: String,
        group_id: String,
        task_id: String,
        nonce: String,
        timestamp: u64,
        payload_sha256: String,
        signature: String,
    }
    serde_json::from_str::<Fields>(text)
        .err()
        .map(|e| e.to_string())
}

/// A task id as printed on a line: control characters escaped, so that an envelope cannot
/// forge another line or drive the terminal.
fn shown(task_id: &str) -> String {
    task_id
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn task_ids_are_printed_safely() {
        assert_eq!(
            shown("study\ntask_id: x\u{1b}[2J"),
            "study\\ntask_id: x\\u{1b}[2J"
        );
        assert_eq!(shown("study-S/visit-3"), "study-S/visit-3");
    }
}
