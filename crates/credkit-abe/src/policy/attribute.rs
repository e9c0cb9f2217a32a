//! Attributes: `namespace:value`, with one canonical byte form.

use core::fmt;
use core::str::FromStr;
use std::collections::HashMap;

use super::lexer::{is_word_byte, Lexer, Tok};
use super::{AttributeIssue, Expected, PolicyError, PolicyErrorKind, MAX_LEAVES, MAX_POLICY_LEN};

/// The longest namespace, in bytes.
pub const MAX_NAMESPACE_LEN: usize = 64;
/// The longest value, in bytes of UTF-8 (after unescaping a quoted value).
pub const MAX_VALUE_LEN: usize = 256;

/// An attribute `namespace:value`: `role:cardiologist`, `hospital:H1`, `unit:"ward 3"`.
///
/// - The namespace is a lowercase ASCII letter followed by up to 63 of `a-z 0-9 _ -`.
/// - The value is 1 to 256 bytes of UTF-8 without control characters. Written bare when every
///   character is one of `A-Z a-z 0-9 _ . @ + -`, otherwise in double quotes, with `\"` and
///   `\\` the only escapes. Values are compared byte by byte: no case folding, no Unicode
///   normalization (`"é"` precomposed and decomposed are two attributes).
///
/// The canonical form ([`Display`](fmt::Display), [`to_bytes`](Self::to_bytes)) quotes the
/// value only when it must, so one attribute has exactly one byte form: `role:"x"` and
/// `role:x` are the same attribute, written `role:x`. FABEO hashes this form to G1.
///
/// Every canonical form starts with a lowercase letter and contains a `:`, so a label that
/// does neither (an empty string, an uppercase first letter) can never equal an attribute.
///
/// ```
/// use credkit_abe::policy::{Attribute, AttributeIssue, PolicyErrorKind};
///
/// let a: Attribute = "unit:\"ward 3\"".parse()?;
/// assert_eq!((a.namespace(), a.value()), ("unit", "ward 3"));
/// assert_eq!(a.to_bytes(), b"unit:\"ward 3\"");
/// assert_eq!("role:\"x\"".parse::<Attribute>()?, Attribute::new("role", "x")?);
/// assert_eq!(Attribute::new("role", "x")?.to_string(), "role:x");
///
/// let err = "Role:x".parse::<Attribute>().unwrap_err();
/// assert_eq!(err.kind, PolicyErrorKind::InvalidAttribute(AttributeIssue::InvalidNamespace));
/// assert_eq!(err.position, 0);
/// # Ok::<(), credkit_abe::policy::PolicyError>(())
/// ```
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Attribute {
    namespace: String,
    value: String,
}

impl Attribute {
    /// The attribute `namespace:value`, checked. Error positions are byte offsets into
    /// `namespace:value` written out without quotes.
    pub fn new(namespace: &str, value: &str) -> Result<Self, PolicyError> {
        check_namespace(namespace, 0)?;
        let value_start = namespace.len() + 1;
        if value.is_empty() {
            return Err(PolicyError::attribute(
                value_start,
                AttributeIssue::EmptyValue,
            ));
        }
        if let Some((i, _)) = value.char_indices().find(|(_, c)| c.is_control()) {
            return Err(PolicyError::attribute(
                value_start + i,
                AttributeIssue::ControlCharacter,
            ));
        }
        if value.len() > MAX_VALUE_LEN {
            return Err(PolicyError::attribute(
                value_start,
                AttributeIssue::ValueTooLong,
            ));
        }
        Ok(Self::from_checked(namespace.to_owned(), value.to_owned()))
    }

    /// An attribute whose parts the lexer has already checked.
    pub(crate) fn from_checked(namespace: String, value: String) -> Self {
        Self { namespace, value }
    }

    /// The namespace (`role` in `role:nurse`).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The value, unquoted and unescaped (`ward 3` in `unit:"ward 3"`).
    pub fn value(&self) -> &str {
        &self.value
    }

    /// The canonical form as UTF-8 bytes: what FABEO hashes to G1.
    pub fn to_bytes(&self) -> Vec<u8> {
        self.to_string().into_bytes()
    }

    /// A comma-separated list of attributes, as given to key generation:
    /// `role:cardiologist, hospital:H1, unit:"ward 3"`. Whitespace around the commas is free;
    /// an empty list, a trailing comma, more than [`MAX_LEAVES`] attributes and an attribute
    /// listed twice are errors.
    ///
    /// ```
    /// use credkit_abe::policy::{Attribute, PolicyErrorKind};
    ///
    /// let key = Attribute::parse_list("role:nurse, unit:\"ward 3\"")?;
    /// assert_eq!(key, [Attribute::new("role", "nurse")?, Attribute::new("unit", "ward 3")?]);
    ///
    /// let err = Attribute::parse_list("role:nurse, role:\"nurse\"").unwrap_err();
    /// assert_eq!(err.position, 12);
    /// assert!(matches!(err.kind, PolicyErrorKind::DuplicateAttribute { first_position: 0, .. }));
    /// # Ok::<(), credkit_abe::policy::PolicyError>(())
    /// ```
    pub fn parse_list(text: &str) -> Result<Vec<Attribute>, PolicyError> {
        if text.len() > MAX_POLICY_LEN {
            return Err(PolicyError::new(MAX_POLICY_LEN, PolicyErrorKind::TooLong));
        }
        let mut lexer = Lexer::new(text);
        let mut list = Vec::new();
        let mut first_use: HashMap<Attribute, usize> = HashMap::new();
        loop {
            let token = lexer.next_token()?;
            let start = token.span.start;
            match token.tok {
                Tok::Attribute(attribute) => {
                    if list.len() == MAX_LEAVES {
                        return Err(PolicyError::new(start, PolicyErrorKind::TooManyLeaves));
                    }
                    if let Some(&first_position) = first_use.get(&attribute) {
                        return Err(PolicyError::new(
                            start,
                            PolicyErrorKind::DuplicateAttribute {
                                attribute,
                                first_position,
                            },
                        ));
                    }
                    first_use.insert(attribute.clone(), start);
                    list.push(attribute);
                }
                Tok::End if list.is_empty() => {
                    return Err(PolicyError::new(start, PolicyErrorKind::Empty))
                }
                Tok::End => {
                    return Err(PolicyError::new(
                        start,
                        PolicyErrorKind::UnexpectedEnd {
                            expected: Expected::Attribute,
                        },
                    ))
                }
                Tok::Word | Tok::And | Tok::Or | Tok::Of | Tok::Number => {
                    return Err(PolicyError::attribute(
                        start,
                        AttributeIssue::NotAnAttribute,
                    ))
                }
                other => {
                    return Err(PolicyError::new(
                        start,
                        PolicyErrorKind::UnexpectedToken {
                            expected: Expected::Attribute,
                            found: other.kind(),
                        },
                    ))
                }
            }
            let token = lexer.next_token()?;
            match token.tok {
                Tok::End => return Ok(list),
                Tok::Comma => {}
                other => {
                    return Err(PolicyError::new(
                        token.span.start,
                        PolicyErrorKind::UnexpectedToken {
                            expected: Expected::CommaOrEnd,
                            found: other.kind(),
                        },
                    ))
                }
            }
        }
    }
}

/// Checks a namespace that starts at byte `start` of the text.
pub(crate) fn check_namespace(namespace: &str, start: usize) -> Result<(), PolicyError> {
    let bad = namespace.bytes().enumerate().find(|&(i, b)| {
        let allowed = if i == 0 {
            b.is_ascii_lowercase()
        } else {
            b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
        };
        !allowed || i >= MAX_NAMESPACE_LEN
    });
    match (namespace.is_empty(), bad) {
        (true, _) => Err(PolicyError::attribute(
            start,
            AttributeIssue::InvalidNamespace,
        )),
        (false, Some((i, _))) => Err(PolicyError::attribute(
            start + i,
            AttributeIssue::InvalidNamespace,
        )),
        (false, None) => Ok(()),
    }
}

impl fmt::Display for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.namespace)?;
        f.write_str(":")?;
        if self.value.bytes().all(is_word_byte) {
            return f.write_str(&self.value);
        }
        f.write_str("\"")?;
        for c in self.value.chars() {
            if c == '"' || c == '\\' {
                f.write_str("\\")?;
            }
            fmt::Write::write_char(f, c)?;
        }
        f.write_str("\"")
    }
}

impl fmt::Debug for Attribute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Attribute({self})")
    }
}

impl FromStr for Attribute {
    type Err = PolicyError;

    /// Exactly one attribute, in bare or quoted form, with nothing around it (no whitespace).
    fn from_str(text: &str) -> Result<Self, PolicyError> {
        if text.is_empty() {
            return Err(PolicyError::new(0, PolicyErrorKind::Empty));
        }
        let mut lexer = Lexer::new(text);
        let token = lexer.next_token()?;
        if token.span.start != 0 {
            // Leading whitespace.
            return Err(PolicyError::new(
                0,
                PolicyErrorKind::UnexpectedCharacter {
                    found: text.chars().next().unwrap_or(' '),
                },
            ));
        }
        match token.tok {
            Tok::Attribute(attribute) if token.span.end == text.len() => Ok(attribute),
            Tok::Attribute(_) => Err(PolicyError::new(
                token.span.end,
                PolicyErrorKind::UnexpectedCharacter {
                    found: text
                        .get(token.span.end..)
                        .and_then(|rest| rest.chars().next())
                        .unwrap_or(' '),
                },
            )),
            _ => Err(PolicyError::attribute(0, AttributeIssue::NotAnAttribute)),
        }
    }
}
