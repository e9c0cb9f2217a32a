//! `credkit group dkg round3 --state-dir DIR [--out DIR] ROUND2...`: a member checks the
//! shares sent to it and complains about the dealers whose share is missing or wrong.
//!
//! Writes `round3-<i>.json`, to broadcast even when it accuses nobody.

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::dkg::{round2, round3, DocumentType};
use zeroize::Zeroizing;

use super::{
    others, read_packages, read_state, round_error, round_output, state_error, write_outputs,
    Output, StateArgs,
};
use crate::commands::group::shown_members;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs};

/// Arguments of `credkit group dkg round3`.
#[derive(Debug, Clone, clap::Args)]
pub struct Round3Args {
    /// The state folder and outputs.
    #[command(flatten)]
    pub state: StateArgs,

    /// The `round2-*-to-<i>.json` files sent to this member.
    #[arg(value_name = "ROUND2", required = true)]
    pub packages: Vec<PathBuf>,
}

/// Runs `credkit group dkg round3`.
///
/// # Errors
/// Input and usage errors naming the file for a state or package that cannot be used (a
/// share for another member among them).
pub fn run(args: &Round3Args, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (state_path, input) = read_state(&mut inputs, &args.state.state_dir, DocumentType::State2)?;
    let state =
        round2::SecretPackage::from_json(&input.text).map_err(|e| state_error(&input.name, &e))?;
    let packages = read_packages(
        &mut inputs,
        &args.packages,
        DocumentType::Round2,
        "round2",
        round2::Package::from_json,
        round2::Package::sender,
    )?;
    let me = state.identifier();
    // Name the very file of a share for someone else (the library names its sender only).
    let stray = packages
        .list
        .iter()
        .zip(&packages.names)
        .find(|(share, _)| share.recipient() != me);
    if let Some((share, name)) = stray {
        return Err(CommandError::input(format!(
            "{name}: the share from {} is addressed to {}, not to {me}",
            share.sender(),
            share.recipient()
        ))
        .with_hint(format!(
            "round3 takes the round-2 packages sent to this member only, \
             round2-*-to-{}.json",
            me.get()
        )));
    }
    let (state, complaints) =
        round3::part3(state, &packages.list).map_err(|e| round_error(e, &packages))?;
    let path = round_output(&args.state, &format!("round3-{}.json", me.get()));
    write_outputs(
        &[Output {
            path: path.clone(),
            contents: Zeroizing::new(complaints.to_json()),
            secret: false,
        }],
        args.state.force,
    )?;
    files::replace_secret(&state_path, &state.to_json())?;
    let accused = complaints.accused();
    let what = if accused.is_empty() {
        "no complaints".to_owned()
    } else {
        format!(
            "complaints against members {}",
            shown_members(accused.iter().copied())
        )
    };
    writeln!(
        out,
        "{}: broadcast it to {} ({what})",
        path.display(),
        others(state.qualified(), me)
    )?;
    Ok(Status::Success)
}
