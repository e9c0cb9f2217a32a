//! `credkit upload <COMMAND>`: anonymous uploads that a group signs and a collector checks.
//!
//! An upload is a payload (a reading, a report) and an envelope: the group id, a task id, a
//! random nonce, a timestamp, the payload's SHA-256, and the group's signature over those
//! fields. The collector learns that `min_signers` members of the group approved the
//! upload, and not which. The flow, in files:
//!
//! 1. `upload prepare --group group.json --task ID PAYLOAD -o envelope.unsigned.json`: the
//!    uploading member (or a gateway) fixes the fields.
//! 2. `upload sign --share member-<i>.key envelope.unsigned.json -o partial-<i>.json`: at
//!    least `min_signers` members sign them (optionally checking the payload first).
//! 3. `upload seal --group group.json --unsigned envelope.unsigned.json PARTIAL... -o
//!    envelope.json`: a combiner, which learns who signed and must not be the collector,
//!    combines the partial signatures into the envelope.
//! 4. `upload verify --group group.json envelope.json PAYLOAD --store FILE`: the collector
//!    accepts the upload once, refusing replays across runs through its nonce store.

use std::io::Write;

use clap::Subcommand;

use crate::commands::Status;
use crate::error::CommandError;

pub mod prepare;
pub mod seal;
pub mod sign;
pub mod verify;

/// Arguments of `credkit upload`.
#[derive(Debug, Clone, clap::Args)]
pub struct UploadArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: UploadCommand,
}

/// The subcommands of `credkit upload`, in the order of an upload's life.
#[derive(Debug, Clone, Subcommand)]
pub enum UploadCommand {
    /// Fix an upload's fields for the group to sign: writes the unsigned envelope.
    ///
    /// The envelope names the group, the task (--task: per study or round, never per device)
    /// and the payload's SHA-256, with a fresh random nonce and the current time. Its
    /// `signing_bytes` are what the members sign.
    Prepare(prepare::PrepareArgs),
    /// A member signs an unsigned envelope: writes its partial signature.
    ///
    /// With --payload, signs only if the payload is the one the envelope names.
    Sign(sign::UploadSignArgs),
    /// Combine --min-signers members' partial signatures into the signed envelope.
    ///
    /// Bad partial signatures are named on standard error and left out; exits with 1 when
    /// fewer than min_signers good ones remain. The combiner learns who signed: it must not
    /// be the collector.
    Seal(seal::SealArgs),
    /// The collector checks an envelope and its payload, and accepts it once.
    ///
    /// Checks the group, the payload's hash, the timestamp (at most a day old, at most five
    /// minutes ahead), the group signature, and that the nonce is new: with --store FILE the
    /// nonces of accepted uploads are kept in FILE, so that a replay is refused in a later
    /// run too. Exits with 0 when accepted, 1 when refused, 2 when an input cannot be read.
    Verify(verify::UploadVerifyArgs),
}

/// Runs `credkit upload`.
///
/// # Errors
/// The subcommand's.
pub fn run(args: &UploadArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        UploadCommand::Prepare(args) => prepare::run(args, out),
        UploadCommand::Sign(args) => sign::run(args, out),
        UploadCommand::Seal(args) => seal::run(args, out),
        UploadCommand::Verify(args) => verify::run(args, out),
    }
}
