//! Attribute values and their encoding as BBS messages.

use core::fmt;

use serde_json::{Map, Value};

use super::document::{b64, unb64, UniqueMap};
use super::schema::{AttributeType, Schema};
use crate::Error;

/// A calendar date of the proleptic Gregorian calendar, years 0000 to 9999.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// A date from its parts, if it exists.
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (year <= 9999 && (1..=days_in_month).contains(&day)).then_some(Date { year, month, day })
    }

    /// Parses exactly `YYYY-MM-DD`.
    pub fn parse(text: &str) -> Option<Date> {
        let b = text.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |range: core::ops::Range<usize>| -> Option<u16> {
            b[range].iter().try_fold(0u16, |acc, &c| {
                c.is_ascii_digit().then(|| acc * 10 + u16::from(c - b'0'))
            })
        };
        Date::new(digits(0..4)?, digits(5..7)? as u8, digits(8..10)? as u8)
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`.
    pub fn days_since_epoch(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// The value of one attribute.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AttributeValue {
    /// UTF-8 text.
    String(String),
    /// A signed 64-bit integer.
    Integer(i64),
    /// A calendar date.
    Date(Date),
    /// A boolean.
    Boolean(bool),
    /// Raw bytes.
    Bytes(Vec<u8>),
}

impl AttributeValue {
    /// The type of this value.
    pub fn kind(&self) -> AttributeType {
        match self {
            AttributeValue::String(_) => AttributeType::String,
            AttributeValue::Integer(_) => AttributeType::Integer,
            AttributeValue::Date(_) => AttributeType::Date,
            AttributeValue::Boolean(_) => AttributeType::Boolean,
            AttributeValue::Bytes(_) => AttributeType::Bytes,
        }
    }

    /// The BBS message of this value: its type's tag byte, then
    ///
    /// - string: the UTF-8 bytes;
    /// - integer: `I2OSP(v + 2^63, 8)` (the integer offset to unsigned, so order is kept);
    /// - date: `I2OSP(days since 1970-01-01 + 2^63, 8)`;
    /// - boolean: `0x00` or `0x01`;
    /// - bytes: the bytes.
    ///
    /// The tag keeps values of different types apart; a schema fixes the type of each position.
    pub fn to_message(&self) -> Vec<u8> {
        let offset = |v: i64| ((v as u64) ^ (1 << 63)).to_be_bytes();
        let mut m = vec![self.kind().tag()];
        match self {
            AttributeValue::String(s) => m.extend_from_slice(s.as_bytes()),
            AttributeValue::Integer(v) => m.extend_from_slice(&offset(*v)),
            AttributeValue::Date(d) => m.extend_from_slice(&offset(d.days_since_epoch())),
            AttributeValue::Boolean(b) => m.push(u8::from(*b)),
            AttributeValue::Bytes(b) => m.extend_from_slice(b),
        }
        m
    }

    /// Reads a JSON value as an attribute of type `kind`.
    ///
    /// # Errors
    /// [`Error::AttributeType`] when the JSON type does not fit; [`Error::InvalidDate`].
    pub fn from_json(name: &str, kind: AttributeType, value: &Value) -> Result<Self, Error> {
        let wrong = || Error::AttributeType {
            name: name.to_owned(),
            expected: kind,
        };
        Ok(match kind {
            AttributeType::String => {
                AttributeValue::String(value.as_str().ok_or_else(wrong)?.to_owned())
            }
            AttributeType::Integer => AttributeValue::Integer(value.as_i64().ok_or_else(wrong)?),
            AttributeType::Date => {
                let text = value.as_str().ok_or_else(wrong)?;
                AttributeValue::Date(
                    Date::parse(text).ok_or_else(|| Error::InvalidDate(name.to_owned()))?,
                )
            }
            AttributeType::Boolean => AttributeValue::Boolean(value.as_bool().ok_or_else(wrong)?),
            AttributeType::Bytes => {
                let text = value.as_str().ok_or_else(wrong)?;
                AttributeValue::Bytes(unb64("attribute", text).map_err(|_| wrong())?)
            }
        })
    }

    /// The JSON form of this value.
    pub fn to_json(&self) -> Value {
        match self {
            AttributeValue::String(s) => Value::String(s.clone()),
            AttributeValue::Integer(v) => Value::from(*v),
            AttributeValue::Date(d) => Value::String(d.to_string()),
            AttributeValue::Boolean(b) => Value::Bool(*b),
            AttributeValue::Bytes(b) => Value::String(b64(b)),
        }
    }
}

impl fmt::Display for AttributeValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttributeValue::String(s) => f.write_str(s),
            AttributeValue::Integer(v) => write!(f, "{v}"),
            AttributeValue::Date(d) => write!(f, "{d}"),
            AttributeValue::Boolean(b) => write!(f, "{b}"),
            AttributeValue::Bytes(b) => f.write_str(&b64(b)),
        }
    }
}

/// Named attribute values in schema order: all of a credential's, or the disclosed ones of a
/// presentation.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Attributes(Vec<(String, AttributeValue)>);

impl Attributes {
    /// Reads a JSON object of every attribute of `schema` (any key order).
    ///
    /// # Errors
    /// [`Error::Json`] for bad JSON or a non-object; [`Error::UnknownAttribute`];
    /// [`Error::MissingAttribute`]; the errors of [`AttributeValue::from_json`].
    pub fn from_json(schema: &Schema, json: &str) -> Result<Self, Error> {
        let object: UniqueMap = serde_json::from_str(json).map_err(|e| Error::Json(e.into()))?;
        Self::from_object(schema, &object.0, true)
    }

    /// Reads a JSON object of attributes of `schema`; with `complete`, every attribute must be
    /// there.
    pub(crate) fn from_object(
        schema: &Schema,
        object: &Map<String, Value>,
        complete: bool,
    ) -> Result<Self, Error> {
        if let Some(unknown) = object.keys().find(|k| schema.position(k).is_none()) {
            return Err(Error::UnknownAttribute(unknown.chars().take(64).collect()));
        }
        let mut values = Vec::with_capacity(object.len());
        for def in schema.attributes() {
            match object.get(&def.name) {
                Some(value) => values.push((
                    def.name.clone(),
                    AttributeValue::from_json(&def.name, def.kind, value)?,
                )),
                None if complete => return Err(Error::MissingAttribute(def.name.clone())),
                None => {}
            }
        }
        Ok(Attributes(values))
    }

    /// The JSON object of these attributes.
    pub fn to_object(&self) -> Map<String, Value> {
        self.0
            .iter()
            .map(|(k, v)| (k.clone(), v.to_json()))
            .collect()
    }

    /// Compact JSON of these attributes.
    pub fn to_json(&self) -> String {
        Value::Object(self.to_object()).to_string()
    }

    /// The value of an attribute.
    pub fn get(&self, name: &str) -> Option<&AttributeValue> {
        self.0.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }

    /// The attributes in schema order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &AttributeValue)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The number of attributes.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The attributes at `indexes` (positions in this list), in order.
    pub(crate) fn select(&self, indexes: &[usize]) -> Attributes {
        Attributes(
            indexes
                .iter()
                .filter_map(|&i| self.0.get(i).cloned())
                .collect(),
        )
    }

    /// The BBS messages, in order.
    pub(crate) fn messages(&self) -> Vec<Vec<u8>> {
        self.0.iter().map(|(_, v)| v.to_message()).collect()
    }
}
