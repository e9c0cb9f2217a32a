//! `credkit present --credential FILE --disclose NAMES --nonce N [--verifier ID] [--secret FILE
//! --pseudonym-context ID] -o FILE`: the holder discloses some attributes of a credential to
//! one verifier.
//!
//! The credential's signature is checked first: a presentation of a credential that does not
//! verify would be refused by every verifier. The presentation is bound to the verifier's
//! nonce and, when given, its id (their UTF-8 bytes); it is random, so two presentations of
//! one credential cannot be linked.
//!
//! A holder-bound credential (`credkit issue --request`) is presented only with the holder's
//! secret (`--secret`, the file `credkit request` wrote) and for a verifier's pseudonym
//! context (`--pseudonym-context`, required: SPEC.md §4.6 says why). The presentation then
//! carries the holder's pseudonym for that context: the same on every presentation to it,
//! unrelated to the pseudonyms of other contexts.

use std::io::Write;
use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use credkit_bbs::credential::{BoundCredential, Credential, HolderSecret, Schema};
use credkit_bbs::Error;

use crate::cli::{self, SuiteArg};
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Input, Inputs};

/// Arguments of `credkit present`.
#[derive(Debug, Clone, clap::Args)]
pub struct PresentArgs {
    /// The credential file, from `credkit issue`.
    #[arg(long, value_name = "FILE")]
    pub credential: PathBuf,

    /// The attributes to disclose, by name, separated by commas (`''` discloses none).
    #[arg(long, value_name = "NAMES", value_delimiter = ',', required = true)]
    pub disclose: Vec<String>,

    /// The verifier's nonce: its UTF-8 bytes bind the presentation to this one request.
    #[arg(long, value_name = "NONCE", value_parser = NonEmptyStringValueParser::new())]
    pub nonce: String,

    /// The verifier's id: its UTF-8 bytes bind the presentation to this one verifier.
    #[arg(long, value_name = "ID")]
    pub verifier: Option<String>,

    /// The holder's secret file, from `credkit request --secret FILE`: required for a
    /// holder-bound credential, refused for another.
    #[arg(long, value_name = "FILE", requires = "pseudonym_context")]
    pub secret: Option<PathBuf>,

    /// The verifier's pseudonym context (its UTF-8 bytes, 1 to 255): the verifier sees the
    /// same pseudonym on every presentation for this context. With --secret only.
    #[arg(long, value_name = "ID", requires = "secret", value_parser = cli::pseudonym_context)]
    pub pseudonym_context: Option<String>,

    /// Where to write the presentation; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit present`.
///
/// # Errors
/// An input error when the credential cannot be read; a verification error when its
/// signature does not verify; a usage error for an attribute the schema does not have, or an
/// output that exists without `--force`.
pub fn run(args: &PresentArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let input = inputs.read(&args.credential, Document::Credential)?;
    let credential = match Credential::from_json(&input.text) {
        Err(Error::WrongDocumentType { found, .. }) if found == "bound-credential" => {
            return present_bound(args, &mut inputs, &input, out);
        }
        read => {
            read.map_err(|e| files::document_error(&input.name, Document::Credential, e, None))?
        }
    };
    if args.secret.is_some() {
        return Err(CommandError::usage(format!(
            "{}: not a holder-bound credential; --secret and --pseudonym-context are for \
             credentials issued with `credkit issue --request`",
            input.name
        ))
        .with_hint("present it without --secret and --pseudonym-context"));
    }
    credential
        .verify()
        .map_err(|e| files::document_error(&input.name, Document::Credential, e, None))?;
    let disclose = disclosed(args, credential.schema(), &input)?;
    let presentation = credential
        .present(
            &disclose,
            args.nonce.as_bytes(),
            args.verifier.as_deref().map(str::as_bytes),
        )
        .map_err(|e| files::document_error(&input.name, Document::Credential, e, None))?;
    files::write_output(&args.output, &presentation.to_json(), args.force, out)?;
    Ok(Status::Success)
}

/// The names of `--disclose`, each of which must be in the schema.
fn disclosed<'a>(
    args: &'a PresentArgs,
    schema: &Schema,
    input: &Input,
) -> Result<Vec<&'a str>, CommandError> {
    let disclose: Vec<&str> = args
        .disclose
        .iter()
        .map(String::as_str)
        .filter(|name| !name.is_empty())
        .collect();
    if let Some(unknown) = disclose.iter().find(|name| schema.position(name).is_none()) {
        return Err(CommandError::usage(format!(
            "--disclose: attribute `{unknown}` is not in the schema of {}",
            input.name
        ))
        .with_hint(files::attributes_hint(schema)));
    }
    Ok(disclose)
}

/// Presents the holder-bound credential in `input` with the holder's secret.
fn present_bound(
    args: &PresentArgs,
    inputs: &mut Inputs,
    input: &Input,
    out: &mut impl Write,
) -> Result<Status, CommandError> {
    let (Some(secret_path), Some(context)) = (&args.secret, &args.pseudonym_context) else {
        return Err(CommandError::usage(format!(
            "{}: a holder-bound credential is presented only with its holder's secret",
            input.name
        ))
        .with_hint(
            "give --secret FILE, the file `credkit request` wrote with the request, and \
             --pseudonym-context ID, the verifier's context",
        ));
    };
    let credential = BoundCredential::from_json(&input.text)
        .map_err(|e| files::document_error(&input.name, Document::Credential, e, None))?;
    let secret_input = inputs.read(secret_path, Document::HolderSecret)?;
    let secret = HolderSecret::from_json(&secret_input.text)
        .map_err(|e| files::document_error(&secret_input.name, Document::HolderSecret, e, None))?;
    let refused = |e: Error| match e {
        Error::SuiteMismatch { expected, found } => CommandError::input(format!(
            "{}: the holder secret is for suite {found}, {} for {expected}",
            secret_input.name, input.name
        ))
        .with_hint(format!(
            "a holder-bound credential is presented with the secret of its own request; this \
             one was requested with `--suite {}`",
            SuiteArg::from_id(expected).name()
        )),
        Error::HolderSecretMismatch => {
            files::document_error(&secret_input.name, Document::HolderSecret, e, None)
        }
        e => files::document_error(&input.name, Document::Credential, e, None),
    };
    credential.verify(&secret).map_err(refused)?;
    let disclose = disclosed(args, credential.schema(), input)?;
    let presentation = credential
        .present(
            &secret,
            &disclose,
            args.nonce.as_bytes(),
            args.verifier.as_deref().map(str::as_bytes),
            context.as_bytes(),
        )
        .map_err(refused)?;
    files::write_output(&args.output, &presentation.to_json(), args.force, out)?;
    Ok(Status::Success)
}
