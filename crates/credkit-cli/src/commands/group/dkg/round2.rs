//! `credkit group dkg round2 --state-dir DIR [--out DIR] ROUND1...`: a participant checks
//! every round-1 package and deals its shares.
//!
//! Participants whose package is missing or invalid are disqualified (and printed). Writes
//! one `round2-<i>-to-<j>.json` per remaining member `j`: **secret** (mode 0600), to be sent
//! to `j` only over a private channel, then deleted.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::dkg::{round1, round2, DocumentType};

use super::{
    print_disqualified, read_packages, read_state, round_error, round_output, state_error,
    write_outputs, Output, StateArgs,
};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs};

/// Arguments of `credkit group dkg round2`.
#[derive(Debug, Clone, clap::Args)]
pub struct Round2Args {
    /// The state folder and outputs.
    #[command(flatten)]
    pub state: StateArgs,

    /// Every participant's `round1-<i>.json` (this one's may be among them).
    #[arg(value_name = "ROUND1", required = true)]
    pub packages: Vec<PathBuf>,
}

/// Runs `credkit group dkg round2`.
///
/// # Errors
/// A verification error when too few participants remain; input and usage errors naming
/// the file for a state or package that cannot be used.
pub fn run(args: &Round2Args, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (state_path, input) = read_state(&mut inputs, &args.state.state_dir, DocumentType::State1)?;
    let state =
        round1::SecretPackage::from_json(&input.text).map_err(|e| state_error(&input.name, &e))?;
    let packages = read_packages(
        &mut inputs,
        &args.packages,
        DocumentType::Round1,
        "round1",
        round1::Package::from_json,
        round1::Package::sender,
    )?;
    let me = state.parameters().identifier();
    let (state, shares) =
        round2::part2(state, &packages.list).map_err(|e| round_error(e, &packages))?;
    print_disqualified(out, &BTreeSet::new(), state.disqualified())?;
    let outputs: Vec<Output> = shares
        .iter()
        .map(|(recipient, share)| Output {
            path: round_output(
                &args.state,
                &format!("round2-{}-to-{}.json", me.get(), recipient.get()),
            ),
            contents: share.to_json(),
            secret: true,
        })
        .collect();
    write_outputs(&outputs, args.state.force)?;
    files::replace_secret(&state_path, &state.to_json())?;
    for (recipient, output) in shares.keys().zip(&outputs) {
        writeln!(
            out,
            "{}: secret; send it to {recipient} only, over a private channel",
            output.path.display()
        )?;
    }
    Ok(Status::Success)
}
