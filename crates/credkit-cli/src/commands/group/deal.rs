//! `credkit group deal --min-signers T --max-signers N --out DIR [--force]`: a dealer makes a
//! group key and shares it among members 1 to N.
//!
//! Writes `DIR/group.json` (public) and `DIR/member-<i>.key` (secret, mode 0600), after
//! checking that none of them exists (without `--force`), so that a refused run writes
//! nothing. Prints the group id and what each file is for.

use std::io::Write;
use std::path::{Path, PathBuf};

use credkit_threshold::{dealer, Error};
use rand_core::OsRng;

use crate::commands::Status;
use crate::error::CommandError;
use crate::files;
use crate::group_files::{Group, MemberKey};

/// Arguments of `credkit group deal`.
#[derive(Debug, Clone, clap::Args)]
pub struct DealArgs {
    /// How many members must sign together (at least 2).
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u16).range(2..))]
    pub min_signers: u16,

    /// How many members the group has; they are numbered 1 to N.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(2..))]
    pub max_signers: u16,

    /// The folder to write group.json and `member-<i>.key` to (created if missing).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// Replace existing files; the member keys they hold are lost.
    #[arg(long)]
    pub force: bool,
}

/// The name of a member's key file.
pub(crate) fn member_key_name(id: u16) -> String {
    format!("member-{id}.key")
}

/// The name of the group's public file.
pub(crate) const GROUP_FILE: &str = "group.json";

/// Runs `credkit group deal`.
///
/// # Errors
/// A usage error for --min-signers above --max-signers or an existing file without
/// `--force`; an input error when a file cannot be written.
pub fn run(args: &DealArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    if args.min_signers > args.max_signers {
        return Err(CommandError::usage(format!(
            "--min-signers {} is more than --max-signers {}",
            args.min_signers, args.max_signers
        ))
        .with_hint("a group cannot need more signers than it has members"));
    }
    let group_path = args.out.join(GROUP_FILE);
    let key_paths: Vec<PathBuf> = (1..=args.max_signers)
        .map(|id| args.out.join(member_key_name(id)))
        .collect();
    let all = std::iter::once(group_path.as_path()).chain(key_paths.iter().map(PathBuf::as_path));
    files::refuse_existing(all, args.force)
        .map_err(|e| e.with_hint("a member key that is overwritten cannot be recovered"))?;

    let (group_key, shares) = dealer::deal(&mut OsRng, args.min_signers, args.max_signers)
        .map_err(|e| match e {
            Error::InvalidMinSigners { .. } => CommandError::usage(e.to_string()),
            e => CommandError::internal(format!("cannot deal the group key: {e}")),
        })?;
    std::fs::create_dir_all(&args.out).map_err(|e| {
        CommandError::input(format!(
            "{}: cannot create the folder: {}",
            args.out.display(),
            files::describe(&e)
        ))
        .with_hint("give a folder in a writable place")
    })?;
    let mut written: Vec<&Path> = Vec::new();
    let result: Result<Group, CommandError> = (|| {
        for (share, path) in shares.iter().zip(&key_paths) {
            let key = MemberKey::new(
                share.clone(),
                group_key.public_key().clone(),
                args.min_signers,
                args.max_signers,
            )
            .map_err(|e| CommandError::internal(format!("cannot encode a member key: {e}")))?;
            files::write_secret(path, &key.to_json(), args.force)?;
            written.push(path);
        }
        let group = Group::from_group_key(&group_key);
        files::write_file_public(&group_path, &group.to_json(), args.force)?;
        Ok(group)
    })();
    let group = match result {
        Ok(group) => group,
        Err(e) => {
            if !args.force {
                // Leave no member keys of a group whose files were not all written.
                for path in written {
                    let _ = std::fs::remove_file(path);
                }
            }
            return Err(e);
        }
    };

    writeln!(
        out,
        "group {}: any {} of {} members sign",
        group.group_id(),
        args.min_signers,
        args.max_signers
    )?;
    writeln!(
        out,
        "{}: the group's public key (publish it)",
        group_path.display()
    )?;
    for (id, path) in (1..=args.max_signers).zip(&key_paths) {
        writeln!(
            out,
            "{}: member {id}'s secret key (mode 0600; give it to member {id} only)",
            path.display()
        )?;
    }
    Ok(Status::Success)
}
