//! JSON documents for every message and every secret state of the DKG, so that each round can
//! run in its own process and the participants exchange files.
//!
//! Every type that crosses a process boundary has `to_json` and `from_json`:
//!
//! | `"type"`          | Rust type                                          | secret  | fields after `version` and `type` |
//! |-------------------|----------------------------------------------------|---------|-----------------------------------|
//! | `dkg-round1`      | [`round1::Package`](super::round1::Package)        | no      | `session`, `sender`, `commitments`, `proof` {`commitment`, `response`} |
//! | `dkg-round2`      | [`round2::Package`](super::round2::Package)        | **yes** | `session`, `sender`, `recipient`, `share` |
//! | `dkg-round3`      | [`round3::Package`](super::round3::Package)        | no      | `session`, `accuser`, `accused` |
//! | `dkg-round4`      | [`round4::Package`](super::round4::Package)        | no      | `session`, `accused`, `shares` [{`accuser`, `share`}] |
//! | `dkg-round5`      | [`round5::Package`](super::round5::Package)        | no      | `session`, `sender`, `digest` |
//! | `dkg-state-1`     | [`round1::SecretPackage`](super::round1::SecretPackage) | **yes** | `parameters`, `coefficients`, `round1`, `disqualified` |
//! | `dkg-state-2`     | [`round2::SecretPackage`](super::round2::SecretPackage) | **yes** | `parameters`, `coefficients`, `round1`, `disqualified` |
//! | `dkg-state-3`     | [`round3::SecretPackage`](super::round3::SecretPackage) | **yes** | `parameters`, `coefficients`, `round1`, `disqualified`, `shares` [{`dealer`, `share`}] |
//! | `dkg-state-4`     | [`round4::SecretPackage`](super::round4::SecretPackage) | **yes** | `parameters`, `coefficients`, `round1`, `disqualified`, `shares` [{`dealer`, `share`}], `complaints` [{`accuser`, `accused`}] |
//! | `dkg-state-5`     | [`round5::SecretPackage`](super::round5::SecretPackage) | **yes** | `parameters`, `round1`, `disqualified`, `signing_share`, `digest` |
//! | `dkg-key-package` | [`KeyPackage`](super::KeyPackage)                  | **yes** | `identifier`, `min_signers`, `max_signers`, `public_key`, `commitments`, `verifying_shares` [{`identifier`, `verifying_share`}], `signing_share`, `transcript_digest`, `disqualified` |
//!
//! The values:
//!
//! | field | JSON | content |
//! |-------|------|---------|
//! | `version` | number | `1` |
//! | `session` | 64 hex | the [`SessionTag`] |
//! | `sender`, `recipient`, `accuser`, `dealer`, `identifier`, `participant` | number | an [`Identifier`], 1 to 65535 |
//! | `accused` | number (round 4, complaints), list of numbers (round 3) | identifiers |
//! | `commitments` | list of 96 hex | compressed G1 points `C_0 .. C_(t-1)`; at least one; `C_0` not the identity |
//! | `proof.commitment` | 96 hex | the proof's nonce commitment `R`, not the identity |
//! | `proof.response`, `share`, `coefficients[k]`, `signing_share` | 64 hex | scalars, big-endian, below the group order |
//! | `digest`, `transcript_digest` | 64 hex | a transcript digest |
//! | `public_key` | 96 hex | the group public key, a compressed G1 point: equals `commitments[0]` |
//! | `verifying_share` | 96 hex | a compressed G1 point: equals the one `commitments` give that member |
//! | `min_signers`, `max_signers` | number | the threshold, the number of members |
//! | `parameters` | object | `session_id` (hex, any length), `session`, `min_signers`, `participants` (list of numbers), `identifier` (ours) |
//! | `round1` | list of objects | every round-1 package the participant holds, its own included, each a `dkg-round1` document without `version`, `type` and `session`: {`sender`, `commitments`, `proof`} |
//! | `disqualified` | list of objects | {`participant`, `reason`}, `reason` one of `missing-commitments`, `wrong-commitment-count` (with `found`, the number of commitments sent), `invalid-proof-of-knowledge`, `missing-complaints`, `unanswered-complaint` and `invalid-justification` (both with `accuser`) |
//!
//! Rules every document follows:
//!
//! - One JSON object, written pretty-printed (two-space indent), fields in the order of the
//!   table, with a final newline; `to_json(from_json(doc)) == doc` for every document
//!   `to_json` wrote, and `from_json(to_json(x)) == x`.
//! - Readers check, in this order, each failure a [`DocumentDefect`] inside
//!   [`Error::MalformedDkgDocument`]: that the text is a JSON object, nested objects
//!   included ([`DocumentDefect::Json`]); the `version` ([`DocumentDefect::UnsupportedVersion`]);
//!   the `type` ([`DocumentDefect::WrongType`], naming the DKG type found, so that a state
//!   file passed where a package is expected says so); every field present, none unknown,
//!   none repeated, each of its JSON type ([`DocumentDefect::Json`]); then each value.
//! - Byte strings are **lowercase** hex of exactly twice their length (anything else is
//!   [`DocumentDefect::Hex`] naming the field), decoded in constant time.
//! - Scalars must be canonical, points on the curve, in the prime-order subgroup, and not the
//!   identity where the table says so ([`DocumentDefect::Field`] with credkit-core's
//!   [`Error`](credkit_core::Error) and the field); the checks are those of
//!   [`credkit_core::encoding`].
//! - Identifiers are never 0 ([`DocumentDefect::ZeroIdentifier`]) and never repeated within
//!   one list ([`DocumentDefect::DuplicateIdentifier`]); lists of identifiers are written in
//!   increasing order and read in any order.
//! - State and key package documents must agree with themselves: the session tag is
//!   recomputed from `session_id`, `min_signers` and `participants`
//!   ([`DocumentDefect::SessionTag`]); the coefficients must give our own commitments, each accepted share must match its
//!   dealer's commitments, the signing share the group commitments, `public_key` and the
//!   verifying shares the commitments ([`DocumentDefect::Inconsistent`] naming the field).
//!   What can be recomputed is not stored: the complaints of state 3, the justification of
//!   state 4, and the group commitments and verifying shares of state 5.
//!
//! A package's `session` is not checked on reading, since a package alone does not say which
//! session its reader is in: the next round refuses a package of another session with
//! [`Error::SessionMismatch`], naming its sender.
//!
//! ## Secrets
//!
//! `dkg-round2`, every `dkg-state-*` and `dkg-key-package` hold secrets (shares, polynomial
//! coefficients, the signing share). Their `to_json` returns a [`Zeroizing<String>`]
//! (written in one allocation of the final size, so that no reallocation leaves a copy
//! behind), their secret fields are decoded through zeroizing buffers, and their `Debug` stays
//! redacted. The CLI writes them with mode 0600, never to standard output, and sends a
//! `dkg-round2` document only encrypted to its recipient. Not zeroized: serde_json's parser
//! state while reading (the caller should hold the input in a `Zeroizing<String>`) and the
//! `Scalar` copies made during arithmetic, as elsewhere in the crate.
//!
//! ## Stopping and resuming: state files are consumed
//!
//! A state document is the round's secret state: `from_json` gives back a value equal to the
//! one `to_json` encoded, and the next round consumes it. The CLI writes the next state file
//! (and the outgoing packages) before it deletes or renames the one it read. Running a round
//! again from the same state file, after a crash or by mistake, is **harmless and
//! idempotent**: no round after round 1 draws randomness, so each is a deterministic function
//! of its state and its input packages, and the same inputs give byte-identical outputs
//! (the same shares, complaints, justification and confirmation; tests/dkg_encoding.rs
//! checks this). With different inputs (a package arrived late), a re-run sends only what
//! the protocol lets it send: the same share `f_i(j)` to each member `j`, and justifications
//! only for complaints received; the disagreement this creates between participants is
//! caught by the confirmation round ([`Error::TranscriptMismatch`]).
//!
//! Round 1 alone is random, and it starts from [`Parameters`](super::Parameters), not from a
//! state. Once its package left, do not run [`round1::part1`](super::round1::part1) again
//! for the same session: write the `dkg-state-1` file first, then publish the package. A
//! second round-1 package from one sender is an equivocation that the others refuse
//! ([`Error::DuplicateParticipant`]) or that the confirmation round catches; it leaks
//! nothing, since each polynomial and each proof nonce is fresh and never stored.
//!
//! ## Example
//!
//! ```
//! use credkit_threshold::dkg::{round1, DocumentDefect, DocumentType, Parameters};
//! use credkit_threshold::{Error, Identifier};
//!
//! let ids = [Identifier::new(1)?, Identifier::new(2)?, Identifier::new(3)?];
//! let parameters = Parameters::new(2, ids[0], &ids, b"ward 7, run 1")?;
//! let (state, package) = round1::part1(parameters);
//!
//! // Broadcast the package; keep the state in a file only we can read.
//! let broadcast: String = package.to_json();
//! let state_file = state.to_json(); // Zeroizing<String>
//! assert_eq!(DocumentType::of(&state_file), Some(DocumentType::State1));
//!
//! // Another process reads them back.
//! assert_eq!(round1::Package::from_json(&broadcast)?, package);
//! let state = round1::SecretPackage::from_json(&state_file)?;
//! assert_eq!(state.package(), &package);
//!
//! // A state file is not a package, and a tampered package is refused.
//! assert_eq!(
//!     round1::Package::from_json(&state_file),
//!     Err(Error::MalformedDkgDocument {
//!         document: DocumentType::Round1,
//!         defect: DocumentDefect::WrongType { found: Some(DocumentType::State1) },
//!     })
//! );
//! let tampered = broadcast.replace("\"version\": 1", "\"version\": 2");
//! assert_eq!(
//!     round1::Package::from_json(&tampered),
//!     Err(Error::MalformedDkgDocument {
//!         document: DocumentType::Round1,
//!         defect: DocumentDefect::UnsupportedVersion(2),
//!     })
//! );
//! # Ok::<(), Error>(())
//! ```

use core::fmt;
use core::marker::PhantomData;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

use blstrs::{G1Affine, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_from_bytes_allow_identity, g1_to_bytes, scalar_from_bytes, scalar_to_bytes,
    G1_LEN, SCALAR_LEN,
};
use credkit_core::SecretScalar;
use serde::de::value::MapAccessDeserializer;
use serde::de::{DeserializeOwned, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use zeroize::{Zeroize, Zeroizing};

use super::{SessionTag, DIGEST_LEN};
use crate::{Commitments, Error, Identifier};

/// The `"version"` of every DKG document this crate reads and writes.
pub const VERSION: u64 = 1;

/// The `"type"` of a DKG document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum DocumentType {
    /// `dkg-round1`: a [`round1::Package`](super::round1::Package).
    Round1,
    /// `dkg-round2`: a [`round2::Package`](super::round2::Package) (secret).
    Round2,
    /// `dkg-round3`: a [`round3::Package`](super::round3::Package).
    Round3,
    /// `dkg-round4`: a [`round4::Package`](super::round4::Package).
    Round4,
    /// `dkg-round5`: a [`round5::Package`](super::round5::Package).
    Round5,
    /// `dkg-state-1`: a [`round1::SecretPackage`](super::round1::SecretPackage) (secret).
    State1,
    /// `dkg-state-2`: a [`round2::SecretPackage`](super::round2::SecretPackage) (secret).
    State2,
    /// `dkg-state-3`: a [`round3::SecretPackage`](super::round3::SecretPackage) (secret).
    State3,
    /// `dkg-state-4`: a [`round4::SecretPackage`](super::round4::SecretPackage) (secret).
    State4,
    /// `dkg-state-5`: a [`round5::SecretPackage`](super::round5::SecretPackage) (secret).
    State5,
    /// `dkg-key-package`: a [`KeyPackage`](super::KeyPackage) (secret).
    KeyPackage,
}

impl DocumentType {
    /// Every document type, in the order of the format table.
    pub const ALL: [DocumentType; 11] = [
        DocumentType::Round1,
        DocumentType::Round2,
        DocumentType::Round3,
        DocumentType::Round4,
        DocumentType::Round5,
        DocumentType::State1,
        DocumentType::State2,
        DocumentType::State3,
        DocumentType::State4,
        DocumentType::State5,
        DocumentType::KeyPackage,
    ];

    /// The `"type"` string.
    pub const fn name(self) -> &'static str {
        match self {
            DocumentType::Round1 => "dkg-round1",
            DocumentType::Round2 => "dkg-round2",
            DocumentType::Round3 => "dkg-round3",
            DocumentType::Round4 => "dkg-round4",
            DocumentType::Round5 => "dkg-round5",
            DocumentType::State1 => "dkg-state-1",
            DocumentType::State2 => "dkg-state-2",
            DocumentType::State3 => "dkg-state-3",
            DocumentType::State4 => "dkg-state-4",
            DocumentType::State5 => "dkg-state-5",
            DocumentType::KeyPackage => "dkg-key-package",
        }
    }

    /// The type named `name`, if it is a DKG document type.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Whether documents of this type hold secrets: write them with mode 0600, never to
    /// standard output, and send a `dkg-round2` document only encrypted to its recipient.
    pub const fn is_secret(self) -> bool {
        !matches!(
            self,
            DocumentType::Round1
                | DocumentType::Round3
                | DocumentType::Round4
                | DocumentType::Round5
        )
    }

    /// The type a JSON document declares, if it is a DKG document of [`VERSION`]; `None`
    /// otherwise. It reads only the header (for instance to tell which round a state file
    /// resumes): `from_json` of that type still checks everything.
    pub fn of(json: &str) -> Option<Self> {
        let Object(header) = serde_json::from_str::<Object<Peek>>(json).ok()?;
        if header.version.as_ref()?.as_u64()? != VERSION {
            return None;
        }
        Self::from_name(header.kind.as_ref()?.as_str()?)
    }
}

impl fmt::Display for DocumentType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a DKG document was rejected, inside
/// [`Error::MalformedDkgDocument`]. Untrusted documents
/// can trigger every variant. The variants are listed in the order the checks run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DocumentDefect {
    /// Not JSON, not an object, or an object with a missing, unknown, repeated or mistyped
    /// field (serde_json's position, 1-based; `0, 0` when it has none).
    #[error("invalid JSON at line {line}, column {column}")]
    Json {
        /// The line.
        line: usize,
        /// The column.
        column: usize,
    },
    /// A `"version"` other than [`VERSION`].
    #[error("unsupported version {0}")]
    UnsupportedVersion(u64),
    /// A `"type"` other than the one expected: `found` is the DKG document type it names,
    /// `None` when it names none.
    #[error(
        "the document is of another type: {}",
        .found.map_or("not a DKG document", DocumentType::name)
    )]
    WrongType {
        /// The DKG document type found.
        found: Option<DocumentType>,
    },
    /// A byte string that is not lowercase hex of the right length.
    #[error("field `{0}` is not lowercase hex of the right length")]
    Hex(&'static str),
    /// Bytes that are not a valid value of the field: a non-canonical scalar, a point off the
    /// curve or outside the subgroup, or the identity where it is forbidden.
    #[error("field `{field}`: {error}")]
    Field {
        /// The field.
        field: &'static str,
        /// What is wrong, as credkit-core's decoders report it.
        error: credkit_core::Error,
    },
    /// An empty list where at least one entry is needed (`commitments`).
    #[error("field `{0}` is empty")]
    Empty(&'static str),
    /// More than 65535 commitments: more than any threshold.
    #[error("field `{0}` has more than 65535 entries")]
    TooLong(&'static str),
    /// The identifier 0.
    #[error("field `{0}` holds the identifier 0")]
    ZeroIdentifier(&'static str),
    /// An identifier twice in a list where each may appear once.
    #[error("field `{field}` lists {identifier} twice")]
    DuplicateIdentifier {
        /// The field.
        field: &'static str,
        /// The identifier.
        identifier: Identifier,
    },
    /// An identifier that is not a participant (or, in a key package, not a member).
    #[error("field `{field}`: {identifier} is not a participant")]
    UnknownIdentifier {
        /// The field.
        field: &'static str,
        /// The identifier.
        identifier: Identifier,
    },
    /// `min_signers` outside `2..=max_signers`.
    #[error("min_signers must be in 2..={max_signers}, found {min_signers}")]
    InvalidMinSigners {
        /// The threshold found.
        min_signers: u16,
        /// The number of participants or members.
        max_signers: u16,
    },
    /// A state whose `session` is not the tag of its `session_id`, `min_signers` and
    /// `participants`.
    #[error("the session tag does not match the session parameters")]
    SessionTag,
    /// A field that contradicts the rest of the document (a secret that does not match its
    /// commitments, a key that is not the one the commitments give, a count that is not the
    /// length of its list, our own round-1 package missing...).
    #[error("field `{0}` contradicts the rest of the document")]
    Inconsistent(&'static str),
}

// ---- reading and writing documents ----

/// The header alone; other fields are skipped without being kept.
#[derive(Deserialize)]
struct Peek {
    version: Option<serde_json::Value>,
    #[serde(rename = "type")]
    kind: Option<serde_json::Value>,
}

/// A struct read only from a JSON object: serde's derived `Deserialize` also takes an array
/// of the field values, which is not our format.
struct Object<T>(T);

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Object<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ObjectVisitor<T>(PhantomData<T>);

        impl<'de, T: Deserialize<'de>> Visitor<'de> for ObjectVisitor<T> {
            type Value = T;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
                T::deserialize(MapAccessDeserializer::new(map))
            }
        }

        deserializer
            .deserialize_map(ObjectVisitor(PhantomData))
            .map(Object)
    }
}

/// `#[serde(deserialize_with)]` for a field holding an object.
pub(super) fn object<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    Object::deserialize(deserializer).map(|o| o.0)
}

/// `#[serde(deserialize_with)]` for a field holding a list of objects.
pub(super) fn objects<'de, D: Deserializer<'de>, T: Deserialize<'de>>(
    deserializer: D,
) -> Result<Vec<T>, D::Error> {
    Vec::<Object<T>>::deserialize(deserializer).map(|list| list.into_iter().map(|o| o.0).collect())
}

fn json_defect(e: &serde_json::Error) -> DocumentDefect {
    DocumentDefect::Json {
        line: e.line(),
        column: e.column(),
    }
}

/// Parses a document of type `document` into its JSON struct `D`, checking the version, then
/// the type, then the fields (see the module docs).
fn parse<D: DeserializeOwned>(json: &str, document: DocumentType) -> Result<D, DocumentDefect> {
    let Object(header) = serde_json::from_str::<Object<Peek>>(json).map_err(|e| json_defect(&e))?;
    if let Some(version) = header.version.as_ref().and_then(serde_json::Value::as_u64) {
        if version != VERSION {
            return Err(DocumentDefect::UnsupportedVersion(version));
        }
    }
    if let Some(kind) = header.kind.as_ref().and_then(serde_json::Value::as_str) {
        if kind != document.name() {
            return Err(DocumentDefect::WrongType {
                found: DocumentType::from_name(kind),
            });
        }
    }
    // A mistyped or missing `version` or `type` fails here, as any other field.
    serde_json::from_str::<Object<D>>(json)
        .map(|o| o.0)
        .map_err(|e| json_defect(&e))
}

/// Reads a document of type `document`: parses it as `D`, then `decode`s its values.
pub(super) fn read<D: DeserializeOwned, T>(
    json: &str,
    document: DocumentType,
    decode: impl FnOnce(D) -> Result<T, DocumentDefect>,
) -> Result<T, Error> {
    parse(json, document)
        .and_then(decode)
        .map_err(|defect| Error::MalformedDkgDocument { document, defect })
}

/// The two header fields of a document of type `document`.
pub(super) fn header(document: DocumentType) -> (u64, String) {
    (VERSION, document.name().to_owned())
}

/// Checks the header fields after parsing (`parse` already did; this keeps the decoders
/// honest if it changes).
pub(super) fn check_header(
    version: u64,
    kind: &str,
    document: DocumentType,
) -> Result<(), DocumentDefect> {
    if version != VERSION {
        return Err(DocumentDefect::UnsupportedVersion(version));
    }
    if kind != document.name() {
        return Err(DocumentDefect::WrongType {
            found: DocumentType::from_name(kind),
        });
    }
    Ok(())
}

/// A public document: pretty JSON with a final newline.
pub(super) fn render<D: Serialize>(doc: &D) -> String {
    // Invariant: the document structs hold only strings, integers, lists and structs, which
    // always serialize.
    let mut json = serde_json::to_string_pretty(doc).unwrap_or_default();
    json.push('\n');
    json
}

/// A secret document: as [`render`], written into one buffer of the final size, so that no
/// reallocation leaves a copy of a secret in freed memory.
pub(super) fn render_secret<D: Serialize>(doc: &D) -> Zeroizing<String> {
    let mut length = Counter(0);
    // Invariant: as in `render`; a `Counter` never fails.
    let _ = serde_json::to_writer_pretty(&mut length, doc);
    let mut buffer = Zeroizing::new(Vec::with_capacity(length.0 + 1));
    let _ = serde_json::to_writer_pretty(&mut *buffer, doc);
    buffer.push(b'\n');
    match String::from_utf8(core::mem::take(&mut *buffer)) {
        Ok(json) => Zeroizing::new(json),
        // Invariant: serde_json writes UTF-8.
        Err(e) => {
            e.into_bytes().zeroize();
            Zeroizing::new(String::new())
        }
    }
}

/// An `io::Write` that only counts.
struct Counter(usize);

impl io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

// ---- hex, in constant time ----

/// Lowercase hex, in constant time (no table lookup, no branch on the data), in a string of
/// exactly the final size.
pub(super) fn hex(bytes: &[u8]) -> String {
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

/// [`hex`] of a secret.
pub(super) fn secret_hex(bytes: &[u8]) -> Zeroizing<String> {
    Zeroizing::new(hex(bytes))
}

/// Decodes lowercase hex into `out`, whose length the text must match, in constant time in
/// the text's content.
fn unhex_into(text: &str, out: &mut [u8], field: &'static str) -> Result<(), DocumentDefect> {
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
        return Err(DocumentDefect::Hex(field));
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
        return Err(DocumentDefect::Hex(field));
    }
    Ok(())
}

/// Decodes lowercase hex of exactly `N` bytes.
pub(super) fn unhex<const N: usize>(
    text: &str,
    field: &'static str,
) -> Result<[u8; N], DocumentDefect> {
    let mut out = [0u8; N];
    unhex_into(text, &mut out, field)?;
    Ok(out)
}

/// Decodes lowercase hex of any even length.
pub(super) fn unhex_vec(text: &str, field: &'static str) -> Result<Vec<u8>, DocumentDefect> {
    if text.len() % 2 != 0 {
        return Err(DocumentDefect::Hex(field));
    }
    let mut out = vec![0u8; text.len() / 2];
    unhex_into(text, &mut out, field)?;
    Ok(out)
}

// ---- values ----

/// A public scalar, 64 hex.
pub(super) fn scalar_hex(s: &Scalar) -> String {
    hex(&scalar_to_bytes(s))
}

/// A secret scalar, 64 hex.
pub(super) fn secret_scalar_hex(s: &SecretScalar) -> Zeroizing<String> {
    let bytes = Zeroizing::new(scalar_to_bytes(&s.expose()));
    secret_hex(&bytes[..])
}

/// A canonical scalar (zero allowed).
pub(super) fn scalar(text: &str, field: &'static str) -> Result<Scalar, DocumentDefect> {
    let bytes = unhex::<SCALAR_LEN>(text, field)?;
    scalar_from_bytes(&bytes).map_err(|error| DocumentDefect::Field { field, error })
}

/// A canonical secret scalar (zero allowed), through zeroizing buffers.
pub(super) fn secret_scalar(
    text: &str,
    field: &'static str,
) -> Result<SecretScalar, DocumentDefect> {
    let mut bytes = Zeroizing::new([0u8; SCALAR_LEN]);
    unhex_into(text, &mut bytes[..], field)?;
    scalar_from_bytes(&bytes[..])
        .map(SecretScalar::new)
        .map_err(|error| DocumentDefect::Field { field, error })
}

/// A compressed G1 point, 96 hex.
pub(super) fn point_hex(p: &G1Affine) -> String {
    hex(&g1_to_bytes(p))
}

/// A G1 point in the subgroup, not the identity.
pub(super) fn point(text: &str, field: &'static str) -> Result<G1Affine, DocumentDefect> {
    let bytes = unhex::<G1_LEN>(text, field)?;
    g1_from_bytes(&bytes).map_err(|error| DocumentDefect::Field { field, error })
}

/// A G1 point in the subgroup, the identity allowed.
pub(super) fn point_allow_identity(
    text: &str,
    field: &'static str,
) -> Result<G1Affine, DocumentDefect> {
    let bytes = unhex::<G1_LEN>(text, field)?;
    g1_from_bytes_allow_identity(&bytes).map_err(|error| DocumentDefect::Field { field, error })
}

/// Feldman commitments, 96 hex each.
pub(super) fn commitments_hex(commitments: &Commitments) -> Vec<String> {
    commitments.points().iter().map(point_hex).collect()
}

/// Feldman commitments: at least one, at most 65535, `C_0` not the identity (the others may
/// be: a zero coefficient).
pub(super) fn commitments(
    texts: &[String],
    field: &'static str,
) -> Result<Commitments, DocumentDefect> {
    let Some((first, rest)) = texts.split_first() else {
        return Err(DocumentDefect::Empty(field));
    };
    if texts.len() > usize::from(u16::MAX) {
        return Err(DocumentDefect::TooLong(field));
    }
    let mut points = Vec::with_capacity(texts.len());
    points.push(point(first, field)?);
    for text in rest {
        points.push(point_allow_identity(text, field)?);
    }
    // Invariant: not empty, `C_0` not the identity.
    Commitments::new(points).map_err(|_| DocumentDefect::Empty(field))
}

/// A transcript digest or a session tag, 64 hex.
pub(super) fn digest(text: &str, field: &'static str) -> Result<[u8; DIGEST_LEN], DocumentDefect> {
    unhex(text, field)
}

/// A session tag.
pub(super) fn session_tag(text: &str) -> Result<SessionTag, DocumentDefect> {
    digest(text, "session").map(SessionTag::from_bytes)
}

/// A nonzero identifier.
pub(super) fn identifier(n: u16, field: &'static str) -> Result<Identifier, DocumentDefect> {
    Identifier::new(n).map_err(|_| DocumentDefect::ZeroIdentifier(field))
}

/// Distinct nonzero identifiers, in any order.
pub(super) fn identifiers(
    list: &[u16],
    field: &'static str,
) -> Result<BTreeSet<Identifier>, DocumentDefect> {
    let mut set = BTreeSet::new();
    for &n in list {
        let id = identifier(n, field)?;
        if !set.insert(id) {
            return Err(DocumentDefect::DuplicateIdentifier {
                field,
                identifier: id,
            });
        }
    }
    Ok(set)
}

/// Adds `id` to `map`, refusing a repeat.
pub(super) fn insert_once<V>(
    map: &mut BTreeMap<Identifier, V>,
    id: Identifier,
    value: V,
    field: &'static str,
) -> Result<(), DocumentDefect> {
    if map.insert(id, value).is_some() {
        return Err(DocumentDefect::DuplicateIdentifier {
            field,
            identifier: id,
        });
    }
    Ok(())
}
