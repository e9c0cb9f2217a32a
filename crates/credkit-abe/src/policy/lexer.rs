//! The lexer: policy text to tokens with byte spans. It never panics and reads every byte at
//! most twice, whatever the input.

use super::attribute::check_namespace;
use super::{
    Attribute, AttributeIssue, PolicyError, PolicyErrorKind, Span, TokenKind, MAX_VALUE_LEN,
};

/// A token.
#[derive(Debug)]
pub(crate) enum Tok {
    LeftParen,
    RightParen,
    Comma,
    And,
    Or,
    Of,
    /// A run of ASCII digits (the parser checks it as a threshold).
    Number,
    Attribute(Attribute),
    Word,
    End,
}

impl Tok {
    /// The kind named in errors (`End` has none: it is reported as `UnexpectedEnd`).
    pub(crate) fn kind(&self) -> TokenKind {
        match self {
            Tok::LeftParen => TokenKind::LeftParen,
            Tok::RightParen => TokenKind::RightParen,
            Tok::Comma => TokenKind::Comma,
            Tok::And => TokenKind::And,
            Tok::Or => TokenKind::Or,
            Tok::Of => TokenKind::Of,
            Tok::Number => TokenKind::Number,
            Tok::Attribute(_) => TokenKind::Attribute,
            Tok::Word | Tok::End => TokenKind::Word,
        }
    }
}

/// A token and the bytes it was read from.
#[derive(Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) span: Span,
}

/// `A-Z a-z 0-9 _ . @ + -`: the bytes of words, namespaces and bare values.
pub(crate) fn is_word_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'@' | b'+' | b'-')
}

/// Whitespace between tokens: space, tab, line feed, carriage return.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// What may follow an attribute: whitespace, `(`, `)`, `,` (or the end of the text).
fn is_delimiter(b: u8) -> bool {
    is_space(b) || matches!(b, b'(' | b')' | b',')
}

pub(crate) struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Lexer<'a> {
    pub(crate) fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    /// The text of a span the lexer returned.
    pub(crate) fn slice(&self, span: Span) -> &'a str {
        self.text.get(span.start..span.end).unwrap_or("")
    }

    fn byte(&self, i: usize) -> Option<u8> {
        self.text.as_bytes().get(i).copied()
    }

    /// The character at byte `i` (a character boundary), or a space past the end.
    fn char_at(&self, i: usize) -> char {
        self.text
            .get(i..)
            .and_then(|rest| rest.chars().next())
            .unwrap_or(' ')
    }

    pub(crate) fn next_token(&mut self) -> Result<Token, PolicyError> {
        while self.byte(self.pos).is_some_and(is_space) {
            self.pos += 1;
        }
        let start = self.pos;
        let tok = match self.byte(start) {
            None => Tok::End,
            Some(b'(') => Tok::LeftParen,
            Some(b')') => Tok::RightParen,
            Some(b',') => Tok::Comma,
            Some(b) if is_word_byte(b) => return self.word(start),
            Some(_) => {
                return Err(PolicyError::new(
                    start,
                    PolicyErrorKind::UnexpectedCharacter {
                        found: self.char_at(start),
                    },
                ))
            }
        };
        if !matches!(tok, Tok::End) {
            self.pos += 1;
        }
        Ok(Token {
            tok,
            span: Span {
                start,
                end: self.pos,
            },
        })
    }

    /// A keyword, a number, a word, or (when a `:` follows the run) an attribute.
    fn word(&mut self, start: usize) -> Result<Token, PolicyError> {
        let mut end = start;
        while self.byte(end).is_some_and(is_word_byte) {
            end += 1;
        }
        let tok = if self.byte(end) == Some(b':') {
            Tok::Attribute(self.attribute(start, end)?)
        } else {
            self.pos = end;
            match &self.text[start..end] {
                "and" => Tok::And,
                "or" => Tok::Or,
                "of" => Tok::Of,
                digits if digits.bytes().all(|b| b.is_ascii_digit()) => Tok::Number,
                _ => Tok::Word,
            }
        };
        Ok(Token {
            tok,
            span: Span {
                start,
                end: self.pos,
            },
        })
    }

    /// The attribute whose namespace is `start..colon`; leaves `pos` after its value.
    fn attribute(&mut self, start: usize, colon: usize) -> Result<Attribute, PolicyError> {
        let namespace = &self.text[start..colon];
        check_namespace(namespace, start)?;
        let value_start = colon + 1;
        let value = if self.byte(value_start) == Some(b'"') {
            let value = self.quoted(value_start)?;
            if let Some(b) = self.byte(self.pos).filter(|&b| !is_delimiter(b)) {
                let found = if b.is_ascii() {
                    b as char
                } else {
                    self.char_at(self.pos)
                };
                return Err(PolicyError::new(
                    self.pos,
                    PolicyErrorKind::UnexpectedCharacter { found },
                ));
            }
            value
        } else {
            let mut end = value_start;
            while self.byte(end).is_some_and(is_word_byte) {
                end += 1;
            }
            if self.byte(end).is_some_and(|b| !is_delimiter(b)) {
                return Err(PolicyError::attribute(
                    end,
                    AttributeIssue::UnquotedCharacter,
                ));
            }
            if end == value_start {
                return Err(PolicyError::attribute(
                    value_start,
                    AttributeIssue::EmptyValue,
                ));
            }
            if end - value_start > MAX_VALUE_LEN {
                return Err(PolicyError::attribute(
                    value_start,
                    AttributeIssue::ValueTooLong,
                ));
            }
            self.pos = end;
            self.text[value_start..end].to_owned()
        };
        Ok(Attribute::from_checked(namespace.to_owned(), value))
    }

    /// The value of the quoted string opening at `open`, unescaped; leaves `pos` after the
    /// closing quote.
    fn quoted(&mut self, open: usize) -> Result<String, PolicyError> {
        let mut value = String::new();
        let mut i = open + 1;
        loop {
            let Some(c) = self.text.get(i..).and_then(|rest| rest.chars().next()) else {
                return Err(PolicyError::new(open, PolicyErrorKind::UnterminatedString));
            };
            match c {
                '"' => break,
                '\\' => {
                    match self.byte(i + 1) {
                        Some(b'"') => value.push('"'),
                        Some(b'\\') => value.push('\\'),
                        None => {
                            return Err(PolicyError::new(open, PolicyErrorKind::UnterminatedString))
                        }
                        Some(_) => {
                            return Err(PolicyError::attribute(i, AttributeIssue::InvalidEscape))
                        }
                    }
                    i += 2;
                }
                c if c.is_control() => {
                    return Err(PolicyError::attribute(i, AttributeIssue::ControlCharacter))
                }
                c => {
                    value.push(c);
                    i += c.len_utf8();
                }
            }
        }
        if value.is_empty() {
            return Err(PolicyError::attribute(open, AttributeIssue::EmptyValue));
        }
        if value.len() > MAX_VALUE_LEN {
            return Err(PolicyError::attribute(open, AttributeIssue::ValueTooLong));
        }
        self.pos = i + 1;
        Ok(value)
    }
}
