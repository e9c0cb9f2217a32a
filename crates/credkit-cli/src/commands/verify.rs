//! `credkit verify --issuer FILE --presentation FILE --nonce N [--verifier ID]
//! [--pseudonym-context ID] [--suite S] [--json]`: the verifier checks a presentation against
//! the issuer key it trusts, its own nonce, its own id and, for a holder-bound presentation,
//! its own pseudonym context, and prints the disclosed attributes.
//!
//! Prints one `name: value` line per disclosed attribute, in schema order, then, for a
//! holder-bound presentation, `pseudonym: HEX` (the holder's pseudonym for this context,
//! lowercase hex of the 48-byte point; always the last line), and nothing else; with
//! `--json`, `{"valid": true, "issuer": KID, "schema": ID, "disclosed": {...}}` and
//! `"pseudonym": HEX` for a holder-bound one. A presentation that does not verify ends with
//! exit status 1, a message on standard error and, with `--json`, `{"valid": false, "error":
//! MESSAGE}` on standard output.
//!
//! A holder-bound presentation is verified under the context given here, never the one it
//! states: one that states another is refused. A verifier that gives `--pseudonym-context`
//! demands a pseudonym, and refuses a presentation without one (exit status 1).

use std::borrow::Cow;
use std::io::Write;
use std::path::PathBuf;

use clap::builder::NonEmptyStringValueParser;
use credkit_bbs::credential::{
    AttributeValue, Attributes, BoundPresentation, IssuerPublicKey, Presentation, SuiteId,
};
use credkit_bbs::pseudonym::Pseudonym;
use credkit_bbs::Error;
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use crate::cli::{self, SuiteArg};
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

    /// This verifier's pseudonym context (its UTF-8 bytes, 1 to 255): required for a
    /// holder-bound presentation, whose pseudonym for this context is printed last. Given for
    /// any other presentation, it is refused for carrying no pseudonym.
    #[arg(long, value_name = "ID", value_parser = cli::pseudonym_context)]
    pub pseudonym_context: Option<String>,

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
    #[serde(skip_serializing_if = "Option::is_none")]
    pseudonym: Option<String>,
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
        Ok(seen) => {
            if args.json {
                let report = Valid {
                    valid: true,
                    issuer: seen.issuer.kid(),
                    schema: &seen.schema,
                    disclosed: InSchemaOrder(&seen.disclosed),
                    pseudonym: seen.pseudonym.map(|p| p.to_string()),
                };
                serde_json::to_writer_pretty(&mut *out, &report)?;
                writeln!(out)?;
            } else {
                for (name, value) in seen.disclosed.iter() {
                    writeln!(out, "{name}: {}", shown(value))?;
                }
                if let Some(pseudonym) = seen.pseudonym {
                    writeln!(out, "pseudonym: {pseudonym}")?;
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

/// What a presentation that verifies shows.
struct Seen {
    issuer: IssuerPublicKey,
    schema: String,
    disclosed: Attributes,
    pseudonym: Option<Pseudonym>,
}

/// Reads the issuer key and the presentation, and verifies it.
fn check(args: &VerifyArgs) -> Result<Seen, CommandError> {
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
            Error::InvalidProof if args.pseudonym_context.is_some() => Some(
                "it was made for another nonce, verifier id or pseudonym context, or altered \
                 since; ask the holder for a new presentation for this nonce"
                    .into(),
            ),
            Error::InvalidProof => Some(
                "it was made for another nonce or verifier id, or altered since; ask the holder \
                 for a new presentation for this nonce"
                    .into(),
            ),
            Error::PseudonymContextMismatch => Some(format!(
                "it was made for another verifier; ask the holder for a presentation with \
                 `--pseudonym-context {}`",
                args.pseudonym_context.as_deref().unwrap_or("ID")
            )),
            _ => None,
        };
        let err = files::document_error(&input.name, Document::Presentation, e, None);
        match hint {
            Some(hint) => err.with_hint(hint),
            None => err,
        }
    };
    let presentation = match Presentation::from_json(&input.text, &issuer) {
        Err(Error::WrongDocumentType { found, .. }) if found == "bound-presentation" => {
            let Some(context) = &args.pseudonym_context else {
                return Err(CommandError::usage(format!(
                    "{}: a holder-bound presentation is verified under this verifier's \
                     pseudonym context",
                    input.name
                ))
                .with_hint("give it with --pseudonym-context ID"));
            };
            let presentation =
                BoundPresentation::from_json(&input.text, &issuer).map_err(refused)?;
            let (disclosed, pseudonym) = presentation
                .verify(&issuer, nonce, verifier, context.as_bytes())
                .map_err(refused)?;
            return Ok(Seen {
                schema: presentation.schema().id().to_owned(),
                issuer,
                disclosed,
                pseudonym: Some(pseudonym),
            });
        }
        read => read.map_err(refused)?,
    };
    if args.pseudonym_context.is_some() {
        return Err(CommandError::verification(format!(
            "{}: the presentation carries no pseudonym: it is not holder-bound",
            input.name
        ))
        .with_hint(
            "it was made from a credential issued without `--request`; verify it without \
             --pseudonym-context to accept it without a pseudonym",
        ));
    }
    let disclosed = presentation
        .verify(&issuer, nonce, verifier)
        .map_err(refused)?;
    Ok(Seen {
        schema: presentation.schema().id().to_owned(),
        issuer,
        disclosed,
        pseudonym: None,
    })
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
