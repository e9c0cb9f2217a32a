//! `credkit issue --key FILE --schema FILE --attrs FILE [--request FILE] -o FILE [--force]`:
//! the issuer signs a credential over every attribute of a schema.
//!
//! BBS signing is deterministic: the same key, schema and attributes give the same credential,
//! byte for byte.
//!
//! With `--request`, the credential is holder-bound (SPEC.md §4.6): signed blindly together
//! with the secrets the holder's request commits to, and presentable only with the holder's
//! secret file. The request must be for the key's suite and for `--schema`. Such a credential
//! carries the issuer's fresh entropy for the holder's pseudonyms, so it is written like a
//! secret: to a file with mode 0600, never to standard output.

use std::io::Write;
use std::path::{Path, PathBuf};

use credkit_bbs::credential::{Attributes, CredentialRequest, IssuerKey, Schema};
use credkit_bbs::Error;

use crate::cli::SuiteArg;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Input, Inputs, STDIO};

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

    /// A holder's credential request, from `credkit request`: issue a holder-bound credential
    /// that only the holder's secret can present (written with mode 0600).
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,

    /// Where to write the credential; `-` for standard output (not for a holder-bound one).
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
    let Some(request_path) = &args.request else {
        let credential = key.issue(&schema, &attributes).map_err(refused)?;
        files::write_output(&args.output, &credential.to_json(), args.force, out)?;
        return Ok(Status::Success);
    };
    if args.output.as_os_str() == STDIO {
        return Err(CommandError::usage(
            "refusing to write a holder-bound credential to standard output",
        )
        .with_hint(
            "give a file with `-o FILE` (written with mode 0600): the credential carries the \
             entropy of the holder's pseudonyms",
        ));
    }
    let input = inputs.read(request_path, Document::Request)?;
    let request = CredentialRequest::from_json(&input.text)
        .map_err(|e| files::document_error(&input.name, Document::Request, e, None))?;
    let credential = key
        .issue_bound(&request, &schema, &attributes)
        .map_err(|e| match e {
            Error::UnknownAttribute(_)
            | Error::MissingAttribute(_)
            | Error::AttributeType { .. } => refused(e),
            e => request_refused(&input, &request, &key, &schema, &args.schema, e),
        })?;
    files::write_secret(&args.output, &credential.to_json(), args.force)?;
    Ok(Status::Success)
}

/// The error for a request the issuer refuses: for another schema or suite, or with a
/// commitment whose proof does not verify.
fn request_refused(
    input: &Input,
    request: &CredentialRequest,
    key: &IssuerKey,
    schema: &Schema,
    schema_path: &Path,
    e: Error,
) -> CommandError {
    let name = &input.name;
    match e {
        Error::RequestSchemaMismatch if request.schema_id() == schema.id() => {
            CommandError::input(format!("{name}: {e}")).with_hint(format!(
                "the request is for another version of the schema `{}` than {}: the holder \
                 must request with the schema this issuer signs",
                schema.id(),
                schema_path.display()
            ))
        }
        Error::RequestSchemaMismatch => {
            CommandError::input(format!("{name}: {e}")).with_hint(format!(
                "the request is for the schema `{}`, {} is `{}`",
                request.schema_id(),
                schema_path.display(),
                schema.id()
            ))
        }
        Error::SuiteMismatch { .. } => CommandError::input(format!(
            "{name}: the request is for suite {}, the issuer key for {}",
            request.suite(),
            key.suite()
        ))
        .with_hint(format!(
            "the holder must request with `--suite {}`",
            SuiteArg::from_id(key.suite()).name()
        )),
        e => files::document_error(name, Document::Request, e, None),
    }
}
