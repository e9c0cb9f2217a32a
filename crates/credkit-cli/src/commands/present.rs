//! `credkit present --credential FILE --disclose NAMES --nonce N [--verifier ID] -o FILE`: the
//! holder discloses some attributes of a credential to one verifier.
//!
//! The credential's signature is checked first: a presentation of a credential that does not
//! verify would be refused by every verifier. The presentation is bound to the verifier's
//! nonce and, when given, its id (their UTF-8 bytes); it is random, so two presentations of
//! one credential cannot be linked.

use std::io::Write;
use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use credkit_bbs::credential::Credential;

use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};

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
    let input = Inputs::default().read(&args.credential, Document::Credential)?;
    let credential = Credential::from_json(&input.text)
        .map_err(|e| files::document_error(&input.name, Document::Credential, e, None))?;
    credential
        .verify()
        .map_err(|e| files::document_error(&input.name, Document::Credential, e, None))?;
    let schema = credential.schema();
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
