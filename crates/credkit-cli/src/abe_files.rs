//! The files of `credkit abe`: three versioned JSON key documents, read by a public
//! `from_json` and written by `to_json`, and the binary ABE envelope ([`Envelope`]), read by
//! [`Envelope::from_bytes`] and written by [`Envelope::to_bytes`] (all public, so that the
//! fuzz target `abe_files` reaches them).
//!
//! | `"type"`            | Rust type              | secret  | written by |
//! |---------------------|------------------------|---------|------------|
//! | `abe-authority-key` | [`AuthorityKey`]       | **yes** | `abe setup -o FILE` |
//! | `abe-public-key`    | [`AuthorityPublicKey`] | no      | `abe setup` (standard output or `--public FILE`), `abe pubkey` |
//! | `abe-user-key`      | [`UserKeyFile`]        | **yes** | `abe keygen` |
//!
//! Rules every key document here follows (those of SPEC.md §4 and §5.6):
//!
//! - One JSON object, pretty-printed with a two-space indent, fields in the order of each
//!   type's documentation, and a final newline. `version` is `1`; `type` names the document.
//! - Readers check, in this order: that the text is a JSON object ([`FormatError::Json`]);
//!   the `type` ([`FormatError::WrongType`], quoting the type found); the `version`
//!   ([`FormatError::UnsupportedVersion`]); every field present, none unknown, each of its
//!   JSON type ([`FormatError::Json`]); then each value, every error naming its field.
//! - Byte strings are base64url without padding, canonical ([`FormatError::Base64`]), encoded
//!   and decoded in constant time through buffers wiped on drop (secrets as well as public
//!   values, with one codec).
//! - Keys are credkit-abe's encodings ([`credkit_abe::fabeo`]): the master public key a
//!   compressed GT element (288 bytes), the master secret key `alpha` (32 bytes), a user key
//!   `UserKey::to_bytes`; each is checked by its decoder ([`FormatError::Field`]).
//! - `kid` is the authority's id: base64url(SHA-256(the 288-byte master public key)), 43
//!   characters ([`AuthorityId`]). Redundant fields must agree with the rest
//!   ([`FormatError::Inconsistent`]): an authority key's `public_key` and `kid` are its
//!   secret's, a public key's `kid` is its key's, a user key's `attributes` are its key's.
//! - `parse(render(x)) == x`, and `render(parse(doc)) == doc` for every document `render`
//!   wrote.

use core::fmt;
use std::sync::Arc;

use serde::de::DeserializeOwned;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::documents::{render, render_secret, shown_type, Object, Peek};

pub mod base64url;
mod envelope;
mod keys;

pub use envelope::{
    Envelope, EnvelopeError, OpenError, SealError, ENVELOPE_MAGIC, ENVELOPE_VERSION,
};
pub use keys::{AuthorityKey, AuthorityPublicKey, UserKeyFile};

/// The `"version"` of every key document here.
pub const VERSION: u64 = 1;

/// The `"type"` of a key document of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentType {
    /// `abe-authority-key`: an attribute authority's master secret key ([`AuthorityKey`]).
    AuthorityKey,
    /// `abe-public-key`: an authority's master public key ([`AuthorityPublicKey`]).
    PublicKey,
    /// `abe-user-key`: the attribute key of one user ([`UserKeyFile`]).
    UserKey,
}

impl DocumentType {
    /// The `"type"` string.
    pub const fn name(self) -> &'static str {
        match self {
            DocumentType::AuthorityKey => "abe-authority-key",
            DocumentType::PublicKey => "abe-public-key",
            DocumentType::UserKey => "abe-user-key",
        }
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a key document was refused. Untrusted files can trigger every variant; the messages
/// name fields, never quote a value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not JSON, not an object, or a field missing, unknown or of the wrong JSON type.
    #[error("{0}")]
    Json(JsonError),
    /// A document of another type. `found` is the `type` the document declares (at most 64
    /// characters, control characters escaped), empty when it declares none.
    #[error("expected an `{expected}` document, found `{found}`")]
    WrongType {
        /// The type expected.
        expected: DocumentType,
        /// The type found.
        found: String,
    },
    /// A `version` other than [`VERSION`].
    #[error("unsupported `{document}` document version {found} (this build reads version 1)")]
    UnsupportedVersion {
        /// The document type.
        document: DocumentType,
        /// The version found.
        found: u64,
    },
    /// A byte string that is not canonical base64url without padding.
    #[error("field `{0}` is not base64url without padding")]
    Base64(&'static str),
    /// An authority id that is not 32 bytes.
    #[error("field `{0}` is not an authority id (32 bytes)")]
    AuthorityId(&'static str),
    /// Bytes that credkit-abe's decoder refuses: a wrong length, a point or GT element that is
    /// not in its group, a key attribute that does not parse.
    #[error("field `{field}`: {error}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong, as credkit-abe reports it.
        error: credkit_abe::Error,
    },
    /// A field that contradicts the rest of the document.
    #[error("field `{0}` contradicts the rest of the document")]
    Inconsistent(&'static str),
}

/// serde_json's error, which names the field and the position; comparable, for tests.
#[derive(Clone, Debug)]
pub struct JsonError(Arc<serde_json::Error>);

impl JsonError {
    /// The line of the error (1-based; 0 when it has none).
    pub fn line(&self) -> usize {
        self.0.line()
    }

    /// The column of the error (1-based; 0 when it has none).
    pub fn column(&self) -> usize {
        self.0.column()
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl PartialEq for JsonError {
    fn eq(&self, other: &Self) -> bool {
        self.0.classify() == other.0.classify()
            && self.line() == other.line()
            && self.column() == other.column()
    }
}

impl Eq for JsonError {}

impl From<serde_json::Error> for FormatError {
    fn from(e: serde_json::Error) -> Self {
        FormatError::Json(JsonError(Arc::new(e)))
    }
}

/// An attribute authority's id: the SHA-256 of its 288-byte master public key. Shown (and
/// written in documents as `kid` or `authority`) as 43 characters of base64url.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuthorityId([u8; 32]);

impl AuthorityId {
    /// The id of the master public key `public_key`.
    pub fn of(public_key: &credkit_abe::fabeo::MasterPublicKey) -> Self {
        AuthorityId(Sha256::digest(public_key.to_bytes()).into())
    }

    /// The id from its 32 bytes.
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        AuthorityId(bytes)
    }

    /// The 32 bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// Reads the id in `field` of a document.
    fn from_field(text: &str, field: &'static str) -> Result<Self, FormatError> {
        let bytes = unb64(text, field)?;
        <[u8; 32]>::try_from(bytes.as_slice())
            .map(AuthorityId)
            .map_err(|_| FormatError::AuthorityId(field))
    }
}

impl fmt::Display for AuthorityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&base64url::encode(&self.0))
    }
}

impl fmt::Debug for AuthorityId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AuthorityId({self})")
    }
}

// ---- reading and writing ----

/// Parses a document of type `expected` as `D`: the header first, so that a document of
/// another type or version is named as such rather than reported as a field mismatch.
fn parse<D: DeserializeOwned>(json: &str, expected: DocumentType) -> Result<D, FormatError> {
    let Object(peek) = serde_json::from_str::<Object<Peek>>(json)?;
    if let Some(kind) = &peek.kind {
        let found = kind.as_str();
        if found != Some(expected.name()) {
            return Err(FormatError::WrongType {
                expected,
                found: found.map(shown_type).unwrap_or_default(),
            });
        }
    }
    if let Some(version) = peek.version.as_ref().and_then(serde_json::Value::as_u64) {
        if version != VERSION {
            return Err(FormatError::UnsupportedVersion {
                document: expected,
                found: version,
            });
        }
    }
    // A missing or mistyped `version` or `type` fails here, as any other field.
    Ok(serde_json::from_str::<Object<D>>(json)?.0)
}

/// Checks the header after parsing (`parse` did; this keeps each reader honest on its own).
fn check_header(version: u64, kind: &str, expected: DocumentType) -> Result<(), FormatError> {
    if kind != expected.name() {
        return Err(FormatError::WrongType {
            expected,
            found: shown_type(kind),
        });
    }
    if version != VERSION {
        return Err(FormatError::UnsupportedVersion {
            document: expected,
            found: version,
        });
    }
    Ok(())
}

/// The header fields of a document of type `document`.
fn header(document: DocumentType) -> (u64, String) {
    (VERSION, document.name().to_owned())
}

/// base64url of `bytes`, in a string wiped on drop.
fn b64_secret(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(base64url::encode(bytes))
}

/// Decodes the base64url `text` of `field`.
fn unb64(text: &str, field: &'static str) -> Result<Zeroizing<Vec<u8>>, FormatError> {
    base64url::decode(text).ok_or(FormatError::Base64(field))
}

/// A credkit-abe decoder's error, in `field`.
fn in_field(field: &'static str) -> impl Fn(credkit_abe::Error) -> FormatError {
    move |error| FormatError::Field { field, error }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn found_types_are_shown_safely() {
        assert_eq!(shown_type("a\nb\u{1b}"), "a\\nb\\u{1b}");
        assert_eq!(shown_type(&"x".repeat(100)).len(), 64);
    }
}
