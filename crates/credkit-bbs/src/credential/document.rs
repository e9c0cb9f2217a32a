//! What every credkit JSON document shares: the versioned header, base64url fields, and JSON
//! errors with their position.

use core::fmt;
use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::de::DeserializeOwned;

use crate::Error;

/// The only document version this crate reads and writes.
pub(crate) const VERSION: u64 = 1;

/// A JSON document that could not be read: bad syntax, a missing or unknown field, or a value
/// of the wrong JSON type. Displays serde_json's message, which names the field and position.
#[derive(Clone, Debug)]
pub struct JsonError(Arc<serde_json::Error>);

impl JsonError {
    /// Line of the error (1-based), 0 when not applicable.
    pub fn line(&self) -> usize {
        self.0.line()
    }

    /// Column of the error (1-based), 0 when not applicable.
    pub fn column(&self) -> usize {
        self.0.column()
    }
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
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

impl From<serde_json::Error> for JsonError {
    fn from(e: serde_json::Error) -> Self {
        JsonError(Arc::new(e))
    }
}

/// Parses a document, then checks its `version` and `type` header fields.
pub(crate) fn parse<T: DeserializeOwned + Header>(json: &str) -> Result<T, Error> {
    // Read the header alone first, so that a document of another type or version is named as
    // such rather than reported as a field mismatch.
    let peek: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| Error::Json(e.into()))?;
    let kind = peek.get("type");
    let found_kind = kind.and_then(|k| k.as_str()).unwrap_or("");
    if kind.is_some() && found_kind != T::TYPE {
        return Err(Error::WrongDocumentType {
            expected: T::TYPE,
            found: found_kind.chars().take(64).collect(),
        });
    }
    if let Some(version) = peek.get("version").and_then(|v| v.as_u64()) {
        if version != VERSION {
            return Err(Error::UnsupportedVersion {
                document: T::TYPE,
                found: version,
            });
        }
    }
    serde_json::from_str(json).map_err(|e| Error::Json(e.into()))
}

/// Serializes a document as pretty JSON with a final newline.
pub(crate) fn render<T: serde::Serialize>(doc: &T) -> String {
    // Invariant: these types serialize to JSON without fail (no maps with non-string keys,
    // no non-finite floats).
    let mut s = serde_json::to_string_pretty(doc).unwrap_or_default();
    s.push('\n');
    s
}

/// The `type` a document declares.
pub(crate) trait Header {
    const TYPE: &'static str;
}

/// Checks the `version` and `type` fields after parsing.
pub(crate) fn check_header(version: u64, kind: &str, expected: &'static str) -> Result<(), Error> {
    if kind != expected {
        return Err(Error::WrongDocumentType {
            expected,
            found: kind.chars().take(64).collect(),
        });
    }
    if version != VERSION {
        return Err(Error::UnsupportedVersion {
            document: expected,
            found: version,
        });
    }
    Ok(())
}

/// base64url without padding, the encoding of every byte string in credkit documents.
pub(crate) fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Decodes a field with `decode`, naming the field in any error.
pub(crate) fn field<T>(
    field: &'static str,
    text: &str,
    decode: impl FnOnce(&[u8]) -> Result<T, Error>,
) -> Result<T, Error> {
    let bytes = zeroize::Zeroizing::new(unb64(field, text)?);
    decode(&bytes).map_err(|error| Error::InField {
        field,
        error: Box::new(error),
    })
}

/// Decodes a base64url field (no padding, canonical), naming the field on error.
pub(crate) fn unb64(field: &'static str, text: &str) -> Result<Vec<u8>, Error> {
    URL_SAFE_NO_PAD
        .decode(text)
        .map_err(|_| Error::InvalidBase64 { field })
}

/// A JSON object whose keys must be unique. `serde_json::Map` keeps the last of two equal keys,
/// so a document could show one reader `"drug": "a"` and another `"drug": "b"` behind one
/// signature; this type refuses such a document instead.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct UniqueMap(pub(crate) serde_json::Map<String, serde_json::Value>);

impl<'de> serde::Deserialize<'de> for UniqueMap {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = UniqueMap;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object with unique keys")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut access: A,
            ) -> Result<UniqueMap, A::Error> {
                let mut map = serde_json::Map::new();
                while let Some((key, value)) = access.next_entry::<String, serde_json::Value>()? {
                    if map.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!(
                            "duplicate key `{}`",
                            key.chars().take(64).collect::<String>()
                        )));
                    }
                    map.insert(key, value);
                }
                Ok(UniqueMap(map))
            }
        }
        deserializer.deserialize_map(Visitor)
    }
}

impl serde::Serialize for UniqueMap {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}
