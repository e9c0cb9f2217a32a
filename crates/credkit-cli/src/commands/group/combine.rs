//! `credkit group combine --group FILE --message FILE PARTIAL... -o FILE [--force]`: the
//! combiner turns `min_signers` partial signatures of a message into the group's signature.
//!
//! The combiner needs the message (`--message`): every partial signature carries the SHA-256
//! of the message its member signed, so that one of another message is named as such, and
//! the others are checked against the message and their members' verifying shares in one
//! batch (one by one only if the batch fails, to name every culprit). Bad partial signatures
//! are named on standard error, `warning: FILE: ...; left out`, and the first `min_signers`
//! good ones, by member, are combined. Exit status 1 when fewer than `min_signers` good ones
//! remain; 2 when a file is for another group, from a member the group does not have, or
//! from a member that another file is from too.

use std::io::{self, Write};
use std::path::PathBuf;

use credkit_threshold::bls::Signature;
use credkit_threshold::{combine, sign, Error, Identifier, PartialSignature};
use rand_core::OsRng;

use crate::commands::group::{check_signers, read_all, read_group, Possession};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};
use crate::group_files::{sha256, Group, GroupSignatureFile, PartialSignatureFile};

/// Arguments of `credkit group combine`.
#[derive(Debug, Clone, clap::Args)]
pub struct CombineArgs {
    /// The group's public key, group.json.
    #[arg(long, value_name = "FILE")]
    pub group: PathBuf,

    /// The message the members signed; `-` for standard input.
    #[arg(long, value_name = "FILE")]
    pub message: PathBuf,

    /// The members' partial signatures, from `credkit group sign`; at least min_signers.
    #[arg(value_name = "PARTIAL", required = true)]
    pub partials: Vec<PathBuf>,

    /// Where to write the group signature; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit group combine`.
///
/// # Errors
/// A verification error when fewer than `min_signers` partial signatures are good; input
/// and usage errors as the module documentation says.
pub fn run(args: &CombineArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let (group_name, group) = read_group(&mut inputs, &args.group, Possession::Required)?;
    let message = inputs.read_bytes(&args.message, Document::Message)?;
    let partials = read_all(
        &mut inputs,
        &args.partials,
        Document::PartialSignature,
        PartialSignatureFile::from_json,
    )?;
    let signature = combine_partials(
        &Signed {
            group_name: &group_name,
            group: &group,
            message: &message.bytes,
            what: &message.name,
            sign_command: "credkit group sign",
        },
        &partials,
        &mut io::stderr().lock(),
    )?;
    let file = GroupSignatureFile::new(group.group_id(), sha256(&message.bytes), signature);
    files::write_output(&args.output, &file.to_json(), args.force, out)?;
    Ok(Status::Success)
}

/// What the partial signatures to combine signed.
pub(crate) struct Signed<'a> {
    /// The name of the group's file, for errors.
    pub(crate) group_name: &'a str,
    /// The group.
    pub(crate) group: &'a Group,
    /// The message.
    pub(crate) message: &'a [u8],
    /// The message as errors name it: its file, or the upload it is the signing bytes of.
    pub(crate) what: &'a str,
    /// The command members sign such messages with, for hints.
    pub(crate) sign_command: &'a str,
}

/// Why a partial signature was left out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Flaw {
    /// Its `message_sha256` is another message's.
    AnotherMessage,
    /// It does not verify under its member's verifying share.
    Invalid,
}

/// Checks the partial signatures `partials` (file name and content) of `signed.message`,
/// names the bad ones on `warnings`, and combines the first `min_signers` good ones, by
/// member, into the group's signature.
///
/// # Errors
/// As [`run`].
pub(crate) fn combine_partials(
    signed: &Signed<'_>,
    partials: &[(String, PartialSignatureFile)],
    warnings: &mut impl Write,
) -> Result<Signature, CommandError> {
    let package = signed.group.package();
    check_signers(
        signed.group_name,
        signed.group,
        partials
            .iter()
            .map(|(name, file)| (name.as_str(), *file.group_id(), file.partial().identifier())),
    )?;
    let digest = sha256(signed.message);
    let mut good: Vec<(&str, PartialSignature)> = Vec::new();
    let mut bad: Vec<(&str, Identifier, Flaw)> = Vec::new();
    for (name, file) in partials {
        if file.message_sha256() == &digest {
            good.push((name, *file.partial()));
        } else {
            bad.push((name, file.partial().identifier(), Flaw::AnotherMessage));
        }
    }
    let candidates: Vec<PartialSignature> = good.iter().map(|(_, p)| *p).collect();
    match sign::verify_partials(&mut OsRng, package, signed.message, &candidates) {
        Ok(()) => {}
        Err(Error::InvalidPartialSignatures(culprits)) => {
            let (invalid, valid) = good
                .into_iter()
                .partition(|(_, p)| culprits.contains(&p.identifier()));
            good = valid;
            bad.extend(
                invalid
                    .into_iter()
                    .map(|(name, p): (&str, PartialSignature)| {
                        (name, p.identifier(), Flaw::Invalid)
                    }),
            );
        }
        Err(e) => {
            return Err(CommandError::internal(format!(
                "cannot check the partial signatures: {e}"
            )))
        }
    }
    bad.sort_by_key(|(_, id, _)| *id);
    for (name, signer, flaw) in &bad {
        match flaw {
            Flaw::AnotherMessage => writeln!(
                warnings,
                "warning: {name}: {signer} signed another message than {}; left out",
                signed.what
            )?,
            Flaw::Invalid => writeln!(
                warnings,
                "warning: {name}: the partial signature of {signer} does not verify; left out"
            )?,
        }
    }
    let min_signers = usize::from(package.min_signers());
    if good.len() < min_signers {
        return Err(CommandError::verification(format!(
            "too few valid partial signatures: {}, the group needs {min_signers}",
            good.len()
        ))
        .with_hint(format!(
            "ask more members of the group to sign with `{}`",
            signed.sign_command
        )));
    }
    good.sort_by_key(|(_, p)| p.identifier());
    let chosen: Vec<PartialSignature> = good[..min_signers].iter().map(|(_, p)| *p).collect();
    combine::combine_and_verify(package, signed.message, &chosen).map_err(|e| {
        CommandError::internal(format!(
            "checked partial signatures did not combine into a valid signature: {e}"
        ))
    })
}
