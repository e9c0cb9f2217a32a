//! `credkit group dkg round1 --id I --min-signers T --participants LIST --session S
//! --state-dir DIR [--out DIR]`: a participant starts a key generation.
//!
//! Draws a random polynomial of degree `T - 1`, writes the secret state first (a second
//! round-1 package of one participant would be an equivocation) and then the package to
//! broadcast, `round1-<i>.json`: the commitments and a proof of knowledge of the constant
//! term, bound to the session.

use std::io::Write;

use credkit_threshold::dkg::{round1, Parameters};
use credkit_threshold::{Error, Identifier};
use zeroize::Zeroizing;

use super::{others, round_output, session_parser, write_outputs, Output, StateArgs, STATE_FILE};
use crate::commands::group::shown_members;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files;

/// Arguments of `credkit group dkg round1`.
#[derive(Debug, Clone, clap::Args)]
pub struct Round1Args {
    /// This participant's identifier, one of --participants.
    #[arg(long, value_name = "I", value_parser = clap::value_parser!(u16).range(1..))]
    pub id: u16,

    /// How many members must sign together (at least 2).
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(2..))]
    pub min_signers: u16,

    /// Every participant's identifier, separated by commas (e.g. 1,2,3).
    #[arg(
        long,
        value_name = "LIST",
        value_delimiter = ',',
        required = true,
        value_parser = clap::value_parser!(u16).range(1..)
    )]
    pub participants: Vec<u16>,

    /// The session id, the same for every participant and unique to this key generation
    /// (its UTF-8 bytes).
    #[arg(long, value_name = "S", value_parser = session_parser())]
    pub session: String,

    /// The state folder and outputs.
    #[command(flatten)]
    pub state: StateArgs,
}

/// Runs `credkit group dkg round1`.
///
/// # Errors
/// A usage error for parameters that do not fit together, or a folder that holds a key
/// generation already; an input error when a file cannot be written.
pub fn run(args: &Round1Args, out: &mut impl Write) -> Result<Status, CommandError> {
    let ids = args
        .participants
        .iter()
        .map(|&n| Identifier::new(n))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| CommandError::usage(format!("--participants: {e}")))?;
    let me = Identifier::new(args.id).map_err(|e| CommandError::usage(format!("--id: {e}")))?;
    let parameters = Parameters::new(args.min_signers, me, &ids, args.session.as_bytes()).map_err(
        |e| match e {
            Error::DuplicateParticipant(id) => {
                CommandError::usage(format!("--participants: lists {id} twice"))
            }
            Error::UnknownParticipant(id) => CommandError::usage(format!(
                "--id {}: {id} is not among --participants {}",
                args.id,
                shown_members(ids.iter().copied())
            ))
            .with_hint("list every participant, this one included, in --participants"),
            Error::InvalidMinSigners { .. } => CommandError::usage(format!(
                "--min-signers {} is more than the {} participants",
                args.min_signers,
                ids.len()
            )),
            e => CommandError::internal(format!("cannot start the key generation: {e}")),
        },
    )?;

    let state_path = args.state.state_dir.join(STATE_FILE);
    if state_path.exists() {
        return Err(CommandError::usage(format!(
            "{}: a key generation is in progress in this folder",
            state_path.display()
        ))
        .with_hint(
            "give each key generation its own --state-dir; run round1 once per session (a \
             second round-1 package would be an equivocation)",
        ));
    }
    let package_path = round_output(&args.state, &format!("round1-{}.json", args.id));
    files::refuse_existing([package_path.as_path()], args.state.force)?;
    files::create_private_dir(&args.state.state_dir)?;
    let qualified = parameters.participants().clone();
    let (state, package) = round1::part1(parameters);
    files::write_secret(&state_path, &state.to_json(), false)?;
    write_outputs(
        &[Output {
            path: package_path.clone(),
            contents: Zeroizing::new(package.to_json()),
            secret: false,
        }],
        args.state.force,
    )?;
    writeln!(
        out,
        "{}: the secret state of {me} (mode 0600; never send it)",
        state_path.display()
    )?;
    writeln!(
        out,
        "{}: broadcast it to {}",
        package_path.display(),
        others(&qualified, me)
    )?;
    Ok(Status::Success)
}
