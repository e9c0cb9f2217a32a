//! `credkit epoch <COMMAND>`: the threshold epoch key service of time-bound records
//! (SPEC.md §6.3): the dealer ceremony that gives N key servers their shares ([`init`]) and
//! one key server's HTTP front ([`serve`]), whose protocol is [`crate::epoch_wire`].

use std::io::Write;

use clap::Subcommand;

use crate::commands::Status;
use crate::error::CommandError;

pub mod init;
pub mod serve;

/// Arguments of `credkit epoch`.
#[derive(Debug, Clone, clap::Args)]
pub struct EpochArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: EpochCommand,
}

/// The subcommands of `credkit epoch`.
#[derive(Debug, Clone, Subcommand)]
pub enum EpochCommand {
    /// Deal a schedule of epoch keys to N key servers: one state directory per server
    /// (`DIR/server-<i>/`, mode 0700, secrets 0600) and `DIR/servers.json` for clients.
    ///
    /// The dealer keeps nothing. Give each server its directory, and nobody else: any T of
    /// them can open every record of the horizon.
    Init(init::InitArgs),
    /// Run one key server: answers partial decryptions, stores and shreds records, and
    /// erases every share whose time has come, at each epoch boundary.
    ///
    /// Prints `listening on ADDR` once bound, then logs one line per request to standard
    /// error. Stops on SIGTERM or SIGINT.
    Serve(serve::ServeArgs),
}

/// Runs `credkit epoch`.
///
/// # Errors
/// The subcommand's.
pub fn run(args: &EpochArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        EpochCommand::Init(args) => init::run(args, out),
        EpochCommand::Serve(args) => serve::run(args, out),
    }
}

/// The message of a credkit-abe error, for the user.
pub(crate) fn abe_error(context: &str, e: &credkit_abe::Error) -> CommandError {
    CommandError::input(format!("{context}: {e}"))
}
