//! What the command line's JSON documents share: rendering (public and secret) and the
//! quoting of a found `type` in errors, and reading objects only (with a peek at the header). Used by `group_files` and `abe_files`.

use core::fmt;
use core::marker::PhantomData;
use std::io;

use serde::de::value::MapAccessDeserializer;
use serde::de::{MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use zeroize::{Zeroize, Zeroizing};

/// A `type` found in a file, as an error quotes it: at most 64 characters, control
/// characters escaped (so that it cannot forge a line or drive the terminal).
pub fn shown_type(kind: &str) -> String {
    kind.chars()
        .take(64)
        .map(|c| {
            if c.is_control() {
                c.escape_debug().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

/// A public document: pretty JSON with a final newline.
pub(crate) fn render<D: Serialize>(doc: &D) -> String {
    // Invariant: the document structs hold strings, integers, options and lists of strings or
    // of structs of those, which always serialize.
    let mut json = serde_json::to_string_pretty(doc).unwrap_or_default();
    json.push('\n');
    json
}

/// A secret document: as [`render`], written into one buffer of the final size, so that no
/// reallocation leaves a copy of the secret in freed memory.
pub(crate) fn render_secret<D: Serialize>(doc: &D) -> Zeroizing<String> {
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

/// The header of a document; every other field is skipped.
#[derive(Deserialize)]
pub(crate) struct Peek {
    pub(crate) version: Option<serde_json::Value>,
    #[serde(rename = "type")]
    pub(crate) kind: Option<serde_json::Value>,
}

/// A struct read only from a JSON object (serde's derive also takes an array of the field
/// values, which is not our format).
pub(crate) struct Object<T>(pub(crate) T);

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
