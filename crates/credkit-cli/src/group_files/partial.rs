//! `partial-signature` and `partial-proof-of-possession`: a member's share of a signature of
//! the group, and of the group's proof of possession.

use credkit_threshold::bls::Signature;
use credkit_threshold::upload::GroupId;
use credkit_threshold::PartialSignature;
use serde::{Deserialize, Serialize};

use super::{
    check_header, group_id, header, hex, identifier, parse, render, unhex, DocumentType,
    FormatError,
};

/// A member's partial signature of a message, with the group it signed for and the
/// message's SHA-256 (so that a combiner names a partial signature of another message as
/// such, before any pairing).
///
/// ```json
/// {
///   "version": 1,
///   "type": "partial-signature",
///   "group_id": "<64 hex>",
///   "identifier": 2,
///   "message_sha256": "<64 hex>",
///   "signature": "<192 hex: s_i * H(message), compressed G2>"
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialSignatureFile {
    group_id: GroupId,
    message_sha256: [u8; 32],
    partial: PartialSignature,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialSignatureDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    group_id: String,
    identifier: u16,
    message_sha256: String,
    signature: String,
}

impl PartialSignatureFile {
    /// The file of `partial`, a partial signature of the message whose SHA-256 is
    /// `message_sha256`, for the group `group_id`.
    pub fn new(group_id: GroupId, message_sha256: [u8; 32], partial: PartialSignature) -> Self {
        PartialSignatureFile {
            group_id,
            message_sha256,
            partial,
        }
    }

    /// The group it was signed for.
    pub fn group_id(&self) -> &GroupId {
        &self.group_id
    }

    /// The SHA-256 of the message signed.
    pub fn message_sha256(&self) -> &[u8; 32] {
        &self.message_sha256
    }

    /// The partial signature, with its signer.
    pub fn partial(&self) -> &PartialSignature {
        &self.partial
    }

    /// The document (see the type's documentation).
    pub fn to_json(&self) -> String {
        let (version, kind) = header(DocumentType::PartialSignature);
        render(&PartialSignatureDocument {
            version,
            kind,
            group_id: hex(&self.group_id.to_bytes()),
            identifier: self.partial.identifier().get(),
            message_sha256: hex(&self.message_sha256),
            signature: hex(&self.partial.signature().to_bytes()),
        })
    }

    /// Reads a `partial-signature` document. The signature must be a point of G2; whether it
    /// verifies is the combiner's check.
    ///
    /// # Errors
    /// [`FormatError::Json`], [`FormatError::WrongType`], [`FormatError::UnsupportedVersion`],
    /// [`FormatError::Hex`], [`FormatError::Field`], [`FormatError::ZeroIdentifier`].
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: PartialSignatureDocument = parse(json, DocumentType::PartialSignature)?;
        check_header(doc.version, &doc.kind, DocumentType::PartialSignature)?;
        let group_id = group_id(&doc.group_id)?;
        let id = identifier(doc.identifier, "identifier")?;
        let message_sha256 = unhex::<32>(&doc.message_sha256, "message_sha256")?;
        let signature = decode_signature(&doc.signature)?;
        Ok(PartialSignatureFile {
            group_id,
            message_sha256,
            partial: PartialSignature::new(id, &signature),
        })
    }
}

/// A member's share of the group's proof of possession (`PopProve` with its share, over the
/// group public key), for a group made by a key generation.
///
/// ```json
/// {
///   "version": 1,
///   "type": "partial-proof-of-possession",
///   "group_id": "<64 hex>",
///   "identifier": 2,
///   "signature": "<192 hex: s_i * H_pop(group public key), compressed G2>"
/// }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialProofOfPossessionFile {
    group_id: GroupId,
    partial: PartialSignature,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PartialProofOfPossessionDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    group_id: String,
    identifier: u16,
    signature: String,
}

impl PartialProofOfPossessionFile {
    /// The file of `partial`, a share of the proof of possession of the group `group_id`.
    pub fn new(group_id: GroupId, partial: PartialSignature) -> Self {
        PartialProofOfPossessionFile { group_id, partial }
    }

    /// The group it was signed for.
    pub fn group_id(&self) -> &GroupId {
        &self.group_id
    }

    /// The share, with its signer.
    pub fn partial(&self) -> &PartialSignature {
        &self.partial
    }

    /// The document (see the type's documentation).
    pub fn to_json(&self) -> String {
        let (version, kind) = header(DocumentType::PartialProofOfPossession);
        render(&PartialProofOfPossessionDocument {
            version,
            kind,
            group_id: hex(&self.group_id.to_bytes()),
            identifier: self.partial.identifier().get(),
            signature: hex(&self.partial.signature().to_bytes()),
        })
    }

    /// Reads a `partial-proof-of-possession` document, as
    /// [`PartialSignatureFile::from_json`].
    ///
    /// # Errors
    /// As [`PartialSignatureFile::from_json`].
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: PartialProofOfPossessionDocument =
            parse(json, DocumentType::PartialProofOfPossession)?;
        check_header(
            doc.version,
            &doc.kind,
            DocumentType::PartialProofOfPossession,
        )?;
        let group_id = group_id(&doc.group_id)?;
        let id = identifier(doc.identifier, "identifier")?;
        let signature = decode_signature(&doc.signature)?;
        Ok(PartialProofOfPossessionFile {
            group_id,
            partial: PartialSignature::new(id, &signature),
        })
    }
}

/// A G2 point in the subgroup (the identity decodes; it verifies under no key).
pub(super) fn decode_signature(text: &str) -> Result<Signature, FormatError> {
    Signature::from_bytes(&unhex::<96>(text, "signature")?).map_err(|error| FormatError::Field {
        field: "signature",
        error,
    })
}

#[cfg(test)]
mod tests {
    use credkit_threshold::{dealer, sign};
    use rand_core::OsRng;

    use super::*;
    use crate::group_files::sha256;

    #[test]
    fn round_trip() -> Result<(), Box<dyn std::error::Error>> {
        let (group_key, shares) = dealer::deal(&mut OsRng, 2, 3)?;
        let id = GroupId::from_public_key(group_key.public_key());
        let file = PartialSignatureFile::new(id, sha256(b"m"), sign::sign(&shares[1], b"m"));
        let json = file.to_json();
        assert_eq!(PartialSignatureFile::from_json(&json)?, file);
        assert_eq!(PartialSignatureFile::from_json(&json)?.to_json(), json);
        assert_eq!(
            PartialProofOfPossessionFile::from_json(&json),
            Err(FormatError::WrongType {
                expected: DocumentType::PartialProofOfPossession,
                found: "partial-signature".into(),
            })
        );

        let pop = sign::prove_possession(&shares[0], group_key.public_key());
        let file = PartialProofOfPossessionFile::new(id, pop);
        let json = file.to_json();
        assert_eq!(PartialProofOfPossessionFile::from_json(&json)?, file);
        let zero = json.replace("\"identifier\": 1", "\"identifier\": 0");
        assert_eq!(
            PartialProofOfPossessionFile::from_json(&zero),
            Err(FormatError::ZeroIdentifier("identifier"))
        );
        Ok(())
    }
}
