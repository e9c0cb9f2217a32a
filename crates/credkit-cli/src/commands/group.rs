//! `credkit group <COMMAND>`: threshold BLS group keys and signatures.
//!
//! A group of `max_signers` members holds one BLS key, shared so that any `min_signers` of
//! them sign together and fewer learn nothing of it. The key is made by a dealer
//! ([`deal`]) or by the members without one ([`dkg`], one command per round, exchanging
//! files); members sign with their share ([`sign`]); a combiner turns `min_signers` partial
//! signatures into the group's signature, naming the members whose partial signatures are
//! bad ([`combine`]); anyone checks it with the group's public key ([`verify`]). A group
//! made by a key generation proves possession of its key with [`pop`].
//!
//! The files are the documents of [`crate::group_files`].

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Subcommand;
use credkit_threshold::Identifier;

use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{FormatError, Group, MemberKey};

pub mod combine;
pub mod deal;
pub mod dkg;
pub mod pop;
pub mod sign;
pub mod verify;

/// Arguments of `credkit group`.
#[derive(Debug, Clone, clap::Args)]
pub struct GroupArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: GroupCommand,
}

/// The subcommands of `credkit group`, in the order of a group's life.
#[derive(Debug, Clone, Subcommand)]
pub enum GroupCommand {
    /// Deal a new group key: the public `group.json` and one secret key file per member.
    ///
    /// Writes DIR/group.json (the group public key, the commitments, every member's verifying
    /// share and a proof of possession: publish it) and `DIR/member-<i>.key` for i = 1 to
    /// --max-signers (mode 0600: give each to its member only, then delete it here). Existing
    /// files are replaced only with --force. The dealer sees the group secret while it deals:
    /// `credkit group dkg` makes a key without anyone seeing it.
    Deal(deal::DealArgs),
    /// Generate a group key without a dealer: one command per round, exchanging files.
    ///
    /// Every participant runs round1, round2, round3, round4, round5 and finish with its own
    /// --state-dir, passing each round the packages the others wrote in the round before. The
    /// end is the same `member-<i>.key` and group.json as `group deal` writes; the group's proof
    /// of possession is then made with `group pop`.
    Dkg(dkg::DkgArgs),
    /// Add the group's proof of possession to the group.json of a key generation.
    ///
    /// Any --min-signers members run `group pop sign`; one of them runs `group pop combine`
    /// on their files and publishes the group.json it writes.
    Pop(pop::PopArgs),
    /// Sign a message with a member's key: writes the member's partial signature.
    ///
    /// Signing is deterministic: the same key and message give the same file.
    Sign(sign::SignArgs),
    /// Combine --min-signers partial signatures of a message into the group's signature.
    ///
    /// Every partial signature is checked against the message and its member's verifying
    /// share; bad ones are named on standard error and left out. Exits with 1 when fewer than
    /// --min-signers good ones remain, with 2 when a file is not a partial signature of this
    /// group, or two files come from one member.
    Combine(combine::CombineArgs),
    /// Verify a group signature of a message with the group's public key.
    ///
    /// Exits with 0 when the signature is valid, 1 when it is not (another group, another
    /// message, or an altered signature), 2 when an input cannot be read.
    Verify(verify::VerifyArgs),
}

/// Runs `credkit group`.
///
/// # Errors
/// The subcommand's.
pub fn run(args: &GroupArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        GroupCommand::Deal(args) => deal::run(args, out),
        GroupCommand::Dkg(args) => dkg::run(args, out),
        GroupCommand::Pop(args) => pop::run(args, out),
        GroupCommand::Sign(args) => sign::run(args, out),
        GroupCommand::Combine(args) => combine::run(args, out),
        GroupCommand::Verify(args) => verify::run(args, out),
    }
}

/// Whether a command takes a group that has no proof of possession yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Possession {
    /// Only a group with its proof of possession: every command but `group pop combine`.
    Required,
    /// Also a group fresh from a key generation.
    Optional,
}

/// Reads `group.json` at `path`; returns the name errors give it and the group.
pub(crate) fn read_group(
    inputs: &mut Inputs,
    path: &Path,
    possession: Possession,
) -> Result<(String, Group), CommandError> {
    let input = inputs.read(path, Document::Group)?;
    let group = Group::from_json(&input.text)
        .map_err(|e| files::format_error(&input.name, Document::Group, e))?;
    if possession == Possession::Required && group.proof_of_possession().is_none() {
        return Err(CommandError::input(format!(
            "{}: the group has no proof of possession yet",
            input.name
        ))
        .with_hint(
            "after a key generation, any min_signers members run `credkit group pop sign`, and \
             `credkit group pop combine` writes the group.json to publish",
        ));
    }
    Ok((input.name, group))
}

/// Reads a member key file.
pub(crate) fn read_member_key(
    inputs: &mut Inputs,
    path: &Path,
) -> Result<(String, MemberKey), CommandError> {
    let input = inputs.read(path, Document::MemberKey)?;
    let key = MemberKey::from_json(&input.text)
        .map_err(|e| files::format_error(&input.name, Document::MemberKey, e))?;
    Ok((input.name, key))
}

/// Reads files of one kind of [`crate::group_files`] document with `parse`.
pub(crate) fn read_all<T>(
    inputs: &mut Inputs,
    paths: &[PathBuf],
    doc: Document,
    parse: impl Fn(&str) -> Result<T, FormatError>,
) -> Result<Vec<(String, T)>, CommandError> {
    paths
        .iter()
        .map(|path| {
            let input = inputs.read(path, doc)?;
            let value = parse(&input.text).map_err(|e| files::format_error(&input.name, doc, e))?;
            Ok((input.name, value))
        })
        .collect()
}

/// The checks every file of a member's share of something makes before any pairing: it is
/// for the group of `group_name`, from one of its members, and no member sent two. `files`
/// are `(name, group id, signer)`.
///
/// # Errors
/// Input errors naming the file: another group, not a member; a usage error for a member
/// twice.
pub(crate) fn check_signers<'a>(
    group_name: &str,
    group: &Group,
    files: impl IntoIterator<Item = (&'a str, credkit_threshold::upload::GroupId, Identifier)>,
) -> Result<(), CommandError> {
    let expected = group.group_id();
    let mut seen: BTreeMap<Identifier, &str> = BTreeMap::new();
    for (name, group_id, signer) in files {
        if group_id != expected {
            return Err(CommandError::input(format!(
                "{name}: signed for group {group_id}, not for the group in {group_name} \
                 ({expected})"
            ))
            .with_hint("give the files of this group's members only"));
        }
        if group.package().verifying_share(signer).is_none() {
            return Err(CommandError::input(format!(
                "{name}: {signer} is not a member of the group in {group_name}"
            ))
            .with_hint(format!(
                "the group's members are {}",
                shown_members(group.package().members())
            )));
        }
        if let Some(first) = seen.insert(signer, name) {
            return Err(
                CommandError::usage(format!("{first} and {name} are both from {signer}"))
                    .with_hint("give one file per member"),
            );
        }
    }
    Ok(())
}

/// Identifiers as a short list: runs of three or more as `a-b`, e.g. `1, 3-5, 9`.
pub(crate) fn shown_members(ids: impl IntoIterator<Item = Identifier>) -> String {
    let mut ids: Vec<u16> = ids.into_iter().map(Identifier::get).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut parts = Vec::new();
    let mut i = 0;
    while i < ids.len() {
        let mut j = i;
        while j + 1 < ids.len() && ids[j + 1] == ids[j] + 1 {
            j += 1;
        }
        if j >= i + 2 {
            parts.push(format!("{}-{}", ids[i], ids[j]));
        } else {
            parts.extend(ids[i..=j].iter().map(u16::to_string));
        }
        i = j + 1;
    }
    parts.join(", ")
}

/// `DIR/name`, or `name` alone when there is no folder: the path of an output in `--out`.
pub(crate) fn output_path(dir: Option<&Path>, name: &str) -> PathBuf {
    match dir {
        Some(dir) => dir.join(name),
        None => PathBuf::from(name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(list: &[u16]) -> Vec<Identifier> {
        list.iter()
            .filter_map(|&n| Identifier::new(n).ok())
            .collect()
    }

    #[test]
    fn members_are_shown_as_runs() {
        assert_eq!(shown_members(ids(&[1, 2, 3, 4, 5])), "1-5");
        assert_eq!(shown_members(ids(&[1, 2])), "1, 2");
        assert_eq!(shown_members(ids(&[9, 1, 3, 4, 5])), "1, 3-5, 9");
        assert_eq!(shown_members(ids(&[])), "");
    }
}
