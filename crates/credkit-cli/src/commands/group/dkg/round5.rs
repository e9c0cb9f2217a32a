//! `credkit group dkg round5 --state-dir DIR [--out DIR] [ROUND4...]`: a member judges the
//! justifications, fixes the qualified set, and confirms the transcript it saw.
//!
//! Accused dealers that did not answer, or revealed a wrong share, are disqualified (and
//! printed). Writes `round5-<i>.json`, a digest of the public transcript, to broadcast.

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::dkg::{round4, round5, DocumentType};
use zeroize::Zeroizing;

use super::{
    others, print_disqualified, read_packages, read_state, round_error, round_output, state_error,
    write_outputs, Output, StateArgs,
};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs};

/// Arguments of `credkit group dkg round5`.
#[derive(Debug, Clone, clap::Args)]
pub struct Round5Args {
    /// The state folder and outputs.
    #[command(flatten)]
    pub state: StateArgs,

    /// Every `round4-<i>.json` that was written (none when nobody was accused).
    #[arg(value_name = "ROUND4")]
    pub packages: Vec<PathBuf>,
}

/// Runs `credkit group dkg round5`.
///
/// # Errors
/// A verification error when too few participants remain; input and usage errors naming
/// the file for a state or package that cannot be used.
pub fn run(args: &Round5Args, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (state_path, input) = read_state(&mut inputs, &args.state.state_dir, DocumentType::State4)?;
    let state =
        round4::SecretPackage::from_json(&input.text).map_err(|e| state_error(&input.name, &e))?;
    let packages = read_packages(
        &mut inputs,
        &args.packages,
        DocumentType::Round4,
        "round4",
        round4::Package::from_json,
        round4::Package::accused,
    )?;
    let me = state.identifier();
    let before = state.disqualified().keys().copied().collect();
    let (state, confirmation) =
        round5::part5(state, &packages.list).map_err(|e| round_error(e, &packages))?;
    print_disqualified(out, &before, state.disqualified())?;
    let path = round_output(&args.state, &format!("round5-{}.json", me.get()));
    write_outputs(
        &[Output {
            path: path.clone(),
            contents: Zeroizing::new(confirmation.to_json()),
            secret: false,
        }],
        args.state.force,
    )?;
    files::replace_secret(&state_path, &state.to_json())?;
    writeln!(
        out,
        "{}: broadcast it to {}",
        path.display(),
        others(state.qualified(), me)
    )?;
    Ok(Status::Success)
}
