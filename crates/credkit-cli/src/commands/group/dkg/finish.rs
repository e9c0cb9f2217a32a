//! `credkit group dkg finish --state-dir DIR [--out DIR] ROUND5...`: a member checks every
//! confirmation and keeps its key.
//!
//! Writes `member-<i>.key` (mode 0600) and `group.json` in the formats of `credkit group
//! deal`, then removes the state. `group.json` is the same for every member; it has no proof
//! of possession yet (`credkit group pop`).

use std::io::Write;
use std::path::PathBuf;

use credkit_threshold::dkg::{self, round5, DocumentType};
use credkit_threshold::{Identifier, PublicKeyPackage};
use zeroize::Zeroizing;

use super::{
    read_packages, read_state, round_error, round_output, state_error, write_outputs, Output,
    StateArgs,
};
use crate::commands::group::deal::{member_key_name, GROUP_FILE};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Inputs};
use crate::group_files::{Group, MemberKey};

/// Arguments of `credkit group dkg finish`.
#[derive(Debug, Clone, clap::Args)]
pub struct FinishArgs {
    /// The state folder, and where `member-<i>.key` and group.json go.
    #[command(flatten)]
    pub state: StateArgs,

    /// Every participant's `round5-<i>.json` (this one's may be among them).
    #[arg(value_name = "ROUND5", required = true)]
    pub packages: Vec<PathBuf>,
}

/// Runs `credkit group dkg finish`.
///
/// # Errors
/// A verification error when a member confirmed another transcript; input and usage errors
/// naming the file for a state or package that cannot be used.
pub fn run(args: &FinishArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (state_path, input) = read_state(&mut inputs, &args.state.state_dir, DocumentType::State5)?;
    let state =
        round5::SecretPackage::from_json(&input.text).map_err(|e| state_error(&input.name, &e))?;
    let packages = read_packages(
        &mut inputs,
        &args.packages,
        DocumentType::Round5,
        "round5",
        round5::Package::from_json,
        round5::Package::sender,
    )?;
    let key_package = dkg::finish(state, &packages.list).map_err(|e| round_error(e, &packages))?;
    let members: Vec<Identifier> = key_package.verifying_shares().keys().copied().collect();
    let internal = |e: &dyn std::fmt::Display| {
        CommandError::internal(format!("cannot write the key generation's result: {e}"))
    };
    let package = PublicKeyPackage::new(
        key_package.min_signers(),
        key_package.group_commitments().clone(),
        &members,
    )
    .map_err(|e| internal(&e))?;
    let group = Group::without_proof_of_possession(package);
    let me = key_package.identifier();
    let key = MemberKey::new(
        key_package.signing_share().clone(),
        key_package.group_public_key(),
        key_package.min_signers(),
        key_package.max_signers(),
    )
    .map_err(|e| internal(&e))?;
    let key_path = round_output(&args.state, &member_key_name(me.get()));
    let group_path = round_output(&args.state, GROUP_FILE);
    write_outputs(
        &[
            Output {
                path: key_path.clone(),
                contents: key.to_json(),
                secret: true,
            },
            Output {
                path: group_path.clone(),
                contents: Zeroizing::new(group.to_json()),
                secret: false,
            },
        ],
        args.state.force,
    )?;
    std::fs::remove_file(&state_path).map_err(|e| {
        CommandError::input(format!(
            "{}: cannot remove the finished state: {}",
            state_path.display(),
            files::describe(&e)
        ))
        .with_hint("remove it by hand: it holds secrets no longer needed")
    })?;
    for reason in key_package.disqualified().values() {
        writeln!(out, "disqualified: {reason}")?;
    }
    writeln!(
        out,
        "{}: the secret key of {me} (mode 0600)",
        key_path.display()
    )?;
    writeln!(
        out,
        "{}: group {}, any {} of {} members sign; no proof of possession yet",
        group_path.display(),
        group.group_id(),
        key_package.min_signers(),
        key_package.max_signers()
    )?;
    writeln!(
        out,
        "next: any {} members run `credkit group pop sign`, and `credkit group pop combine` \
         writes the group.json to publish",
        key_package.min_signers()
    )?;
    Ok(Status::Success)
}
