//! The parser: recursive descent over the lexer's tokens, with the nesting depth checked before
//! every descent (so at most `3 * MAX_DEPTH` stack frames, never an overflow) and the leaves
//! counted as they are read.

use super::lexer::{Lexer, Tok, Token};
use super::{Expected, Node, PolicyError, PolicyErrorKind, Span, MAX_DEPTH, MAX_LEAVES};

/// Parses `text` (already checked against `MAX_POLICY_LEN`) into a normalized tree.
pub(crate) fn parse(text: &str) -> Result<Node, PolicyError> {
    let mut lexer = Lexer::new(text);
    let current = lexer.next_token()?;
    if matches!(current.tok, Tok::End) {
        return Err(PolicyError::new(current.span.start, PolicyErrorKind::Empty));
    }
    let mut parser = Parser {
        lexer,
        current,
        depth: 0,
        leaves: 0,
    };
    let (root, _) = parser.or_expr()?;
    parser.expect_end()?;
    Ok(root)
}

struct Parser<'a> {
    lexer: Lexer<'a>,
    /// The next token, not yet consumed.
    current: Token,
    /// Open parentheses (of groups and of thresholds' lists).
    depth: usize,
    leaves: usize,
}

impl Parser<'_> {
    /// Consumes the current token and reads the next one.
    fn bump(&mut self) -> Result<Token, PolicyError> {
        let next = self.lexer.next_token()?;
        Ok(core::mem::replace(&mut self.current, next))
    }

    /// An error for the current token, which is not what the grammar allows.
    fn unexpected(&self, expected: Expected) -> PolicyError {
        let kind = match self.current.tok {
            Tok::End => PolicyErrorKind::UnexpectedEnd { expected },
            ref other => PolicyErrorKind::UnexpectedToken {
                expected,
                found: other.kind(),
            },
        };
        PolicyError::new(self.current.span.start, kind)
    }

    fn expect_end(&self) -> Result<(), PolicyError> {
        match self.current.tok {
            Tok::End => Ok(()),
            _ => Err(self.unexpected(Expected::OperatorOrEnd)),
        }
    }

    /// Opens a parenthesis at `position`, refusing one level too deep.
    fn enter(&mut self, position: usize) -> Result<(), PolicyError> {
        if self.depth == MAX_DEPTH {
            return Err(PolicyError::new(position, PolicyErrorKind::TooDeep));
        }
        self.depth += 1;
        Ok(())
    }

    /// `or_expr = and_expr { "or" and_expr }`. Returns the node and the bytes it spans
    /// (including the parentheses of a parenthesized operand).
    fn or_expr(&mut self) -> Result<(Node, Span), PolicyError> {
        let (first, mut extent) = self.and_expr()?;
        if !matches!(self.current.tok, Tok::Or) {
            return Ok((first, extent));
        }
        let mut children = vec![first];
        while matches!(self.current.tok, Tok::Or) {
            self.bump()?;
            let (child, child_extent) = self.and_expr()?;
            extent.end = child_extent.end;
            children.push(child);
        }
        Ok((Node::or(children, extent), extent))
    }

    /// `and_expr = operand { "and" operand }`.
    fn and_expr(&mut self) -> Result<(Node, Span), PolicyError> {
        let (first, mut extent) = self.operand()?;
        if !matches!(self.current.tok, Tok::And) {
            return Ok((first, extent));
        }
        let mut children = vec![first];
        while matches!(self.current.tok, Tok::And) {
            self.bump()?;
            let (child, child_extent) = self.operand()?;
            extent.end = child_extent.end;
            children.push(child);
        }
        Ok((Node::and(children, extent), extent))
    }

    /// `operand = attribute | "(" or_expr ")" | threshold`.
    fn operand(&mut self) -> Result<(Node, Span), PolicyError> {
        match self.current.tok {
            Tok::Attribute(_) => {
                if self.leaves == MAX_LEAVES {
                    return Err(PolicyError::new(
                        self.current.span.start,
                        PolicyErrorKind::TooManyLeaves,
                    ));
                }
                self.leaves += 1;
                let token = self.bump()?;
                match token.tok {
                    Tok::Attribute(attribute) => Ok((
                        Node::Leaf {
                            attribute,
                            span: token.span,
                        },
                        token.span,
                    )),
                    // Never taken: the token was matched as an attribute above.
                    _ => Err(PolicyError::new(
                        token.span.start,
                        PolicyErrorKind::UnexpectedToken {
                            expected: Expected::Operand,
                            found: token.tok.kind(),
                        },
                    )),
                }
            }
            Tok::LeftParen => {
                self.enter(self.current.span.start)?;
                let open = self.bump()?;
                let (node, _) = self.or_expr()?;
                if !matches!(self.current.tok, Tok::RightParen) {
                    return Err(self.unexpected(Expected::OperatorOrRightParen));
                }
                let close = self.bump()?;
                self.depth -= 1;
                Ok((
                    node,
                    Span {
                        start: open.span.start,
                        end: close.span.end,
                    },
                ))
            }
            Tok::Number => self.threshold(),
            _ => Err(self.unexpected(Expected::Operand)),
        }
    }

    /// `threshold = number "of" "(" or_expr { "," or_expr } ")"`, with `1 <= K <= N`.
    fn threshold(&mut self) -> Result<(Node, Span), PolicyError> {
        let number = self.bump()?;
        let k = self.threshold_value(number.span)?;
        if !matches!(self.current.tok, Tok::Of) {
            return Err(self.unexpected(Expected::Of));
        }
        self.bump()?;
        if !matches!(self.current.tok, Tok::LeftParen) {
            return Err(self.unexpected(Expected::LeftParen));
        }
        self.enter(self.current.span.start)?;
        self.bump()?;
        let mut children = Vec::new();
        loop {
            let (child, _) = self.or_expr()?;
            children.push(child);
            match self.current.tok {
                Tok::Comma => {
                    self.bump()?;
                }
                Tok::RightParen => break,
                _ => return Err(self.unexpected(Expected::OperatorCommaOrRightParen)),
            }
        }
        let close = self.bump()?;
        self.depth -= 1;
        let n = children.len();
        if k == 0 || k > n {
            return Err(PolicyError::new(
                number.span.start,
                PolicyErrorKind::ThresholdOutOfRange { k, n },
            ));
        }
        let span = Span {
            start: number.span.start,
            end: close.span.end,
        };
        Ok((Node::threshold(k, children, span), span))
    }

    /// The value of the threshold number at `span`: decimal, no leading zeros, at most
    /// `MAX_LEAVES` (a larger one could never be in range).
    fn threshold_value(&self, span: Span) -> Result<usize, PolicyError> {
        let digits = self.lexer.slice(span);
        let invalid = PolicyError::new(span.start, PolicyErrorKind::InvalidThreshold);
        if (digits.len() > 1 && digits.starts_with('0')) || digits.len() > 4 {
            return Err(invalid);
        }
        match digits.parse::<usize>() {
            Ok(k) if k <= MAX_LEAVES => Ok(k),
            _ => Err(invalid),
        }
    }
}
