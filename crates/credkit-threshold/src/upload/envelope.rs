//! The upload envelope: what a group signs for one anonymous upload, and its two encodings.
//!
//! Byte layouts (the lead copies them to SPEC.md):
//!
//! - [`UnsignedEnvelope::signing_bytes`]: the message the group signs.
//! - [`Envelope::to_bytes`]: the canonical binary encoding.
//! - [`Envelope::to_json`]: the JSON form the CLI reads and writes.

use core::fmt;

use credkit_core::encoding::{g2_from_bytes, G2_LEN};
use rand_core::{CryptoRng, OsRng, RngCore};
use sha2::{Digest, Sha256};

use crate::bls::{PublicKey, Signature};
use crate::Error;

/// The domain tag that opens [`UnsignedEnvelope::signing_bytes`]. It separates upload
/// signatures from any other message a group key signs, and carries the layout's version.
pub const SIGNING_TAG: &[u8] = b"credkit-upload-v1";

/// The version byte of the binary encoding and the `"version"` of the JSON form.
pub const ENVELOPE_VERSION: u8 = 1;

/// The `"type"` of the JSON form.
pub const JSON_TYPE: &str = "upload";

/// Length of a nonce, a group id and a payload hash.
const HASH_LEN: usize = 32;

/// Longest task id, in bytes.
pub const MAX_TASK_ID_LEN: usize = 255;

/// Length of the binary encoding without the task id: version, group id, task id length,
/// nonce, timestamp, payload hash, signature.
const FIXED_LEN: usize = 1 + HASH_LEN + 1 + HASH_LEN + 8 + HASH_LEN + G2_LEN;

/// Why an envelope encoding was rejected. Untrusted bytes can trigger every variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeDefect {
    /// A binary encoding shorter than its fields.
    #[error("truncated")]
    Truncated,
    /// Bytes after the signature of a binary encoding.
    #[error("trailing bytes after the signature")]
    TrailingBytes,
    /// A version other than [`ENVELOPE_VERSION`].
    #[error("unsupported version {0}")]
    UnsupportedVersion(u64),
    /// A JSON `"type"` other than `"upload"`, or none.
    #[error("the JSON \"type\" is not \"upload\"")]
    WrongType,
    /// A task id that is empty, longer than 255 bytes, or not UTF-8.
    #[error("the task id is empty, longer than 255 bytes, or not UTF-8")]
    TaskId,
    /// A JSON field that is not hex of the right length; names the field.
    #[error("field `{0}` is not hex of the right length")]
    Hex(&'static str),
    /// Not JSON, or a JSON object with a missing, unknown or mistyped field (serde_json's
    /// position; `0, 0` when the position is unknown).
    #[error("invalid JSON at line {line}, column {column}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
}

impl From<EnvelopeDefect> for Error {
    fn from(defect: EnvelopeDefect) -> Self {
        Error::MalformedEnvelope(defect)
    }
}

/// The 32-byte name of a group: the SHA-256 of its 48-byte compressed public key.
///
/// An envelope names its group without a registry, anyone holding the group key can check
/// the name, and resharing (which keeps the group key) keeps it.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct GroupId([u8; HASH_LEN]);

impl GroupId {
    /// `SHA-256(group_public_key.to_bytes())`.
    pub fn from_public_key(group_public_key: &PublicKey) -> Self {
        GroupId(Sha256::digest(group_public_key.to_bytes()).into())
    }

    /// A group id from its 32 bytes (as read from an envelope; it is not checked against a
    /// key).
    pub fn from_bytes(bytes: [u8; HASH_LEN]) -> Self {
        GroupId(bytes)
    }

    /// The 32 bytes.
    pub fn to_bytes(&self) -> [u8; HASH_LEN] {
        self.0
    }
}

impl fmt::Display for GroupId {
    /// Lowercase hex.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

impl fmt::Debug for GroupId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "GroupId({self})")
    }
}

/// What an upload is for (a study, a ward, a collection round): 1 to 255 bytes of UTF-8,
/// chosen by the deployment. It is signed and shown to the collector in the clear, so it must
/// not name a member.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TaskId(String);

impl TaskId {
    /// Checks the length (1 to [`MAX_TASK_ID_LEN`] bytes).
    ///
    /// # Errors
    /// [`Error::InvalidTaskId`].
    pub fn new(task_id: impl Into<String>) -> Result<Self, Error> {
        let task_id = task_id.into();
        if task_id.is_empty() || task_id.len() > MAX_TASK_ID_LEN {
            return Err(Error::InvalidTaskId);
        }
        Ok(TaskId(task_id))
    }

    /// The task id.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Decodes the UTF-8 bytes of a task id.
    fn from_utf8(bytes: &[u8]) -> Result<Self, EnvelopeDefect> {
        let text = core::str::from_utf8(bytes).map_err(|_| EnvelopeDefect::TaskId)?;
        TaskId::new(text).map_err(|_| EnvelopeDefect::TaskId)
    }

    /// The length, which [`TaskId::new`] keeps in `1..=255`.
    fn len_u8(&self) -> u8 {
        // Invariant: TaskId::new rejects more than 255 bytes.
        u8::try_from(self.0.len()).unwrap_or(u8::MAX)
    }
}

impl fmt::Display for TaskId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The signed fields of an upload, before the group signs them.
///
/// The group signs [`UnsignedEnvelope::signing_bytes`] (threshold signing, or any signer
/// under the group key) and [`UnsignedEnvelope::attach`]es the signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedEnvelope {
    group_id: GroupId,
    task_id: TaskId,
    nonce: [u8; HASH_LEN],
    timestamp: u64,
    payload_sha256: [u8; HASH_LEN],
}

impl UnsignedEnvelope {
    /// The fields of an upload of `payload` at `timestamp` (Unix seconds), with a fresh
    /// random nonce from the operating system.
    pub fn new(group_id: GroupId, task_id: TaskId, timestamp: u64, payload: &[u8]) -> Self {
        Self::new_with_rng(&mut OsRng, group_id, task_id, timestamp, payload)
    }

    /// [`UnsignedEnvelope::new`] with the nonce drawn from `rng`.
    pub fn new_with_rng(
        rng: &mut (impl RngCore + CryptoRng),
        group_id: GroupId,
        task_id: TaskId,
        timestamp: u64,
        payload: &[u8],
    ) -> Self {
        let mut nonce = [0u8; HASH_LEN];
        rng.fill_bytes(&mut nonce);
        Self::from_parts(
            group_id,
            task_id,
            nonce,
            timestamp,
            Sha256::digest(payload).into(),
        )
    }

    /// The fields as given. The nonce must be unpredictable and used once: 32 bytes from a
    /// CSPRNG, never a counter or anything tied to a member.
    pub fn from_parts(
        group_id: GroupId,
        task_id: TaskId,
        nonce: [u8; HASH_LEN],
        timestamp: u64,
        payload_sha256: [u8; HASH_LEN],
    ) -> Self {
        UnsignedEnvelope {
            group_id,
            task_id,
            nonce,
            timestamp,
            payload_sha256,
        }
    }

    /// The group the upload is for.
    pub fn group_id(&self) -> &GroupId {
        &self.group_id
    }

    /// The task the upload is for.
    pub fn task_id(&self) -> &TaskId {
        &self.task_id
    }

    /// The nonce, which the collector remembers to reject replays.
    pub fn nonce(&self) -> &[u8; HASH_LEN] {
        &self.nonce
    }

    /// When the upload was made, in Unix seconds.
    pub fn timestamp(&self) -> u64 {
        self.timestamp
    }

    /// The SHA-256 of the payload.
    pub fn payload_sha256(&self) -> &[u8; HASH_LEN] {
        &self.payload_sha256
    }

    /// The message the group signs: the domain tag [`SIGNING_TAG`], then every field, each
    /// preceded by its length as a 2-byte big-endian integer (`I2OSP(len, 2)`):
    ///
    /// ```text
    /// I2OSP(17, 2)          || "credkit-upload-v1"
    /// I2OSP(32, 2)          || group_id
    /// I2OSP(len(task_id),2) || task_id              (UTF-8, 1..=255 bytes)
    /// I2OSP(32, 2)          || nonce
    /// I2OSP(8, 2)           || I2OSP(timestamp, 8)  (Unix seconds)
    /// I2OSP(32, 2)          || payload_sha256
    /// ```
    ///
    /// `133 + len(task_id)` bytes. Every field has a length prefix and a fixed position, so
    /// two different field tuples never give the same bytes. The BLS signature over them
    /// uses the ciphersuite's own DST ([`crate::bls::DST_SIGNATURE`]).
    pub fn signing_bytes(&self) -> Vec<u8> {
        let task = self.task_id.as_str().as_bytes();
        let mut out = Vec::with_capacity(133 + task.len());
        let mut field = |bytes: &[u8]| {
            // Invariant: every field is at most 255 bytes.
            let len = u16::try_from(bytes.len()).unwrap_or(u16::MAX);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(bytes);
        };
        field(SIGNING_TAG);
        field(&self.group_id.0);
        field(task);
        field(&self.nonce);
        field(&self.timestamp.to_be_bytes());
        field(&self.payload_sha256);
        out
    }

    /// The envelope with `signature`, which is not checked here: the collector checks it.
    pub fn attach(self, signature: Signature) -> Envelope {
        Envelope {
            unsigned: self,
            signature,
        }
    }
}

/// An anonymous upload envelope: the signed fields and the group signature over their
/// [`signing_bytes`](UnsignedEnvelope::signing_bytes).
///
/// The signature decodes only as a non-identity point of the prime-order subgroup, so every
/// `Envelope` carries a subgroup-checked signature (which batch verification relies on).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    unsigned: UnsignedEnvelope,
    signature: Signature,
}

impl Envelope {
    /// The signed fields.
    pub fn unsigned(&self) -> &UnsignedEnvelope {
        &self.unsigned
    }

    /// The group the upload is for.
    pub fn group_id(&self) -> &GroupId {
        &self.unsigned.group_id
    }

    /// The task the upload is for.
    pub fn task_id(&self) -> &TaskId {
        &self.unsigned.task_id
    }

    /// The nonce.
    pub fn nonce(&self) -> &[u8; HASH_LEN] {
        &self.unsigned.nonce
    }

    /// When the upload was made, in Unix seconds.
    pub fn timestamp(&self) -> u64 {
        self.unsigned.timestamp
    }

    /// The SHA-256 of the payload.
    pub fn payload_sha256(&self) -> &[u8; HASH_LEN] {
        &self.unsigned.payload_sha256
    }

    /// The group signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// [`UnsignedEnvelope::signing_bytes`].
    pub fn signing_bytes(&self) -> Vec<u8> {
        self.unsigned.signing_bytes()
    }

    /// The stateless checks, in this order: the envelope names the group of
    /// `group_public_key`, `payload` hashes to its payload hash, and the signature verifies
    /// under the group key. [`Collector`](super::Collector) adds freshness and replay
    /// checks.
    ///
    /// # Errors
    /// [`Error::WrongGroup`], [`Error::PayloadMismatch`], [`Error::InvalidSignature`].
    pub fn verify(&self, group_public_key: &PublicKey, payload: &[u8]) -> Result<(), Error> {
        let group_id = GroupId::from_public_key(group_public_key);
        self.check_group_and_payload(&group_id, payload)?;
        self.signature
            .verify(group_public_key, &self.signing_bytes())
    }

    /// The group id and payload hash checks.
    pub(crate) fn check_group_and_payload(
        &self,
        group_id: &GroupId,
        payload: &[u8],
    ) -> Result<(), Error> {
        if self.group_id() != group_id {
            return Err(Error::WrongGroup {
                found: *self.group_id(),
            });
        }
        let digest: [u8; HASH_LEN] = Sha256::digest(payload).into();
        // Public values: no constant-time comparison needed.
        if &digest != self.payload_sha256() {
            return Err(Error::PayloadMismatch);
        }
        Ok(())
    }

    /// The canonical binary encoding, `202 + len(task_id)` bytes:
    ///
    /// ```text
    /// offset      bytes  field
    /// 0           1      version = 0x01
    /// 1           32     group_id
    /// 33          1      t = len(task_id), 1..=255
    /// 34          t      task_id (UTF-8)
    /// 34+t        32     nonce
    /// 66+t        8      timestamp, big-endian Unix seconds
    /// 74+t        32     payload_sha256
    /// 106+t       96     signature, compressed G2 (ZCash flags)
    /// ```
    pub fn to_bytes(&self) -> Vec<u8> {
        let u = &self.unsigned;
        let task = u.task_id.as_str().as_bytes();
        let mut out = Vec::with_capacity(FIXED_LEN + task.len());
        out.push(ENVELOPE_VERSION);
        out.extend_from_slice(&u.group_id.0);
        out.push(u.task_id.len_u8());
        out.extend_from_slice(task);
        out.extend_from_slice(&u.nonce);
        out.extend_from_slice(&u.timestamp.to_be_bytes());
        out.extend_from_slice(&u.payload_sha256);
        out.extend_from_slice(&self.signature.to_bytes());
        out
    }

    /// Decodes [`Envelope::to_bytes`], checking every length, the version, the task id, and
    /// that the signature is a non-identity point of the prime-order subgroup. Never panics.
    ///
    /// # Errors
    /// [`Error::MalformedEnvelope`] (truncated, trailing bytes, version, task id);
    /// [`Error::Encoding`] for the signature point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut reader = Reader(bytes);
        let version = reader.take::<1>()?[0];
        if version != ENVELOPE_VERSION {
            return Err(EnvelopeDefect::UnsupportedVersion(version.into()).into());
        }
        let group_id = GroupId(reader.take()?);
        let task_len = usize::from(reader.take::<1>()?[0]);
        let task_id = TaskId::from_utf8(reader.take_slice(task_len)?)?;
        let nonce = reader.take()?;
        let timestamp = u64::from_be_bytes(reader.take()?);
        let payload_sha256 = reader.take()?;
        let signature = reader.take::<G2_LEN>()?;
        if !reader.0.is_empty() {
            return Err(EnvelopeDefect::TrailingBytes.into());
        }
        let signature = Signature::from_point(g2_from_bytes(&signature)?);
        Ok(
            UnsignedEnvelope::from_parts(group_id, task_id, nonce, timestamp, payload_sha256)
                .attach(signature),
        )
    }

    /// The JSON form, one line, fields in this order, byte strings in lowercase hex:
    ///
    /// ```json
    /// {"version":1,"type":"upload","group_id":"<64 hex>","task_id":"<UTF-8 string>",
    ///  "nonce":"<64 hex>","timestamp":<Unix seconds>,"payload_sha256":"<64 hex>",
    ///  "signature":"<192 hex>"}
    /// ```
    ///
    /// `payload_sha256` reads as `sha256sum` prints it; `signature` is the hex of the
    /// 96-byte compressed point.
    pub fn to_json(&self) -> String {
        let u = &self.unsigned;
        let json = JsonEnvelope {
            version: ENVELOPE_VERSION.into(),
            kind: JSON_TYPE.into(),
            group_id: hex::encode(u.group_id.0),
            task_id: u.task_id.as_str().into(),
            nonce: hex::encode(u.nonce),
            timestamp: u.timestamp,
            payload_sha256: hex::encode(u.payload_sha256),
            signature: hex::encode(self.signature.to_bytes()),
        };
        // Invariant: a struct of strings and integers always serializes.
        serde_json::to_string(&json).unwrap_or_default()
    }

    /// Decodes [`Envelope::to_json`]: the `"version"` must be 1 and the `"type"` `"upload"`
    /// (both checked first, so a future version is reported as such), every field present,
    /// no other field, lowercase hex of the right length, and the signature as in
    /// [`Envelope::from_bytes`]. Never panics.
    ///
    /// # Errors
    /// [`Error::MalformedEnvelope`]; [`Error::Encoding`] for the signature point.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let value: serde_json::Value = serde_json::from_str(json).map_err(json_defect)?;
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(v) if v == u64::from(ENVELOPE_VERSION) => {}
            Some(v) => return Err(EnvelopeDefect::UnsupportedVersion(v).into()),
            None => return Err(EnvelopeDefect::Json { line: 0, column: 0 }.into()),
        }
        if value.get("type").and_then(serde_json::Value::as_str) != Some(JSON_TYPE) {
            return Err(EnvelopeDefect::WrongType.into());
        }
        // Parse the struct from the text itself, not from `value`: a `Value` keeps the last of
        // two equal keys, while the struct parser refuses duplicates, so no two readers of one
        // envelope can see different fields.
        let json: JsonEnvelope = serde_json::from_str(json).map_err(json_defect)?;
        let group_id = GroupId(hex_field(&json.group_id, "group_id")?);
        let task_id = TaskId::new(json.task_id).map_err(|_| EnvelopeDefect::TaskId)?;
        let nonce = hex_field(&json.nonce, "nonce")?;
        let payload_sha256 = hex_field(&json.payload_sha256, "payload_sha256")?;
        let signature: [u8; G2_LEN] = hex_field(&json.signature, "signature")?;
        let signature = Signature::from_point(g2_from_bytes(&signature)?);
        Ok(
            UnsignedEnvelope::from_parts(group_id, task_id, nonce, json.timestamp, payload_sha256)
                .attach(signature),
        )
    }
}

/// The JSON form, field for field.
#[derive(serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonEnvelope {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    group_id: String,
    task_id: String,
    nonce: String,
    timestamp: u64,
    payload_sha256: String,
    signature: String,
}

fn json_defect(e: serde_json::Error) -> Error {
    EnvelopeDefect::Json {
        line: e.line(),
        column: e.column(),
    }
    .into()
}

fn hex_field<const N: usize>(text: &str, field: &'static str) -> Result<[u8; N], Error> {
    // Lowercase only, as every credkit document: one canonical text per envelope.
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        return Err(EnvelopeDefect::Hex(field).into());
    }
    let mut out = [0u8; N];
    hex::decode_to_slice(text, &mut out).map_err(|_| EnvelopeDefect::Hex(field))?;
    Ok(out)
}

/// A cursor over untrusted bytes whose reads fail with [`EnvelopeDefect::Truncated`].
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take_slice(&mut self, n: usize) -> Result<&'a [u8], EnvelopeDefect> {
        if self.0.len() < n {
            return Err(EnvelopeDefect::Truncated);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn take<const N: usize>(&mut self) -> Result<[u8; N], EnvelopeDefect> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take_slice(N)?);
        Ok(out)
    }
}
