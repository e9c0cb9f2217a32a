//! `unsigned-upload`: the fields of an upload envelope before the group signs them,
//! `envelope.unsigned.json`.

use credkit_threshold::upload::{TaskId, UnsignedEnvelope};
use serde::{Deserialize, Serialize};

use super::{
    check_header, group_id, header, hex, parse, render, unhex, unhex_vec, DocumentType, FormatError,
};

/// An upload's signed fields, to be passed to the members who sign it: the group id, the
/// task id, a fresh random nonce, the timestamp (Unix seconds), the payload's SHA-256, and
/// the exact bytes the group signs (`signing_bytes`, credkit-threshold's
/// [`UnsignedEnvelope::signing_bytes`]: a domain tag and every field, each with its length).
///
/// ```json
/// {
///   "version": 1,
///   "type": "unsigned-upload",
///   "group_id": "<64 hex>",
///   "task_id": "study-S/visit-3",
///   "nonce": "<64 hex>",
///   "timestamp": 1764150000,
///   "payload_sha256": "<64 hex>",
///   "signing_bytes": "<hex of 133 + len(task_id) bytes>"
/// }
/// ```
///
/// `signing_bytes` are redundant, for members that sign with other tools; on reading they
/// must be the ones the fields give.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnsignedUploadFile {
    unsigned: UnsignedEnvelope,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UnsignedUploadDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    group_id: String,
    task_id: String,
    nonce: String,
    timestamp: u64,
    payload_sha256: String,
    signing_bytes: String,
}

impl UnsignedUploadFile {
    /// The file of `unsigned`.
    pub fn new(unsigned: UnsignedEnvelope) -> Self {
        UnsignedUploadFile { unsigned }
    }

    /// The fields.
    pub fn unsigned(&self) -> &UnsignedEnvelope {
        &self.unsigned
    }

    /// The fields, given back.
    pub fn into_unsigned(self) -> UnsignedEnvelope {
        self.unsigned
    }

    /// The document (see the type's documentation).
    pub fn to_json(&self) -> String {
        let (version, kind) = header(DocumentType::UnsignedUpload);
        let u = &self.unsigned;
        render(&UnsignedUploadDocument {
            version,
            kind,
            group_id: hex(&u.group_id().to_bytes()),
            task_id: u.task_id().as_str().to_owned(),
            nonce: hex(u.nonce()),
            timestamp: u.timestamp(),
            payload_sha256: hex(u.payload_sha256()),
            signing_bytes: hex(&u.signing_bytes()),
        })
    }

    /// Reads an `unsigned-upload` document, checking `signing_bytes` against the fields.
    ///
    /// # Errors
    /// [`FormatError::Json`], [`FormatError::WrongType`], [`FormatError::UnsupportedVersion`],
    /// [`FormatError::Hex`], [`FormatError::TaskId`], [`FormatError::Inconsistent`].
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: UnsignedUploadDocument = parse(json, DocumentType::UnsignedUpload)?;
        check_header(doc.version, &doc.kind, DocumentType::UnsignedUpload)?;
        let group_id = group_id(&doc.group_id)?;
        let task_id = TaskId::new(doc.task_id).map_err(|_| FormatError::TaskId)?;
        let nonce = unhex::<32>(&doc.nonce, "nonce")?;
        let payload_sha256 = unhex::<32>(&doc.payload_sha256, "payload_sha256")?;
        let signing_bytes = unhex_vec(&doc.signing_bytes, "signing_bytes")?;
        let unsigned =
            UnsignedEnvelope::from_parts(group_id, task_id, nonce, doc.timestamp, payload_sha256);
        if unsigned.signing_bytes() != signing_bytes {
            return Err(FormatError::Inconsistent("signing_bytes"));
        }
        Ok(UnsignedUploadFile { unsigned })
    }
}

#[cfg(test)]
mod tests {
    use credkit_threshold::upload::GroupId;

    use super::*;

    #[test]
    fn round_trip_and_signing_bytes_checked() -> Result<(), Box<dyn std::error::Error>> {
        let unsigned = UnsignedEnvelope::from_parts(
            GroupId::from_bytes([7; 32]),
            TaskId::new("study-S/visit-3")?,
            [9; 32],
            1_750_000_000,
            [1; 32],
        );
        let file = UnsignedUploadFile::new(unsigned);
        let json = file.to_json();
        assert_eq!(UnsignedUploadFile::from_json(&json)?, file);
        assert_eq!(UnsignedUploadFile::from_json(&json)?.to_json(), json);
        let later = json.replace("1750000000", "1750000001");
        assert_eq!(
            UnsignedUploadFile::from_json(&later),
            Err(FormatError::Inconsistent("signing_bytes"))
        );
        let empty = json.replace("\"study-S/visit-3\"", "\"\"");
        assert_eq!(
            UnsignedUploadFile::from_json(&empty),
            Err(FormatError::TaskId)
        );
        Ok(())
    }
}
