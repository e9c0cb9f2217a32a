//! `credkit group dkg round4 --state-dir DIR [--out DIR] ROUND3...`: a member reads every
//! complaint, and answers those against it by revealing the shares it owed.
//!
//! Participants that sent no complaints package are disqualified (and printed). Writes
//! `round4-<i>.json`, to broadcast, only when this member was accused; says whose
//! justifications round5 needs.

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::dkg::{round3, round4, DocumentType};
use credkit_threshold::Identifier;
use zeroize::Zeroizing;

use super::{
    others, print_disqualified, read_packages, read_state, round_error, round_output, state_error,
    write_outputs, Output, StateArgs,
};
use crate::commands::group::shown_members;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs};

/// Arguments of `credkit group dkg round4`.
#[derive(Debug, Clone, clap::Args)]
pub struct Round4Args {
    /// The state folder and outputs.
    #[command(flatten)]
    pub state: StateArgs,

    /// Every participant's `round3-<i>.json` (this one's may be among them).
    #[arg(value_name = "ROUND3", required = true)]
    pub packages: Vec<PathBuf>,
}

/// Runs `credkit group dkg round4`.
///
/// # Errors
/// A verification error when too few participants remain; input and usage errors naming
/// the file for a state or package that cannot be used.
pub fn run(args: &Round4Args, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (state_path, input) = read_state(&mut inputs, &args.state.state_dir, DocumentType::State3)?;
    let state =
        round3::SecretPackage::from_json(&input.text).map_err(|e| state_error(&input.name, &e))?;
    let packages = read_packages(
        &mut inputs,
        &args.packages,
        DocumentType::Round3,
        "round3",
        round3::Package::from_json,
        round3::Package::accuser,
    )?;
    let me = state.identifier();
    let before = state.disqualified().keys().copied().collect();
    let (state, justification) =
        round4::part4(state, &packages.list).map_err(|e| round_error(e, &packages))?;
    print_disqualified(out, &before, state.disqualified())?;
    let path = round_output(&args.state, &format!("round4-{}.json", me.get()));
    let outputs: Vec<Output> = justification
        .iter()
        .map(|package| Output {
            path: path.clone(),
            contents: Zeroizing::new(package.to_json()),
            secret: false,
        })
        .collect();
    write_outputs(&outputs, args.state.force)?;
    files::replace_secret(&state_path, &state.to_json())?;
    if outputs.is_empty() {
        writeln!(out, "nothing to send: no complaint against {me}")?;
    } else {
        writeln!(
            out,
            "{}: broadcast it to {} (it answers the complaints against {me})",
            path.display(),
            others(state.qualified(), me)
        )?;
    }
    let awaited: Vec<Identifier> = state.awaited_justifications().into_iter().collect();
    if awaited.is_empty() {
        writeln!(out, "round5 needs no round-4 package: nobody was accused")?;
    } else {
        writeln!(
            out,
            "round5 needs the round-4 packages of members {}",
            shown_members(awaited)
        )?;
    }
    Ok(Status::Success)
}
