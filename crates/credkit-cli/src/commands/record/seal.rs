//! `credkit record seal --authority FILE --policy POLICY [--not-before HOUR] --not-after HOUR
//! --servers servers.json IN -o OUT [--force]`: seals a file as a self-destructing record.
//!
//! Writes the record to OUT and its shred token to OUT.shred (mode 0600): whoever holds the
//! token can destroy the record early with `credkit record shred`. Every key server must store
//! its share of the record's shred secret, or nothing is written.

use std::io::Write;
use std::path::PathBuf;

use credkit_abe::epoch::{ShredToken, Window};
use credkit_abe::record::{seal_record, SealedRecord};
use credkit_abe::Error;
use rand_core::OsRng;
use serde::{Deserialize, Serialize};

use crate::abe_files::base64url;
use crate::commands::abe::{parse_policy, read_public_key};
use crate::commands::record::{
    format_hour, hex, now, parse_hour, read_servers, server_name, token_path,
};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs, STDIO};

/// The `type` of a shred token file.
pub const TOKEN_TYPE: &str = "record-shred-token";

/// A shred token file: `{"version": 1, "type": "record-shred-token", "record": HEX(id),
/// "token": b64url(32 bytes)}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TokenFile {
    pub(crate) version: u64,
    #[serde(rename = "type")]
    pub(crate) kind: String,
    pub(crate) record: String,
    pub(crate) token: String,
}

/// Arguments of `credkit record seal`.
#[derive(Debug, Clone, clap::Args)]
pub struct SealArgs {
    /// The attribute authority's public key, from `credkit abe setup` or `credkit abe pubkey`.
    #[arg(long, value_name = "FILE")]
    pub authority: PathBuf,

    /// The policy a reader's attributes must satisfy: 'role:cardiologist and hospital:H1'.
    #[arg(long, value_name = "POLICY")]
    pub policy: String,

    /// The first hour the record opens, YYYY-MM-DDTHH (UTC, included); default: this hour.
    #[arg(long, value_name = "HOUR", value_parser = parse_hour)]
    pub not_before: Option<credkit_abe::epoch::Epoch>,

    /// The last hour the record opens, YYYY-MM-DDTHH (UTC, included): it is gone after.
    #[arg(long, value_name = "HOUR", value_parser = parse_hour)]
    pub not_after: credkit_abe::epoch::Epoch,

    /// The key servers, as `credkit epoch init` writes servers.json.
    #[arg(long, value_name = "FILE")]
    pub servers: PathBuf,

    /// The file to seal, any bytes; `-` for standard input.
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// Where to write the record; the shred token goes to OUT.shred.
    #[arg(short, long, value_name = "OUT")]
    pub output: PathBuf,

    /// Replace OUT and OUT.shred if they exist.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit record seal`.
///
/// # Errors
/// A usage error for a bad policy or window, `-o -`, or existing outputs without `--force`;
/// an input error for unreadable inputs; a verification error (exit status 1) when the key
/// servers do not all store the record.
pub fn run(args: &SealArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let policy = parse_policy(&args.policy)?;
    if args.output.as_os_str() == STDIO {
        return Err(
            CommandError::usage("a record is written to a file, next to its shred token")
                .with_hint("give -o FILE; the token goes to FILE.shred"),
        );
    }
    let token_path = token_path(&args.output);
    files::refuse_existing([args.output.as_path(), token_path.as_path()], args.force)?;
    let now = now()?;
    let first = args.not_before.unwrap_or(now);
    let window = Window::new(first, args.not_after).map_err(|_| {
        CommandError::usage(format!(
            "--not-after {} is before --not-before {}",
            format_hour(args.not_after),
            format_hour(first)
        ))
    })?;
    if window.last() < now {
        return Err(CommandError::usage(format!(
            "the window ends at {} UTC, which has passed (now {})",
            format_hour(window.last()),
            format_hour(now)
        )));
    }
    let mut inputs = Inputs::default();
    let public = read_public_key(&mut inputs, &args.authority)?;
    let servers = read_servers(&mut inputs, &args.servers)?;
    let plaintext = inputs.read_bytes(&args.input, Document::AbePlaintext)?;
    let schedule = servers.schedule();
    let transport = servers.transport();
    let (record, token) = seal_record(
        &mut OsRng,
        public.key(),
        &policy,
        schedule,
        &transport,
        window,
        &plaintext.bytes,
    )
    .map_err(|e| match e {
        Error::WindowOutsideHorizon { .. } | Error::WindowOutsideTree { .. } => {
            let horizon = schedule.horizon();
            CommandError::usage(format!(
                "the window {} .. {} UTC is outside the servers' keys, {} .. {} UTC",
                format_hour(window.first()),
                format_hour(window.last()),
                format_hour(horizon.first()),
                format_hour(horizon.last())
            ))
            .with_hint(
                "choose a window inside it, or deal a new schedule with `credkit epoch init`",
            )
        }
        Error::SealIncomplete { stored, needed } => CommandError::verification(format!(
            "not enough servers: only {stored} of the {needed} key servers stored the record; \
             nothing was written"
        ))
        .with_hint(format!(
            "check that every server of {} is running: {}",
            args.servers.display(),
            servers
                .urls()
                .iter()
                .map(|(id, _)| server_name(&servers, *id))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        e => CommandError::internal(e.to_string()),
    })?;
    write_record(args, &record, &token, &token_path)?;
    writeln!(
        out,
        "sealed record {} for {} .. {} UTC under `{}`",
        hex(record.header().record_id()),
        format_hour(window.first()),
        format_hour(window.last()),
        record.header().policy()
    )?;
    writeln!(out, "shred token: {}", token_path.display())?;
    Ok(Status::Success)
}

/// Writes the record and its token.
fn write_record(
    args: &SealArgs,
    record: &SealedRecord,
    token: &ShredToken,
    token_path: &std::path::Path,
) -> Result<(), CommandError> {
    let file = TokenFile {
        version: 1,
        kind: TOKEN_TYPE.into(),
        record: hex(record.header().record_id()),
        token: base64url::encode(token.as_bytes()),
    };
    let text = zeroize::Zeroizing::new(serde_json::to_string_pretty(&file)? + "\n");
    // The token first: a record without its token cannot be shredded early.
    files::write_secret(token_path, &text, args.force)?;
    let mut sink = std::io::sink();
    files::write_output_bytes(
        &args.output,
        &record.to_bytes(),
        args.force,
        false,
        &mut sink,
    )
}
