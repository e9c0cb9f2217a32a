//! `credkit issue --key FILE --schema FILE --attrs FILE -o FILE [--force]`: the issuer signs a
//! credential over every attribute of a schema.
//!
//! BBS signing is deterministic: the same key, schema and attributes give the same credential,
//! byte for byte.

use std::io::Write;
use std::path::PathBuf;

use credkit_bbs::credential::{Attributes, IssuerKey, Schema};

use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};

/// Arguments of `credkit issue`.
#[derive(Debug, Clone, clap::Args)]
pub struct IssueArgs {
    /// The issuer's secret key file, from `credkit keygen -o FILE`.
    #[arg(long, value_name = "FILE")]
    pub key: PathBuf,

    /// The schema document: the credential's id and its ordered, typed attributes.
    #[arg(long, value_name = "FILE")]
    pub schema: PathBuf,

    /// A JSON object with a value for every attribute of the schema.
    #[arg(long, value_name = "FILE")]
    pub attrs: PathBuf,

    /// Where to write the credential; `-` for standard output.
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,

    /// Replace the output file if it exists.
    #[arg(long)]
    pub force: bool,
}

/// Runs `credkit issue`.
///
/// # Errors
/// An input error naming the file and field when an input cannot be read or is not valid; a
/// usage error when the output exists and `--force` is not given.
pub fn run(args: &IssueArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let mut inputs = Inputs::default();
    let key = {
        let input = inputs.read(&args.key, Document::SecretKey)?;
        IssuerKey::from_json(&input.text)
            .map_err(|e| files::document_error(&input.name, Document::SecretKey, e, None))?
    };
    let schema = {
        let input = inputs.read(&args.schema, Document::Schema)?;
        Schema::from_json(&input.text)
            .map_err(|e| files::document_error(&input.name, Document::Schema, e, None))?
    };
    let attrs = inputs.read(&args.attrs, Document::Attributes)?;
    let refused = |e| files::document_error(&attrs.name, Document::Attributes, e, Some(&schema));
    let attributes = Attributes::from_json(&schema, &attrs.text).map_err(refused)?;
    let credential = key.issue(&schema, &attributes).map_err(refused)?;
    files::write_output(&args.output, &credential.to_json(), args.force, out)?;
    Ok(Status::Success)
}
