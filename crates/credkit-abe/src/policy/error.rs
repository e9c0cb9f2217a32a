//! The errors of the policy language: every one carries the byte offset where it was found.

use super::Attribute;

/// A policy, attribute or attribute list that does not parse or cannot be used, and where.
///
/// Every variant of [`PolicyErrorKind`] can be triggered by untrusted text; none is a bug. The
/// position is a byte offset into the text that was parsed (for [`Attribute::new`], into
/// `namespace:value` written out without quotes).
///
/// ```
/// use credkit_abe::policy::{Expected, Policy, PolicyErrorKind, TokenKind};
///
/// let err = Policy::parse("2 of (role:nurse, unit:icu and)").unwrap_err();
/// assert_eq!(err.position, 30);
/// assert_eq!(
///     err.kind,
///     PolicyErrorKind::UnexpectedToken { expected: Expected::Operand, found: TokenKind::RightParen }
/// );
/// assert_eq!(
///     err.to_string(),
///     "at byte 30: expected an attribute, '(' or 'K of (...)' but found ')'"
/// );
/// ```
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("at byte {position}: {kind}")]
pub struct PolicyError {
    /// Byte offset of the problem in the parsed text.
    pub position: usize,
    /// What is wrong there.
    pub kind: PolicyErrorKind,
}

impl PolicyError {
    pub(crate) fn new(position: usize, kind: PolicyErrorKind) -> Self {
        Self { position, kind }
    }

    pub(crate) fn attribute(position: usize, issue: AttributeIssue) -> Self {
        Self::new(position, PolicyErrorKind::InvalidAttribute(issue))
    }
}

/// What is wrong with a policy (see [`PolicyError`] for where).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyErrorKind {
    // ---- syntax ----
    /// No policy at all: the text is empty or only whitespace.
    #[error("the policy is empty")]
    Empty,
    /// A character that starts no token (`!`, `&`, a quote without a namespace, non-ASCII
    /// outside quotes), or one glued to the end of a quoted value.
    #[error("unexpected character {found:?}")]
    UnexpectedCharacter {
        /// The character.
        found: char,
    },
    /// A token where another was expected.
    #[error("expected {expected} but found {found}")]
    UnexpectedToken {
        /// What the grammar allows here.
        expected: Expected,
        /// What the text has.
        found: TokenKind,
    },
    /// The text ended where the grammar needs more.
    #[error("expected {expected} but the text ended")]
    UnexpectedEnd {
        /// What the grammar needs here.
        expected: Expected,
    },
    /// A malformed `namespace:value` attribute.
    #[error("{0}")]
    InvalidAttribute(AttributeIssue),
    /// A quoted value without its closing `"` (the position is the opening quote).
    #[error("unterminated quoted value")]
    UnterminatedString,
    /// A threshold `K` with a leading zero or above [`MAX_LEAVES`](super::MAX_LEAVES) (so never
    /// in range).
    #[error("a threshold is a decimal number from 1 to 1024 without leading zeros")]
    InvalidThreshold,

    // ---- meaning ----
    /// `K of (...)` with `K` outside `1..=N` for its `N` children (the position is `K`).
    #[error("threshold {k} of {n}: K must be between 1 and the number of children, {n}")]
    ThresholdOutOfRange {
        /// The threshold.
        k: usize,
        /// The number of children.
        n: usize,
    },
    /// An attribute used twice (the position is the second use). FABEO with a single `s'`
    /// would leak the difference of the two rows' shares, so such policies are refused until
    /// the scheme's reuse-safe variant is implemented.
    #[error(
        "attribute {attribute} is used twice (first at byte {first_position}); \
         a policy may use each attribute only once"
    )]
    DuplicateAttribute {
        /// The attribute, in canonical form.
        attribute: Attribute,
        /// Byte offset of its first use.
        first_position: usize,
    },

    // ---- limits (hostile input stays cheap) ----
    /// Longer than [`MAX_POLICY_LEN`](super::MAX_POLICY_LEN) bytes, as written or in canonical
    /// form.
    #[error(
        "longer than {} bytes (as written or in canonical form)",
        super::MAX_POLICY_LEN
    )]
    TooLong,
    /// More than [`MAX_LEAVES`](super::MAX_LEAVES) attributes (the position is the first one
    /// too many).
    #[error("more than {} attributes", super::MAX_LEAVES)]
    TooManyLeaves,
    /// Parentheses and thresholds nested more than [`MAX_DEPTH`](super::MAX_DEPTH) deep (the
    /// position is the `(` one level too deep).
    #[error("nested more than {} levels deep", super::MAX_DEPTH)]
    TooDeep,
}

/// What is wrong with one `namespace:value` attribute.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AttributeIssue {
    /// A word with no `:` where an attribute was expected (only in attribute lists and
    /// [`Attribute::from_str`](core::str::FromStr::from_str); in a policy such a word is a
    /// [`TokenKind::Word`]).
    #[error("an attribute is written namespace:value")]
    NotAnAttribute,
    /// The namespace is not a lowercase ASCII letter followed by up to 63 of `a-z 0-9 _ -`
    /// (the position is the first offending byte).
    #[error("a namespace is a lowercase letter followed by up to 63 of a-z, 0-9, '_' and '-'")]
    InvalidNamespace,
    /// `namespace:` with nothing after it, or `namespace:""`.
    #[error("the value is empty")]
    EmptyValue,
    /// A value longer than [`MAX_VALUE_LEN`](super::MAX_VALUE_LEN) bytes (after unescaping).
    #[error("the value is longer than {} bytes", super::MAX_VALUE_LEN)]
    ValueTooLong,
    /// A character outside `A-Z a-z 0-9 _ . @ + -` in an unquoted value.
    #[error("a value with characters other than A-Z, a-z, 0-9, '_', '.', '@', '+' and '-' must be quoted")]
    UnquotedCharacter,
    /// A backslash in a quoted value followed by something other than `"` or `\`.
    #[error("only \\\" and \\\\ are escapes in a quoted value")]
    InvalidEscape,
    /// A control character (tab, newline, U+0000-U+001F, U+007F-U+009F) in a value.
    #[error("a value may not contain control characters")]
    ControlCharacter,
}

/// What the parser expected, in a [`PolicyErrorKind::UnexpectedToken`] or
/// [`PolicyErrorKind::UnexpectedEnd`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expected {
    /// The start of an operand: an attribute, `(` or a threshold `K of (...)`.
    Operand,
    /// `of`, after a threshold's `K`.
    Of,
    /// `(`, after `K of`.
    LeftParen,
    /// `and`, `or` or the `)` that closes a group.
    OperatorOrRightParen,
    /// `and`, `or`, `,` or the `)` that closes a threshold's list.
    OperatorCommaOrRightParen,
    /// `and`, `or` or the end of the policy.
    OperatorOrEnd,
    /// An attribute, in an attribute list.
    Attribute,
    /// `,` or the end of an attribute list.
    CommaOrEnd,
}

impl core::fmt::Display for Expected {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            Expected::Operand => "an attribute, '(' or 'K of (...)'",
            Expected::Of => "'of'",
            Expected::LeftParen => "'('",
            Expected::OperatorOrRightParen => "'and', 'or' or ')'",
            Expected::OperatorCommaOrRightParen => "'and', 'or', ',' or ')'",
            Expected::OperatorOrEnd => "'and', 'or' or the end of the policy",
            Expected::Attribute => "an attribute",
            Expected::CommaOrEnd => "',' or the end of the list",
        })
    }
}

/// A token the parser found where it expected another.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenKind {
    /// `and`.
    And,
    /// `or`.
    Or,
    /// `of`.
    Of,
    /// `(`.
    LeftParen,
    /// `)`.
    RightParen,
    /// `,`.
    Comma,
    /// A `namespace:value` attribute.
    Attribute,
    /// A threshold number.
    Number,
    /// A word that is neither a keyword, a number nor an attribute (`AND`, `admin`, `2of`).
    Word,
}

impl core::fmt::Display for TokenKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TokenKind::And => "'and'",
            TokenKind::Or => "'or'",
            TokenKind::Of => "'of'",
            TokenKind::LeftParen => "'('",
            TokenKind::RightParen => "')'",
            TokenKind::Comma => "','",
            TokenKind::Attribute => "an attribute",
            TokenKind::Number => "a number",
            TokenKind::Word => {
                "a word that is no keyword, number or attribute (keywords are lowercase; \
                 attributes are namespace:value)"
            }
        })
    }
}
