//! The files of the threshold-group and upload commands: one versioned JSON document per
//! file, read by a public `from_json` (so that the fuzz targets reach them) and written by
//! `to_json`.
//!
//! | `"type"`                      | Rust type                        | secret  | written by |
//! |-------------------------------|----------------------------------|---------|------------|
//! | `threshold-group`             | [`Group`]                        | no      | `group deal`, `group dkg finish`, `group pop combine` (`group.json`) |
//! | `member-key`                  | [`MemberKey`]                    | **yes** | `group deal`, `group dkg finish` (`member-<i>.key`) |
//! | `partial-signature`           | [`PartialSignatureFile`]         | no      | `group sign`, `upload sign` |
//! | `partial-proof-of-possession` | [`PartialProofOfPossessionFile`] | no      | `group pop sign` |
//! | `group-signature`             | [`GroupSignatureFile`]           | no      | `group combine` |
//! | `unsigned-upload`             | [`UnsignedUploadFile`]           | no      | `upload prepare` |
//!
//! The signed upload envelope (`"type": "upload"`) is credkit-threshold's own JSON form,
//! [`credkit_threshold::upload::Envelope::to_json`]; the DKG's packages and states are its
//! [`credkit_threshold::dkg::encoding`] documents.
//!
//! Rules every document here follows:
//!
//! - One JSON object, pretty-printed with a two-space indent, fields in the order of each
//!   type's documentation, and a final newline. `version` is `1`; `type` names the document.
//! - Readers check, in this order: that the text is a JSON object ([`FormatError::Json`]);
//!   the `type` ([`FormatError::WrongType`], which quotes the type found); the `version`
//!   ([`FormatError::UnsupportedVersion`]); every field present, none unknown, each of its
//!   JSON type ([`FormatError::Json`], serde_json's message with the field and position);
//!   then each value, every error naming its field.
//! - Byte strings are **lowercase** hex of exactly twice their length ([`FormatError::Hex`]);
//!   secrets are encoded and decoded in constant time, through buffers wiped on drop.
//! - Points are compressed (48-byte G1, 96-byte G2) and checked to be on the curve and in the
//!   prime-order subgroup ([`FormatError::Field`]); scalars are canonical.
//! - Identifiers of members are 1 to 65535, each listed once.
//! - Redundant fields must agree with the rest ([`FormatError::Inconsistent`] naming the
//!   field): `public_key` is `commitments[0]`, each verifying share is the one the
//!   commitments give, a signing share is its verifying share's secret, `signing_bytes` are
//!   the ones the upload's fields give.
//! - `parse(render(x)) == x`, and `render(parse(doc)) == doc` for every document `render`
//!   wrote.
//!
//! `group_id` everywhere is the upload envelope's group id: the SHA-256 of the group's
//! 48-byte compressed public key ([`GroupId::from_public_key`]), in hex. `message_sha256` is
//! the SHA-256 of the signed message, in hex as `sha256sum` prints it: combining and
//! verifying check it first, so that a signature of another message is named as such.

use core::fmt;
use std::sync::Arc;

use credkit_threshold::upload::GroupId;
use credkit_threshold::Identifier;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer};
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

use crate::documents::{render, render_secret, shown_type, Object, Peek};

mod group;
mod member_key;
mod partial;
mod signature;
mod unsigned_upload;

pub use group::Group;
pub use member_key::MemberKey;
pub use partial::{PartialProofOfPossessionFile, PartialSignatureFile};
pub use signature::GroupSignatureFile;
pub use unsigned_upload::UnsignedUploadFile;

/// The `"version"` of every document here.
pub const VERSION: u64 = 1;

/// The `"type"` of a document of this module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentType {
    /// `threshold-group`: a group's public key ([`Group`]).
    Group,
    /// `member-key`: a member's secret share ([`MemberKey`]).
    MemberKey,
    /// `partial-signature`: a member's share of a signature ([`PartialSignatureFile`]).
    PartialSignature,
    /// `partial-proof-of-possession`: a member's share of the group's proof of possession
    /// ([`PartialProofOfPossessionFile`]).
    PartialProofOfPossession,
    /// `group-signature`: a signature of the group ([`GroupSignatureFile`]).
    GroupSignature,
    /// `unsigned-upload`: the fields of an upload before the group signs them
    /// ([`UnsignedUploadFile`]).
    UnsignedUpload,
}

impl DocumentType {
    /// The `"type"` string.
    pub const fn name(self) -> &'static str {
        match self {
            DocumentType::Group => "threshold-group",
            DocumentType::MemberKey => "member-key",
            DocumentType::PartialSignature => "partial-signature",
            DocumentType::PartialProofOfPossession => "partial-proof-of-possession",
            DocumentType::GroupSignature => "group-signature",
            DocumentType::UnsignedUpload => "unsigned-upload",
        }
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a document was refused. Untrusted files can trigger every variant; the messages name
/// fields, never quote a value (a secret least of all).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FormatError {
    /// Not JSON, not an object, or a field missing, unknown or of the wrong JSON type.
    #[error("{0}")]
    Json(JsonError),
    /// A document of another type. `found` is the `type` the document declares (at most 64
    /// characters, control characters escaped), empty when it declares none.
    #[error("expected a `{expected}` document, found `{found}`")]
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
    /// A byte string that is not lowercase hex of the right length.
    #[error("field `{0}` is not lowercase hex of the right length")]
    Hex(&'static str),
    /// Bytes that are not a valid value: a point off the curve or outside the subgroup, the
    /// identity where it is refused, a scalar not below the group order.
    #[error("field `{field}`: {error}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong, as credkit-threshold reports it.
        error: credkit_threshold::Error,
    },
    /// The member identifier 0.
    #[error("field `{0}` holds the member identifier 0")]
    ZeroIdentifier(&'static str),
    /// A member listed twice.
    #[error("field `{field}` lists member {identifier} twice")]
    DuplicateMember {
        /// The field.
        field: &'static str,
        /// The member.
        identifier: u16,
    },
    /// `min_signers` outside `2..=max_signers`.
    #[error("min_signers must be in 2..={max_signers}, found {min_signers}")]
    InvalidMinSigners {
        /// The threshold found.
        min_signers: u16,
        /// The number of members.
        max_signers: u16,
    },
    /// A task id that is empty or longer than 255 bytes.
    #[error("field `task_id` must be 1 to 255 bytes")]
    TaskId,
    /// A field that contradicts the rest of the document.
    #[error("field `{0}` contradicts the rest of the document")]
    Inconsistent(&'static str),
    /// The group's proof of possession does not verify under its public key.
    #[error("field `proof_of_possession`: the proof of possession does not verify")]
    InvalidProofOfPossession,
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

// ---- reading and writing ----

/// `#[serde(deserialize_with)]` for a list of objects.
fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    Vec::<Object<T>>::deserialize(deserializer).map(|list| list.into_iter().map(|o| o.0).collect())
}

/// `#[serde(deserialize_with)]` for a field that must be present and may be `null` (serde
/// would otherwise take a missing field as `None`).
fn nullable<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Option<T>, D::Error> {
    Option::<T>::deserialize(deserializer)
}

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

// ---- hex, in constant time ----

/// Lowercase hex, in constant time in the bytes (no table indexed by them, no branch on
/// them), in a string of exactly the final size.
pub fn hex(bytes: &[u8]) -> String {
    fn digit(nibble: u8) -> char {
        let n = i32::from(nibble);
        // '0' + n, plus 'a' - '0' - 10 = 0x27 when n > 9.
        let c = n + 0x30 + (((9 - n) >> 31) & 0x27);
        char::from(c as u8)
    }
    let mut text = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        text.push(digit(b >> 4));
        text.push(digit(b & 0x0f));
    }
    text
}

/// Decodes lowercase hex into `out`, whose length the text must match, in constant time in
/// the text's content; `out` is wiped on failure.
fn unhex_into(text: &str, out: &mut [u8], field: &'static str) -> Result<(), FormatError> {
    /// The value of a lowercase hex digit, and -1 if `c` is one, 0 if not.
    fn nibble(c: u8) -> (i32, i32) {
        let c = i32::from(c);
        let d = c - 0x30; // '0'
        let l = c - 0x61; // 'a'
        let is_digit = !((d | (9 - d)) >> 31);
        let is_letter = !((l | (5 - l)) >> 31);
        (
            (d & is_digit) | ((l + 10) & is_letter),
            is_digit | is_letter,
        )
    }
    let text = text.as_bytes();
    if text.len() != 2 * out.len() {
        return Err(FormatError::Hex(field));
    }
    let mut valid = -1i32;
    for (byte, pair) in out.iter_mut().zip(text.chunks_exact(2)) {
        let (high, high_ok) = nibble(pair[0]);
        let (low, low_ok) = nibble(pair[1]);
        valid &= high_ok & low_ok;
        *byte = ((high << 4) | low) as u8;
    }
    if valid == 0 {
        out.zeroize();
        return Err(FormatError::Hex(field));
    }
    Ok(())
}

/// Decodes lowercase hex of exactly `N` bytes.
fn unhex<const N: usize>(text: &str, field: &'static str) -> Result<[u8; N], FormatError> {
    let mut out = [0u8; N];
    unhex_into(text, &mut out, field)?;
    Ok(out)
}

/// Decodes lowercase hex of any even length.
fn unhex_vec(text: &str, field: &'static str) -> Result<Vec<u8>, FormatError> {
    if text.len() % 2 != 0 {
        return Err(FormatError::Hex(field));
    }
    let mut out = vec![0u8; text.len() / 2];
    unhex_into(text, &mut out, field)?;
    Ok(out)
}

// ---- values ----

/// A nonzero member identifier.
fn identifier(n: u16, field: &'static str) -> Result<Identifier, FormatError> {
    Identifier::new(n).map_err(|_| FormatError::ZeroIdentifier(field))
}

/// A library decoder's error, in `field`.
fn in_field(field: &'static str) -> impl Fn(credkit_core::Error) -> FormatError {
    move |error| FormatError::Field {
        field,
        error: credkit_threshold::Error::Encoding(error),
    }
}

/// A group id, 64 hex.
fn group_id(text: &str) -> Result<GroupId, FormatError> {
    unhex::<32>(text, "group_id").map(GroupId::from_bytes)
}

/// The SHA-256 of `bytes`: a `message_sha256` or `payload_sha256`.
pub fn sha256(bytes: &[u8]) -> [u8; 32] {
    Sha256::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_refuses_uppercase() {
        let bytes: Vec<u8> = (0..=255).collect();
        let text = hex(&bytes);
        assert_eq!(&text[..8], "00010203");
        assert_eq!(&text[text.len() - 4..], "feff");
        assert_eq!(unhex_vec(&text, "f"), Ok(bytes));
        assert_eq!(unhex::<1>("AB", "f"), Err(FormatError::Hex("f")));
        assert_eq!(unhex::<1>("0g", "f"), Err(FormatError::Hex("f")));
        assert_eq!(unhex::<1>("abc", "f"), Err(FormatError::Hex("f")));
        assert_eq!(unhex_vec("abc", "f"), Err(FormatError::Hex("f")));
        assert_eq!(unhex::<2>("ab/f", "f"), Err(FormatError::Hex("f")));
        assert_eq!(unhex::<2>("ab:f", "f"), Err(FormatError::Hex("f")));
    }

    #[test]
    fn found_types_are_shown_safely() {
        assert_eq!(shown_type("a\nb\u{1b}"), "a\\nb\\u{1b}");
        assert_eq!(shown_type(&"x".repeat(100)).len(), 64);
    }
}
