//! The policy language and its linear secret-sharing scheme (LSSS).
//!
//! A policy says which attributes a key needs to open a record:
//!
//! ```text
//! role:cardiologist and (hospital:H1 or 2 of (unit:icu, shift:night, clearance:"level 3"))
//! ```
//!
//! - Attributes are `namespace:value` ([`Attribute`]); a value with characters other than
//!   `A-Z a-z 0-9 _ . @ + -` is double-quoted, with `\"` and `\\` as its only escapes.
//! - `or` binds loosest, then `and`; `K of (p1, ..., pN)` with `1 <= K <= N` is a threshold
//!   gate; parentheses group. Keywords are lowercase; whitespace between tokens is free.
//! - Grammar (EBNF, whitespace between tokens omitted):
//!   ```text
//!   policy    = or_expr ;
//!   or_expr   = and_expr , { "or" , and_expr } ;
//!   and_expr  = operand , { "and" , operand } ;
//!   operand   = attribute | "(" , or_expr , ")" | threshold ;
//!   threshold = number , "of" , "(" , or_expr , { "," , or_expr } , ")" ;
//!   ```
//! - Limits that keep hostile input cheap: [`MAX_POLICY_LEN`] bytes, [`MAX_LEAVES`]
//!   attributes, [`MAX_DEPTH`] nested parentheses. The parser reads each byte a bounded number
//!   of times and recurses only after checking the depth: malformed text gets a typed
//!   [`PolicyError`] with its byte position, never a panic (the `abe_policy` fuzz target checks
//!   this).
//! - An attribute may appear only once in a policy ([`PolicyErrorKind::DuplicateAttribute`]):
//!   FABEO with a single `s'` leaks `H(b)^(lambda_i - lambda_j)` for two rows with the same
//!   label.
//!
//! [`Policy::parse`] normalizes as it reads: `a and (b and c)` is one AND of three,
//! `1 of (...)` an OR, `N of (...)` an AND, and a group of one its content. The canonical
//! form ([`Display`](core::fmt::Display)) writes that tree with the fewest parentheses, one
//! space around `and`/`or` and after `,` and `of`, and canonical attributes; it parses back to
//! an equal policy.
//!
//! [`Policy::lsss`] compiles the tree to an LSSS matrix ([`Lsss`]): Lewko-Waters for AND/OR,
//! Vandermonde rows for `K of N`. [`Policy::satisfy`] finds the rows and coefficients that
//! reconstruct the secret from a key's attributes.
//!
//! ```
//! use blstrs::Scalar;
//! use credkit_abe::policy::{Attribute, Policy, PolicyErrorKind};
//! use ff::Field;
//!
//! let policy = Policy::parse(
//!     "role:cardiologist and (hospital:H1 or 2 of (unit:icu, shift:night, clearance:\"level 3\"))",
//! )?;
//! assert_eq!(policy.leaves().len(), 5);
//!
//! // Share a secret s along the matrix: lambda_i = M_i . (s, v_2, ..., v_c).
//! let lsss = policy.lsss();
//! assert_eq!(lsss.len(), 5);
//! let mut rng = rand::thread_rng();
//! let v: Vec<Scalar> = (0..lsss.columns()).map(|_| Scalar::random(&mut rng)).collect();
//! let lambda = lsss.shares(&v).expect("one value per column");
//!
//! // A key with enough attributes recombines s from its rows' shares.
//! let key = Attribute::parse_list("role:cardiologist, unit:icu, clearance:\"level 3\"")?;
//! let w = policy.satisfy(|a| key.contains(a)).expect("the key satisfies the policy");
//! let s: Scalar = w.iter().map(|&(row, w_i)| w_i * lambda[row]).sum();
//! assert_eq!(s, v[0]);
//!
//! // One that lacks them gets nothing.
//! let key = Attribute::parse_list("role:cardiologist, unit:icu")?;
//! assert!(policy.satisfy(|a| key.contains(a)).is_none());
//!
//! // Malformed policies are typed errors with positions.
//! let err = Policy::parse("role:nurse and role:nurse").unwrap_err();
//! assert_eq!(err.position, 15);
//! assert!(matches!(err.kind, PolicyErrorKind::DuplicateAttribute { first_position: 0, .. }));
//! assert_eq!(Policy::parse("(role:nurse").unwrap_err().to_string(),
//!            "at byte 11: expected 'and', 'or' or ')' but the text ended");
//! # Ok::<(), credkit_abe::policy::PolicyError>(())
//! ```

use core::fmt;
use core::str::FromStr;
use std::collections::HashMap;

use blstrs::Scalar;

mod attribute;
mod error;
mod lexer;
mod lsss;
mod parser;

pub use attribute::{Attribute, MAX_NAMESPACE_LEN, MAX_VALUE_LEN};
pub use error::{AttributeIssue, Expected, PolicyError, PolicyErrorKind, TokenKind};
pub use lsss::{Lsss, LsssRow};

/// The longest policy text, in bytes, as written and in canonical form.
pub const MAX_POLICY_LEN: usize = 64 * 1024;
/// The most attributes (leaves, LSSS rows) in one policy.
pub const MAX_LEAVES: usize = 1024;
/// The deepest nesting of parentheses (groups and thresholds' lists).
pub const MAX_DEPTH: usize = 64;

/// Bytes `start..end` of the parsed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Span {
    /// Offset of the first byte.
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

/// A node of a parsed policy, with the bytes of the text it was read from.
///
/// Trees inside a [`Policy`] are normalized: AND and OR have at least two children and no
/// child of their own kind, thresholds have `2 <= k < children.len()`.
///
/// Equality compares the structure and the attributes, not the spans.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Node {
    /// An attribute (a row of the LSSS).
    Leaf {
        /// The attribute.
        attribute: Attribute,
        /// Where it was written.
        span: Span,
    },
    /// All children.
    And {
        /// The children, in text order.
        children: Vec<Node>,
        /// From the first child to the last (parentheses around them included).
        span: Span,
    },
    /// Any child.
    Or {
        /// The children, in text order.
        children: Vec<Node>,
        /// From the first child to the last (parentheses around them included).
        span: Span,
    },
    /// At least `k` children.
    Threshold {
        /// How many children must be satisfied.
        k: usize,
        /// The children, in text order (child `i`, from 1, is the Shamir point `x = i`).
        children: Vec<Node>,
        /// From `k` to the closing parenthesis.
        span: Span,
    },
}

impl Node {
    /// The bytes of the text this node was read from.
    pub fn span(&self) -> Span {
        match self {
            Node::Leaf { span, .. }
            | Node::And { span, .. }
            | Node::Or { span, .. }
            | Node::Threshold { span, .. } => *span,
        }
    }

    /// The children (none for a leaf).
    pub fn children(&self) -> &[Node] {
        match self {
            Node::Leaf { .. } => &[],
            Node::And { children, .. }
            | Node::Or { children, .. }
            | Node::Threshold { children, .. } => children,
        }
    }

    /// An OR, its OR children merged into it.
    fn or(children: Vec<Node>, span: Span) -> Node {
        let mut flat = Vec::with_capacity(children.len());
        for child in children {
            match child {
                Node::Or { children, .. } => flat.extend(children),
                other => flat.push(other),
            }
        }
        Node::Or {
            children: flat,
            span,
        }
    }

    /// An AND, its AND children merged into it.
    fn and(children: Vec<Node>, span: Span) -> Node {
        let mut flat = Vec::with_capacity(children.len());
        for child in children {
            match child {
                Node::And { children, .. } => flat.extend(children),
                other => flat.push(other),
            }
        }
        Node::And {
            children: flat,
            span,
        }
    }

    /// `k of (children)` with `1 <= k <= n` (checked by the parser): `1 of (x)` is `x`,
    /// `1 of (...)` an OR, `n of (...)` an AND.
    fn threshold(k: usize, mut children: Vec<Node>, span: Span) -> Node {
        let n = children.len();
        if n == 1 {
            if let Some(only) = children.pop() {
                return only;
            }
        }
        if k <= 1 {
            Node::or(children, span)
        } else if k >= n {
            Node::and(children, span)
        } else {
            Node::Threshold { k, children, span }
        }
    }

    fn collect_leaves<'a>(&'a self, leaves: &mut Vec<&'a Node>) {
        match self {
            Node::Leaf { .. } => leaves.push(self),
            _ => {
                for child in self.children() {
                    child.collect_leaves(leaves);
                }
            }
        }
    }
}

impl PartialEq for Node {
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Node::Leaf { attribute: a, .. }, Node::Leaf { attribute: b, .. }) => a == b,
            (Node::And { children: a, .. }, Node::And { children: b, .. })
            | (Node::Or { children: a, .. }, Node::Or { children: b, .. }) => a == b,
            (
                Node::Threshold {
                    k: k_a,
                    children: a,
                    ..
                },
                Node::Threshold {
                    k: k_b,
                    children: b,
                    ..
                },
            ) => k_a == k_b && a == b,
            _ => false,
        }
    }
}

impl Eq for Node {}

/// The canonical form of the subtree (see [`Policy`]).
impl fmt::Display for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Node::Leaf { attribute, .. } => write!(f, "{attribute}"),
            Node::And { children, .. } => {
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" and ")?;
                    }
                    if matches!(child, Node::Or { .. }) {
                        write!(f, "({child})")?;
                    } else {
                        write!(f, "{child}")?;
                    }
                }
                Ok(())
            }
            Node::Or { children, .. } => {
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" or ")?;
                    }
                    write!(f, "{child}")?;
                }
                Ok(())
            }
            Node::Threshold { k, children, .. } => {
                write!(f, "{k} of (")?;
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{child}")?;
                }
                f.write_str(")")
            }
        }
    }
}

/// A parsed, checked, normalized policy.
///
/// Invariants: at most [`MAX_LEAVES`] leaves, each attribute at most once, nesting at most
/// [`MAX_DEPTH`] deep, canonical form at most [`MAX_POLICY_LEN`] bytes, and the tree
/// normalized (see [`Node`]). Equality compares trees (not spans): two texts give equal
/// policies exactly when they have the same canonical form.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Policy {
    root: Node,
    leaves: Vec<Attribute>,
}

impl Policy {
    /// Parses and checks a policy (see the [module documentation](self) for the language).
    pub fn parse(text: &str) -> Result<Self, PolicyError> {
        if text.len() > MAX_POLICY_LEN {
            return Err(PolicyError::new(MAX_POLICY_LEN, PolicyErrorKind::TooLong));
        }
        let root = parser::parse(text)?;
        let mut leaf_nodes = Vec::new();
        root.collect_leaves(&mut leaf_nodes);
        let mut first_use: HashMap<&Attribute, usize> = HashMap::with_capacity(leaf_nodes.len());
        let mut leaves = Vec::with_capacity(leaf_nodes.len());
        for leaf in leaf_nodes {
            if let Node::Leaf { attribute, span } = leaf {
                if let Some(&first_position) = first_use.get(attribute) {
                    return Err(PolicyError::new(
                        span.start,
                        PolicyErrorKind::DuplicateAttribute {
                            attribute: attribute.clone(),
                            first_position,
                        },
                    ));
                }
                first_use.insert(attribute, span.start);
                leaves.push(attribute.clone());
            }
        }
        let mut length = CountingWriter(0);
        if fmt::Write::write_fmt(&mut length, format_args!("{root}")).is_err()
            || length.0 > MAX_POLICY_LEN
        {
            return Err(PolicyError::new(0, PolicyErrorKind::TooLong));
        }
        Ok(Self { root, leaves })
    }

    /// The tree.
    pub fn root(&self) -> &Node {
        &self.root
    }

    /// The leaves' attributes in leaf order, which is the order of the LSSS rows.
    pub fn leaves(&self) -> &[Attribute] {
        &self.leaves
    }

    /// The LSSS matrix of the policy, one row per leaf in leaf order (see [`Lsss`]).
    pub fn lsss(&self) -> Lsss {
        lsss::build(&self.root)
    }

    /// Rows `i` of [`lsss`](Self::lsss) and coefficients `w_i` with
    /// `sum w_i M_i = (1, 0, ..., 0)`, using only rows whose attribute `has` accepts; `None`
    /// when those attributes do not satisfy the policy.
    ///
    /// The rows are sorted and distinct. Every OR and threshold takes its satisfied children
    /// with the fewest rows (ties: the first), so the set is the smallest the tree allows.
    /// Through AND and OR the coefficients are 1 (a pure AND/OR policy has every `w_i = 1`);
    /// a threshold multiplies its chosen children's by their Lagrange coefficients at 0.
    /// `has` is called once per leaf, in leaf order.
    pub fn satisfy(&self, mut has: impl FnMut(&Attribute) -> bool) -> Option<Vec<(usize, Scalar)>> {
        let present: Vec<bool> = self.leaves.iter().map(&mut has).collect();
        lsss::satisfy(&self.root, &present)
    }
}

/// The canonical form: parses back to an equal policy.
impl fmt::Display for Policy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.root.fmt(f)
    }
}

impl FromStr for Policy {
    type Err = PolicyError;

    fn from_str(text: &str) -> Result<Self, PolicyError> {
        Self::parse(text)
    }
}

/// Counts the bytes written to it.
struct CountingWriter(usize);

impl fmt::Write for CountingWriter {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}
