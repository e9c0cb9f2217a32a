//! `credkit group pop sign|combine`: the proof of possession of a key generation's group key.
//!
//! A dealt group.json carries the proof of possession of the group secret (`PopProve`,
//! draft-irtf-cfrg-bls-signature §3.3.2) from the start. After a key generation nobody holds
//! the secret, so any `min_signers` members each sign a share of the proof with their key
//! (`pop sign`), and one of them combines the shares (`pop combine`) into the group.json to
//! publish. Every command that verifies or signs for the group refuses a group.json without
//! it.

use std::io::Write;

use clap::Subcommand;

use crate::commands::Status;
use crate::error::CommandError;

pub mod combine;
pub mod sign;

/// Arguments of `credkit group pop`.
#[derive(Debug, Clone, clap::Args)]
pub struct PopArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: PopCommand,
}

/// The two steps.
#[derive(Debug, Clone, Subcommand)]
pub enum PopCommand {
    /// A member signs its share of the group's proof of possession.
    Sign(sign::PopSignArgs),
    /// Combine --min-signers shares into the proof, and write group.json with it.
    ///
    /// Bad shares are named on standard error and left out. Exits with 1 when fewer than
    /// --min-signers good ones remain.
    Combine(combine::PopCombineArgs),
}

/// Runs `credkit group pop`.
///
/// # Errors
/// The subcommand's.
pub fn run(args: &PopArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        PopCommand::Sign(args) => sign::run(args, out),
        PopCommand::Combine(args) => combine::run(args, out),
    }
}
