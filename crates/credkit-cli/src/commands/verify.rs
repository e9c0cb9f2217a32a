//! `credkit verify --issuer FILE --presentation FILE --nonce N [--verifier ID] [--suite S]
//! [--json]`: the verifier checks a presentation against the issuer key it trusts, its own
//! nonce and its own id, and prints the disclosed attributes.
//!
//! Prints one `name: value` line per disclosed attribute, in schema order, and nothing else;
//! with `--json`, `{"valid": true, "issuer": KID, "schema": ID, "disclosed": {...}}`. A
//! presentation that does not verify ends with exit status 1, a message on standard error
//! and, with `--json`, `{"valid": false, "error": MESSAGE}` on standard output.

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use credkit_bbs::credential::{AttributeValue, Attributes, IssuerPublicKey, Presentation, SuiteId};
use credkit_bbs::Error;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::cli::SuiteArg;
use crate::commands::Status;
use crate::error::{CommandError, CommandErrorKind};
use crate::files::{self, Document, Input, Inputs};

/// Arguments of `credkit verify`.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArgs {
    /// The trusted issuer's public key: a credkit public-key document, a JWK (a JSON object
    /// with `kty`) or a Multikey (one line starting with `z`).
    #[arg(long, value_name = "FILE")]
    pub issuer: PathBuf,

    /// The presentation file, from `credkit present`.
    #[arg(long, value_name = "FILE")]
    pub presentation: PathBuf,

    /// The nonce this verifier sent the holder (its UTF-8 bytes).
    #[arg(long, value_name = "NONCE", value_parser = NonEmptyStringValueParser::new())]
    pub nonce: String,

    /// This verifier's id (its UTF-8 bytes), when the holder was given one.
    #[arg(long, value_name = "ID")]
    pub verifier: Option<String>,

    /// The ciphersuite of a JWK or Multikey issuer key, which do not name one [default:
    /// sha256]. A public-key document names its own.
    #[arg(long, value_enum)]
    pub suite: Option<SuiteArg>,

    /// Print one JSON document: `valid`, and `issuer`, `schema`, `disclosed` or `error`.
    #[arg(long)]
    pub json: bool,
}

/// The form the trusted issuer key came in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum KeyForm {
    Document,
    Jwk,
    Multikey,
}

/// What `--json` prints for a presentation that verifies.
#[derive(Serialize)]
struct Valid<'a> {
    valid: bool,
    issuer: String,
    schema: &'a str,
    disclosed: InSchemaOrder<'a>,
}

/// What `--json` prints for a presentation that does not verify.
#[derive(Serialize)]
struct Invalid<'a> {
    valid: bool,
    error: &'a str,
}

/// Attributes as a JSON object in schema order (a `serde_json::Map` would sort them).
struct InSchemaOrder<'a>(&'a Attributes);

impl Serialize for InSchemaOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (name, value) in self.0.iter() {
            map.serialize_entry(name, &value.to_json())?;
        }
        map.end()
    }
}

/// Runs `credkit verify`.
///
/// # Errors
/// A verification error (after printing `{"valid": false, ...}` with `--json`) when the
/// presentation does not verify; an input error when a file cannot be read or is not valid;
/// a usage error when `--suite` contradicts a public-key document.
pub fn run(args: &VerifyArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    match check(args) {
        Ok((issuer, presentation, disclosed)) => {
            if args.json {
                let report = Valid {
                    valid: true,
                    issuer: issuer.kid(),
                    schema: presentation.schema().id(),
                    disclosed: InSchemaOrder(&disclosed),
                };
                serde_json::to_writer_pretty(&mut *out, &report)?;
                writeln!(out)?;
            } else {
                for (name, value) in disclosed.iter() {
                    writeln!(out, "{name}: {}", shown(value))?;
                }
            }
            Ok(Status::Success)
        }
        Err(err) => {
            if args.json && err.kind() == CommandErrorKind::Verification {
                let report = Invalid {
                    valid: false,
                    error: err.message(),
                };
                serde_json::to_writer_pretty(&mut *out, &report)?;
                writeln!(out)?;
                // `main` flushes only after a success.
                out.flush()?;
            }
            Err(err)
        }
    }
}

/// Reads the issuer key and the presentation, and verifies it.
fn check(args: &VerifyArgs) -> Result<(IssuerPublicKey, Presentation, Attributes), CommandError> {
    let mut inputs = Inputs::default();
    let issuer_input = inputs.read(&args.issuer, Document::Issuer)?;
    let (issuer, form) = read_issuer(&issuer_input, args.suite)?;
    let input = inputs.read(&args.presentation, Document::Presentation)?;
    let nonce = args.nonce.as_bytes();
    let verifier = args.verifier.as_deref().map(str::as_bytes);
    let refused = |e: Error| {
        let hint = match &e {
            Error::IssuerMismatch => Some(format!(
                "the presentation was made from a credential of another issuer than the key in \
                 {} (key id {})",
                issuer_input.name,
                issuer.kid()
            )),
            Error::SuiteMismatch { .. } if form != KeyForm::Document => Some(
                "a JWK or Multikey names no suite: say the issuer's with --suite (default \
                 sha256)"
                    .into(),
            ),
            Error::SuiteMismatch { .. } => Some(format!(
                "the presentation was made under another suite than the key in {}",
                issuer_input.name
            )),
            Error::InvalidProof => Some(
                "it was made for another nonce or verifier id, or altered since; ask the holder \
                 for a new presentation for this nonce"
                    .into(),
            ),
            _ => None,
        };
        let err = files::document_error(&input.name, Document::Presentation, e, None);
        match hint {
            Some(hint) => err.with_hint(hint),
            None => err,
        }
    };
    let presentation = Presentation::from_json(&input.text, &issuer).map_err(refused)?;
    let disclosed = presentation
        .verify(&issuer, nonce, verifier)
        .map_err(refused)?;
    Ok((issuer, presentation, disclosed))
}

/// The trusted issuer key, from a public-key document, a JWK or a Multikey.
fn read_issuer(
    input: &Input,
    suite: Option<SuiteArg>,
) -> Result<(IssuerPublicKey, KeyForm), CommandError> {
    let text = input.text.trim();
    let default_suite = suite.map_or(SuiteId::Sha256, SuiteArg::id);
    let refused = |e| files::document_error(&input.name, Document::Issuer, e, None);
    if text.starts_with('z') {
        let key = IssuerPublicKey::from_multikey(text, default_suite).map_err(refused)?;
        return Ok((key, KeyForm::Multikey));
    }
    let is_jwk = serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(text)
        .is_ok_and(|object| object.contains_key("kty"));
    if is_jwk {
        let key = IssuerPublicKey::from_jwk(text, default_suite).map_err(refused)?;
        return Ok((key, KeyForm::Jwk));
    }
    let key = IssuerPublicKey::from_json(text).map_err(refused)?;
    if let Some(suite) = suite {
        if suite.id() != key.suite() {
            return Err(CommandError::usage(format!(
                "--suite {} contradicts {}, a {} key",
                suite.name(),
                input.name,
                key.suite()
            ))
            .with_hint(
                "--suite is for JWK and Multikey keys; a public-key document names its suite",
            ));
        }
    }
    Ok((key, KeyForm::Document))
}

/// A value as printed on a line: control characters of a string escaped (`\n`, `\u{1b}`), so
/// that a value cannot forge another line or drive the terminal.
fn shown(value: &AttributeValue) -> Cow<'_, str> {
    match value {
        AttributeValue::String(s) if s.chars().any(char::is_control) => Cow::Owned(
            s.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_debug().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        ),
        AttributeValue::String(s) => Cow::Borrowed(s),
        other => Cow::Owned(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped() {
        let forged = AttributeValue::String("aspirin\ndose_mg: 1000\u{1b}[2J".into());
        assert_eq!(shown(&forged), "aspirin\\ndose_mg: 1000\\u{1b}[2J");
        let plain = AttributeValue::String("Ada Lovelace".into());
        assert_eq!(shown(&plain), "Ada Lovelace");
        assert_eq!(shown(&AttributeValue::Integer(-5)), "-5");
    }
}
