//! `credkit group dkg <ROUND>`: distributed key generation, one process per round.
//!
//! Each participant keeps its secret state in `--state-dir DIR`, as `DIR/dkg-state.json`
//! (mode 0600, the folder 0700 when created here): round1 creates it, each later round reads
//! it, writes its packages, then replaces it atomically with the next round's state (so that
//! a round cannot be run twice: the state says which round is next), and finish removes it.
//! Packages are credkit-threshold's DKG documents (`credkit_threshold::dkg::encoding`),
//! written to `--out DIR` (default: the current folder) under fixed names:
//!
//! | command  | reads                                  | writes                                  |
//! |----------|----------------------------------------|-----------------------------------------|
//! | `round1` | (parameters)                           | `round1-<i>.json`: broadcast            |
//! | `round2` | every `round1-*.json`                  | `round2-<i>-to-<j>.json` per member `j`: **secret**, to `j` only, privately (mode 0600) |
//! | `round3` | the `round2-*-to-<i>.json` sent to `i` | `round3-<i>.json` (complaints): broadcast |
//! | `round4` | every `round3-*.json`                  | `round4-<i>.json` (justification) only if `i` was accused: broadcast |
//! | `round5` | every `round4-*.json` (maybe none)     | `round5-<i>.json` (confirmation): broadcast |
//! | `finish` | every `round5-*.json`                  | `member-<i>.key` (mode 0600) and `group.json`, as `group deal` writes them, without the proof of possession |
//!
//! A participant's own package may be among those it reads. Participants that misbehave are
//! disqualified, and each round prints them; the run fails (exit status 1) when fewer than
//! `min_signers` remain or the members did not all see the same transcript. A package of
//! another session, from a stranger, misaddressed or malformed is refused (exit status 2),
//! naming the file.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::builder::NonEmptyStringValueParser;
use clap::Subcommand;
use credkit_threshold::dkg::{DocumentDefect, DocumentType};
use credkit_threshold::{Error, Identifier};
use zeroize::Zeroizing;

use crate::commands::group::{output_path, shown_members};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Input, Inputs};

pub mod finish;
pub mod round1;
pub mod round2;
pub mod round3;
pub mod round4;
pub mod round5;

/// Arguments of `credkit group dkg`.
#[derive(Debug, Clone, clap::Args)]
pub struct DkgArgs {
    /// The round to run.
    #[command(subcommand)]
    pub command: DkgCommand,
}

/// The rounds, in order.
#[derive(Debug, Clone, Subcommand)]
pub enum DkgCommand {
    /// Start: commit to a random polynomial; writes the state and `round1-<i>.json.`
    ///
    /// Every participant runs it with the same --min-signers, --participants and --session,
    /// and its own --id and --state-dir. Broadcast `round1-<i>.json` to every other
    /// participant.
    Round1(round1::Round1Args),
    /// Deal: check everyone's round-1 package; writes one secret share per member.
    ///
    /// Give it every round1-*.json. Send each `round2-<i>-to-<j>.json` to member j only, over
    /// a private channel (it holds a share of the group key), then delete it here.
    Round2(round2::Round2Args),
    /// Complain: check the shares sent to this member; writes `round3-<i>.json.`
    ///
    /// Give it the `round2-*-to-<i>.json` sent to this member. Broadcast `round3-<i>.json`, even
    /// when it accuses nobody.
    Round3(round3::Round3Args),
    /// Justify: answer complaints against this member, if any; writes `round4-<i>.json` then.
    ///
    /// Give it every round3-*.json. Broadcast `round4-<i>.json` if it was written.
    Round4(round4::Round4Args),
    /// Confirm: judge the justifications; writes `round5-<i>.json`, a digest of the transcript.
    ///
    /// Give it every round4-*.json (none when nobody was accused). Broadcast `round5-<i>.json.`
    Round5(round5::Round5Args),
    /// Finish: check everyone's confirmation; writes `member-<i>.key` and group.json.
    ///
    /// Give it every round5-*.json. Every member ends with the same group.json, which has no
    /// proof of possession yet: see `credkit group pop`.
    Finish(finish::FinishArgs),
}

/// Runs `credkit group dkg`.
///
/// # Errors
/// The round's.
pub fn run(args: &DkgArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match &args.command {
        DkgCommand::Round1(args) => round1::run(args, out),
        DkgCommand::Round2(args) => round2::run(args, out),
        DkgCommand::Round3(args) => round3::run(args, out),
        DkgCommand::Round4(args) => round4::run(args, out),
        DkgCommand::Round5(args) => round5::run(args, out),
        DkgCommand::Finish(args) => finish::run(args, out),
    }
}

/// The options every round takes.
#[derive(Debug, Clone, clap::Args)]
pub struct StateArgs {
    /// This participant's folder for its secret state, DIR/dkg-state.json.
    #[arg(long, value_name = "DIR")]
    pub state_dir: PathBuf,

    /// The folder to write this round's files to [default: the current folder].
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,

    /// Replace this round's output files if they exist (never the state).
    #[arg(long)]
    pub force: bool,
}

/// The session id argument's parser.
pub(crate) fn session_parser() -> NonEmptyStringValueParser {
    NonEmptyStringValueParser::new()
}

/// The name of the state file in `--state-dir`.
pub const STATE_FILE: &str = "dkg-state.json";

/// The round that runs on a state of type `state`.
fn next_round(state: DocumentType) -> Option<&'static str> {
    match state {
        DocumentType::State1 => Some("round2"),
        DocumentType::State2 => Some("round3"),
        DocumentType::State3 => Some("round4"),
        DocumentType::State4 => Some("round5"),
        DocumentType::State5 => Some("finish"),
        _ => None,
    }
}

/// The state of `state_dir`, which `round` (the subcommand) reads: a state of type
/// `expected`. Another round's state is a usage error naming the round to run.
pub(crate) fn read_state(
    inputs: &mut Inputs,
    state_dir: &Path,
    expected: DocumentType,
) -> Result<(PathBuf, Input), CommandError> {
    let path = state_dir.join(STATE_FILE);
    let input = inputs.read(&path, Document::DkgState)?;
    if let Some(found) = DocumentType::of(&input.text) {
        if let (Some(next), true) = (next_round(found), found != expected) {
            let this = next_round(expected).unwrap_or("this round");
            return Err(CommandError::usage(format!(
                "{}: the key generation in this folder is ready for `{next}`, not `{this}`",
                input.name
            ))
            .with_hint(format!(
                "run `credkit group dkg {next}`; a round runs once, and its state moves on"
            )));
        }
    }
    Ok((path, input))
}

/// The error for a state file that its reader refused.
pub(crate) fn state_error(name: &str, e: &Error) -> CommandError {
    CommandError::input(format!("{name}: {e}")).with_hint(
        "the state file was altered or damaged; the key generation must start anew with \
         another --session",
    )
}

/// Packages of one round, with the files they came from, by sender.
pub(crate) struct Packages<T> {
    /// The packages, in the order of the files.
    pub(crate) list: Vec<T>,
    /// The file of each package of `list`.
    pub(crate) names: Vec<String>,
    /// The files of each sender.
    pub(crate) files: BTreeMap<Identifier, Vec<String>>,
}

/// Reads the package files `paths` of type `document` with `parse`; `sender` says whose
/// each is. `previous` is the round that wrote them, for hints.
pub(crate) fn read_packages<T>(
    inputs: &mut Inputs,
    paths: &[PathBuf],
    document: DocumentType,
    previous: &str,
    parse: impl Fn(&str) -> Result<T, Error>,
    sender: impl Fn(&T) -> Identifier,
) -> Result<Packages<T>, CommandError> {
    let mut packages = Packages {
        list: Vec::with_capacity(paths.len()),
        names: Vec::with_capacity(paths.len()),
        files: BTreeMap::new(),
    };
    for path in paths {
        let input = inputs.read(path, Document::DkgPackage)?;
        let package =
            parse(&input.text).map_err(|e| package_error(&input.name, &e, document, previous))?;
        packages
            .files
            .entry(sender(&package))
            .or_default()
            .push(input.name.clone());
        packages.list.push(package);
        packages.names.push(input.name);
    }
    Ok(packages)
}

/// The error for a package file its reader refused.
fn package_error(name: &str, e: &Error, document: DocumentType, previous: &str) -> CommandError {
    let err = CommandError::input(format!("{name}: {e}"));
    match e {
        Error::MalformedDkgDocument {
            defect: DocumentDefect::WrongType { found: Some(found) },
            ..
        } if found.name().starts_with("dkg-state") || *found == DocumentType::KeyPackage => err
            .with_hint(format!(
                "this is a participant's secret state, never to be sent; give the \
                 `{document}` packages that `credkit group dkg {previous}` wrote"
            )),
        Error::MalformedDkgDocument {
            defect: DocumentDefect::WrongType { .. },
            ..
        } => err.with_hint(format!(
            "give the `{document}` packages that `credkit group dkg {previous}` wrote"
        )),
        _ => err.with_hint("the file was altered or truncated; ask its sender for it again"),
    }
}

/// The error for what a round refused, naming the files of the senders it names.
pub(crate) fn round_error<T>(e: Error, packages: &Packages<T>) -> CommandError {
    let files_of = |id: &Identifier| {
        packages
            .files
            .get(id)
            .map_or_else(|| id.to_string(), |names| names.join(", "))
    };
    match &e {
        Error::SessionMismatch(sender) => CommandError::input(format!("{}: {e}", files_of(sender)))
            .with_hint(
                "every participant runs round1 with the same --session, --min-signers and \
                 --participants",
            ),
        Error::UnknownParticipant(sender) => {
            CommandError::input(format!("{}: {e}", files_of(sender)))
                .with_hint("give the packages of this key generation's participants only")
        }
        Error::DuplicateParticipant(sender) => CommandError::usage(format!(
            "{}: two different packages from {sender}",
            files_of(sender)
        ))
        .with_hint("give each participant's package of this round once; a participant that sent two has equivocated"),
        Error::MisaddressedShare { sender, recipient } => {
            CommandError::input(format!("{}: {e}", files_of(sender))).with_hint(format!(
                "round3 takes the round-2 packages sent to this member only, \
                 round2-*-to-<i>.json; this one is for {recipient}"
            ))
        }
        Error::TooManyDisqualified {
            qualified,
            min_signers,
            disqualified,
        } => CommandError::verification(format!(
            "the key generation cannot complete: too few qualified participants remain: \
             {qualified}, {min_signers} are needed (disqualified: members {})",
            shown_members(disqualified.iter().copied())
        ))
        .with_hint("start a new key generation with another --session, without the disqualified"),
        Error::TranscriptMismatch(members) => CommandError::verification(format!(
            "the key generation cannot complete: members {} did not confirm the transcript \
             this member saw",
            shown_members(members.iter().copied())
        ))
        .with_hint(
            "a participant sent different packages to different members, or a round-5 package \
             is missing; start a new key generation with another --session",
        ),
        _ => CommandError::internal(format!("the key generation failed: {e}")),
    }
}

/// A file a round writes.
pub(crate) struct Output {
    /// Where.
    pub(crate) path: PathBuf,
    /// What.
    pub(crate) contents: Zeroizing<String>,
    /// Whether it holds a secret (mode 0600).
    pub(crate) secret: bool,
}

/// Writes `outputs`, none of which may exist without `force` (checked before any is
/// written), creating their folders if missing.
pub(crate) fn write_outputs(outputs: &[Output], force: bool) -> Result<(), CommandError> {
    files::refuse_existing(outputs.iter().map(|o| o.path.as_path()), force)?;
    for output in outputs {
        if let Some(folder) = output.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(folder).map_err(|e| {
                CommandError::input(format!(
                    "{}: cannot create the folder: {}",
                    folder.display(),
                    files::describe(&e)
                ))
                .with_hint("give a folder in a writable place")
            })?;
        }
        if output.secret {
            files::write_secret(&output.path, &output.contents, force)?;
        } else {
            files::write_file_public(&output.path, &output.contents, force)?;
        }
    }
    Ok(())
}

/// The path of the output `name` of a round.
pub(crate) fn round_output(args: &StateArgs, name: &str) -> PathBuf {
    output_path(args.out.as_deref(), name)
}

/// Prints the participants disqualified since `before`, one line each with the reason.
pub(crate) fn print_disqualified(
    out: &mut impl Write,
    before: &BTreeSet<Identifier>,
    now: &BTreeMap<Identifier, Error>,
) -> Result<(), CommandError> {
    for (id, reason) in now {
        if !before.contains(id) {
            writeln!(out, "disqualified: {reason}")?;
        }
    }
    Ok(())
}

/// `members 2, 3` of the qualified participants but `me`.
pub(crate) fn others(qualified: &BTreeSet<Identifier>, me: Identifier) -> String {
    let others: Vec<Identifier> = qualified.iter().copied().filter(|&id| id != me).collect();
    let word = if others.len() == 1 {
        "member"
    } else {
        "members"
    };
    format!("{word} {}", shown_members(others))
}
