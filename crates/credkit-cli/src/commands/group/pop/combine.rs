//! `credkit group pop combine --group FILE SHARE... -o FILE [--force]`: combines members'
//! shares of the proof of possession into the group's, and writes group.json with it.
//!
//! The shares are tried `min_signers` at a time, by member: credkit-threshold's
//! `combine_proof_of_possession` names every bad share of the set it combines, and the next
//! good ones take their place, until the proof verifies or fewer than `min_signers` remain
//! (exit status 1). Bad shares are named on standard error, `warning: FILE: ...; left out`.

use std::io::{self, Write};
use std::path::PathBuf;

use credkit_threshold::{combine, Error, PartialSignature};

use crate::commands::group::{check_signers, read_all, read_group, Possession};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{Group, PartialProofOfPossessionFile};

/// Arguments of `credkit group pop combine`.
#[derive(Debug, Clone, clap::Args)]
pub struct PopCombineArgs {
    /// The group.json of the key generation (its proof of possession is `null`).
    #[arg(long, value_name = "FILE")]
    pub group: PathBuf,

    /// The members' shares of the proof, from `credkit group pop sign`; at least min_signers.
    #[arg(value_name = "SHARE", required = true)]
    pub shares: Vec<PathBuf>,

    /// Where to write the group.json with the proof; `-` for standard output. To replace
    /// the input, give its path and --force.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit group pop combine`.
///
/// # Errors
/// A verification error when fewer than `min_signers` shares are good; input and usage
/// errors as `credkit group combine`.
pub fn run(args: &PopCombineArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (group_name, group) = read_group(&mut inputs, &args.group, Possession::Optional)?;
    let shares = read_all(
        &mut inputs,
        &args.shares,
        Document::PartialProofOfPossession,
        PartialProofOfPossessionFile::from_json,
    )?;
    check_signers(
        &group_name,
        &group,
        shares
            .iter()
            .map(|(name, file)| (name.as_str(), *file.group_id(), file.partial().identifier())),
    )?;
    let package = group.package();
    let min_signers = usize::from(package.min_signers());
    let mut pool: Vec<(&str, PartialSignature)> = shares
        .iter()
        .map(|(name, file)| (name.as_str(), *file.partial()))
        .collect();
    pool.sort_by_key(|(_, p)| p.identifier());
    let mut warnings = io::stderr().lock();
    let group_key = loop {
        if pool.len() < min_signers {
            return Err(CommandError::verification(format!(
                "too few valid shares of the proof of possession: {}, the group needs \
                 {min_signers}",
                pool.len()
            ))
            .with_hint("ask more members of the group to run `credkit group pop sign`"));
        }
        let chosen: Vec<PartialSignature> = pool[..min_signers].iter().map(|(_, p)| *p).collect();
        match combine::combine_proof_of_possession(package, &chosen) {
            Ok(group_key) => break group_key,
            Err(Error::InvalidPartialSignatures(culprits)) => {
                for (name, partial) in pool
                    .iter()
                    .filter(|(_, p)| culprits.contains(&p.identifier()))
                {
                    writeln!(
                        warnings,
                        "warning: {name}: the share of {} does not verify; left out",
                        partial.identifier()
                    )?;
                }
                let before = pool.len();
                pool.retain(|(_, p)| !culprits.contains(&p.identifier()));
                if pool.len() == before {
                    // The library named no share of the set: trying again would loop.
                    return Err(CommandError::internal(
                        "the proof of possession does not verify, yet no share is named",
                    ));
                }
            }
            Err(e) => {
                return Err(CommandError::internal(format!(
                    "cannot combine the proof of possession: {e}"
                )))
            }
        }
    };
    let completed = Group::from_group_key(&group_key);
    files::write_output(&args.output, &completed.to_json(), args.force, out)?;
    Ok(Status::Success)
}
