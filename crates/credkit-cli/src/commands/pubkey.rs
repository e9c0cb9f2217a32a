//! `credkit pubkey FILE [--format json|jwk|multikey]`: prints the public key of a secret key
//! file, or converts a public key document, in one of the three forms verifiers take.

use std::io::Write;
use std::path::PathBuf;

use credkit_bbs::credential::{IssuerKey, IssuerPublicKey};
use credkit_bbs::Error;
use serde::Deserialize;

use crate::cli::KeyFormat;
use crate::commands::Status;
use crate::error::CommandError;
use crate::files::{self, Document, Inputs};

/// Arguments of `credkit pubkey`.
#[derive(Debug, Clone, clap::Args)]
pub struct PubkeyArgs {
    /// A secret key file (from `credkit keygen`) or a public key document; `-` for standard
    /// input.
    #[arg(value_name = "FILE")]
    pub key: PathBuf,

    /// The form to print: a credkit public key document, a JWK, or a Multikey (one line).
    #[arg(long, value_enum, default_value_t = KeyFormat::Json)]
    pub format: KeyFormat,
}

/// Runs `credkit pubkey`.
///
/// # Errors
/// An input error when the file cannot be read or holds no valid key document; an internal
/// error when `out` cannot be written.
pub fn run(args: &PubkeyArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let input = Inputs::default().read(&args.key, Document::AnyKey)?;
    let public = read_key(&input.name, &input.text)?;
    match args.format {
        KeyFormat::Json => out.write_all(public.to_json().as_bytes())?,
        KeyFormat::Jwk => out.write_all(public.to_jwk().as_bytes())?,
        KeyFormat::Multikey => writeln!(out, "{}", public.to_multikey())?,
    }
    Ok(Status::Success)
}

/// The public key of a secret or public key document; `name` is the file's, for errors.
fn read_key(name: &str, text: &str) -> Result<IssuerPublicKey, CommandError> {
    /// The `type` of a document, whatever else it holds.
    #[derive(Deserialize)]
    struct Peek {
        #[serde(rename = "type")]
        kind: Option<serde_json::Value>,
    }
    let is_secret = serde_json::from_str::<Peek>(text)
        .ok()
        .and_then(|peek| peek.kind)
        .is_some_and(|kind| kind == "secret-key");
    let result = if is_secret {
        IssuerKey::from_json(text).map(|key| key.public())
    } else {
        IssuerPublicKey::from_json(text)
    };
    result.map_err(|e| match e {
        Error::WrongDocumentType { found, .. } => CommandError::input(format!(
            "{name}: expected a `secret-key` or `public-key` document, found `{found}`"
        ))
        .with_hint(
            "give a secret key file from `credkit keygen`, or a public key document from \
             `credkit pubkey`",
        ),
        e => files::document_error(name, Document::AnyKey, e, None),
    })
}
