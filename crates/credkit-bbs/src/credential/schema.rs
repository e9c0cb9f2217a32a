//! Schemas: the ordered, typed attribute list of a kind of credential.

use core::fmt;

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::document::{self, Header};
use crate::{Error, MAX_MESSAGES};

/// The type of an attribute, which fixes how its value becomes a BBS message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AttributeType {
    /// UTF-8 text.
    String,
    /// A signed 64-bit integer.
    Integer,
    /// A calendar date, `YYYY-MM-DD` (proleptic Gregorian, years 0000 to 9999).
    Date,
    /// `true` or `false`.
    Boolean,
    /// Raw bytes (base64url without padding in JSON).
    Bytes,
}

impl AttributeType {
    /// The tag byte that starts the BBS message of a value of this type (SPEC.md §4.2).
    pub fn tag(self) -> u8 {
        match self {
            AttributeType::String => 0x01,
            AttributeType::Integer => 0x02,
            AttributeType::Date => 0x03,
            AttributeType::Boolean => 0x04,
            AttributeType::Bytes => 0x05,
        }
    }

    /// The name used in JSON.
    pub fn name(self) -> &'static str {
        match self {
            AttributeType::String => "string",
            AttributeType::Integer => "integer",
            AttributeType::Date => "date",
            AttributeType::Boolean => "boolean",
            AttributeType::Bytes => "bytes",
        }
    }
}

impl fmt::Display for AttributeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One attribute of a schema.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttributeDef {
    /// The name: 1 to 64 characters `a-z`, `0-9`, `_`, starting with a letter.
    pub name: String,
    /// The type.
    #[serde(rename = "type")]
    pub kind: AttributeType,
}

/// A validated schema: an id and a non-empty list of uniquely named, typed attributes.
///
/// ```
/// use credkit_bbs::credential::Schema;
///
/// let ok = r#"{"version": 1, "type": "schema", "id": "urn:x", "attributes": [{"name": "a", "type": "string"}]}"#;
/// assert!(Schema::from_json(ok).is_ok());
/// // Duplicate names, unknown fields and unknown types are all refused.
/// let twice = r#"{"version": 1, "type": "schema", "id": "urn:x", "attributes": [
///     {"name": "a", "type": "string"}, {"name": "a", "type": "date"}]}"#;
/// assert!(Schema::from_json(twice).is_err());
/// assert!(Schema::from_json(&ok.replace(r#""id""#, r#""extra": 1, "id""#)).is_err());
/// assert!(Schema::from_json(&ok.replace("string", "float")).is_err());
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schema {
    id: String,
    attributes: Vec<AttributeDef>,
}

/// The JSON form of a schema (SPEC.md §4.3), also embedded in credentials and presentations.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchemaDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    id: String,
    attributes: Vec<AttributeDef>,
}

impl Header for SchemaDocument {
    const TYPE: &'static str = "schema";
}

impl TryFrom<SchemaDocument> for Schema {
    type Error = Error;
    fn try_from(doc: SchemaDocument) -> Result<Self, Error> {
        document::check_header(doc.version, &doc.kind, SchemaDocument::TYPE)?;
        Schema::new(doc.id, doc.attributes)
    }
}

impl From<Schema> for SchemaDocument {
    fn from(schema: Schema) -> Self {
        SchemaDocument {
            version: document::VERSION,
            kind: SchemaDocument::TYPE.to_owned(),
            id: schema.id,
            attributes: schema.attributes,
        }
    }
}

/// Domain separation of the schema digest.
const SCHEMA_DIGEST_DST: &[u8] = b"credkit-schema-v1";

impl Schema {
    /// A schema from its parts.
    ///
    /// # Errors
    /// [`Error::InvalidSchemaId`] unless the id is 1 to 256 printable ASCII characters;
    /// [`Error::EmptySchema`]; [`Error::TooManyMessages`] beyond [`MAX_MESSAGES`] attributes;
    /// [`Error::InvalidAttributeName`]; [`Error::DuplicateAttribute`].
    pub fn new(id: String, attributes: Vec<AttributeDef>) -> Result<Self, Error> {
        Schema::check_id(&id)?;
        if attributes.is_empty() {
            return Err(Error::EmptySchema);
        }
        if attributes.len() > MAX_MESSAGES {
            return Err(Error::TooManyMessages(attributes.len()));
        }
        for (i, attr) in attributes.iter().enumerate() {
            if !valid_name(&attr.name) {
                return Err(Error::InvalidAttributeName(
                    attr.name.chars().take(64).collect(),
                ));
            }
            if attributes[..i].iter().any(|a| a.name == attr.name) {
                return Err(Error::DuplicateAttribute(attr.name.clone()));
            }
        }
        Ok(Schema { id, attributes })
    }

    /// Checks a schema id: 1 to 256 printable ASCII characters.
    pub(crate) fn check_id(id: &str) -> Result<(), Error> {
        if id.is_empty() || id.len() > 256 || !id.bytes().all(|b| (0x20..0x7f).contains(&b)) {
            return Err(Error::InvalidSchemaId);
        }
        Ok(())
    }

    /// Reads a schema document.
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`], and the
    /// errors of [`Schema::new`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        Schema::try_from(document::parse::<SchemaDocument>(json)?)
    }

    /// The schema document, pretty-printed.
    pub fn to_json(&self) -> String {
        document::render(&SchemaDocument::from(self.clone()))
    }

    /// The schema's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The attributes, in message order.
    pub fn attributes(&self) -> &[AttributeDef] {
        &self.attributes
    }

    /// The position of an attribute, which is the index of its BBS message.
    pub fn position(&self, name: &str) -> Option<usize> {
        self.attributes.iter().position(|a| a.name == name)
    }

    /// `SHA-256("credkit-schema-v1" || I2OSP(len(id), 2) || id || I2OSP(n, 2) ||
    /// (I2OSP(len(name_i), 2) || name_i || tag_i)...)` (SPEC.md §4.3).
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256::new();
        h.update(SCHEMA_DIGEST_DST);
        // Lengths fit in two bytes: ids are at most 256 bytes, names 64, counts MAX_MESSAGES.
        h.update((self.id.len() as u16).to_be_bytes());
        h.update(self.id.as_bytes());
        h.update((self.attributes.len() as u16).to_be_bytes());
        for attr in &self.attributes {
            h.update((attr.name.len() as u16).to_be_bytes());
            h.update(attr.name.as_bytes());
            h.update([attr.kind.tag()]);
        }
        h.finalize().into()
    }
}

fn valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 64
        && bytes[0].is_ascii_lowercase()
        && bytes
            .iter()
            .all(|&b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
