//! `group-signature`: a signature of the group, `signature.json`.

use credkit_threshold::bls::Signature;
use credkit_threshold::upload::GroupId;
use serde::{Deserialize, Serialize};

use super::partial::decode_signature;
use super::{check_header, group_id, header, hex, parse, render, unhex, DocumentType, FormatError};

/// A signature of the group: an ordinary BLS signature (`Sign`, min-pk, proof-of-possession
/// ciphersuite) under the group public key, whichever members made it.
///
/// ```json
/// {
///   "version": 1,
///   "type": "group-signature",
///   "group_id": "<64 hex>",
///   "message_sha256": "<64 hex>",
///   "signature": "<192 hex: compressed G2 point>"
/// }
/// ```
///
/// `signature` is all a standard BLS verifier needs, with the group's `public_key`;
/// `group_id` and `message_sha256` let `credkit group verify` say which of the group or the
/// message is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupSignatureFile {
    group_id: GroupId,
    message_sha256: [u8; 32],
    signature: Signature,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct GroupSignatureDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    group_id: String,
    message_sha256: String,
    signature: String,
}

impl GroupSignatureFile {
    /// The file of `signature`, by the group `group_id`, of the message whose SHA-256 is
    /// `message_sha256`.
    pub fn new(group_id: GroupId, message_sha256: [u8; 32], signature: Signature) -> Self {
        GroupSignatureFile {
            group_id,
            message_sha256,
            signature,
        }
    }

    /// The group that signed.
    pub fn group_id(&self) -> &GroupId {
        &self.group_id
    }

    /// The SHA-256 of the message signed.
    pub fn message_sha256(&self) -> &[u8; 32] {
        &self.message_sha256
    }

    /// The signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The document (see the type's documentation).
    pub fn to_json(&self) -> String {
        let (version, kind) = header(DocumentType::GroupSignature);
        render(&GroupSignatureDocument {
            version,
            kind,
            group_id: hex(&self.group_id.to_bytes()),
            message_sha256: hex(&self.message_sha256),
            signature: hex(&self.signature.to_bytes()),
        })
    }

    /// Reads a `group-signature` document. The signature must be a point of G2; whether it
    /// verifies is the verifier's check.
    ///
    /// # Errors
    /// [`FormatError::Json`], [`FormatError::WrongType`], [`FormatError::UnsupportedVersion`],
    /// [`FormatError::Hex`], [`FormatError::Field`].
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: GroupSignatureDocument = parse(json, DocumentType::GroupSignature)?;
        check_header(doc.version, &doc.kind, DocumentType::GroupSignature)?;
        Ok(GroupSignatureFile {
            group_id: group_id(&doc.group_id)?,
            message_sha256: unhex::<32>(&doc.message_sha256, "message_sha256")?,
            signature: decode_signature(&doc.signature)?,
        })
    }
}
