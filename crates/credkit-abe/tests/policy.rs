//! The policy language: parser acceptance and rejection tables with exact positions, canonical
//! round trips, the LSSS (correct shares, exact reconstruction, no coefficients for an
//! unauthorized set), and hostile inputs.

use std::time::{Duration, Instant};

use blstrs::Scalar;
use credkit_abe::policy::{
    Attribute, AttributeIssue, Expected, Lsss, Node, Policy, PolicyError, PolicyErrorKind, Span,
    TokenKind, MAX_DEPTH, MAX_LEAVES, MAX_POLICY_LEN,
};
use ff::Field;
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

// ---------------------------------------------------------------- helpers

fn attr(text: &str) -> Attribute {
    text.parse().unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

fn parse(text: &str) -> Policy {
    Policy::parse(text).unwrap_or_else(|e| panic!("{text:?} should parse: {e}"))
}

fn s(n: i64) -> Scalar {
    if n < 0 {
        -Scalar::from(n.unsigned_abs())
    } else {
        Scalar::from(n as u64)
    }
}

fn dense(lsss: &Lsss) -> Vec<Vec<Scalar>> {
    lsss.to_dense().into_iter().map(|(_, row)| row).collect()
}

/// `sum w_i M_i`, computed from the sparse rows.
fn combine(lsss: &Lsss, w: &[(usize, Scalar)]) -> Vec<Scalar> {
    let mut sum = vec![Scalar::ZERO; lsss.columns()];
    for &(row, w_i) in w {
        for &(column, m) in lsss.rows()[row].entries() {
            sum[column] += w_i * m;
        }
    }
    sum
}

fn e1(columns: usize) -> Vec<Scalar> {
    let mut e = vec![Scalar::ZERO; columns];
    e[0] = Scalar::ONE;
    e
}

/// Whether `target` is a linear combination of `rows` (Gaussian elimination over Fr).
fn in_span(rows: &[Vec<Scalar>], target: &[Scalar]) -> bool {
    // Each basis vector is 1 at its pivot and 0 at the pivots of the vectors before it.
    let mut basis: Vec<(usize, Vec<Scalar>)> = Vec::new();
    let reduce = |v: &mut Vec<Scalar>, basis: &[(usize, Vec<Scalar>)]| {
        for (pivot, b) in basis {
            let factor = v[*pivot];
            if !bool::from(factor.is_zero()) {
                for (x, y) in v.iter_mut().zip(b) {
                    *x -= factor * y;
                }
            }
        }
    };
    for row in rows {
        let mut v = row.clone();
        reduce(&mut v, &basis);
        if let Some(pivot) = v.iter().position(|x| !bool::from(x.is_zero())) {
            let inverse = v[pivot].invert().unwrap();
            for x in v.iter_mut() {
                *x *= inverse;
            }
            basis.push((pivot, v));
        }
    }
    let mut t = target.to_vec();
    reduce(&mut t, &basis);
    t.iter().all(|x| bool::from(x.is_zero()))
}

/// The structure of a policy, spans dropped, for comparisons with a model.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Tree {
    Leaf(Attribute),
    And(Vec<Tree>),
    Or(Vec<Tree>),
    Threshold(usize, Vec<Tree>),
}

impl Tree {
    fn of(node: &Node) -> Tree {
        let children = || node.children().iter().map(Tree::of).collect();
        match node {
            Node::Leaf { attribute, .. } => Tree::Leaf(attribute.clone()),
            Node::And { .. } => Tree::And(children()),
            Node::Or { .. } => Tree::Or(children()),
            Node::Threshold { k, .. } => Tree::Threshold(*k, children()),
            _ => unreachable!("a node kind this test does not know"),
        }
    }

    fn eval(&self, has: &dyn Fn(&Attribute) -> bool) -> bool {
        match self {
            Tree::Leaf(a) => has(a),
            Tree::And(c) => c.iter().all(|c| c.eval(has)),
            Tree::Or(c) => c.iter().any(|c| c.eval(has)),
            Tree::Threshold(k, c) => c.iter().filter(|c| c.eval(has)).count() >= *k,
        }
    }

    fn leaves<'a>(&'a self, out: &mut Vec<&'a Attribute>) {
        match self {
            Tree::Leaf(a) => out.push(a),
            Tree::And(c) | Tree::Or(c) | Tree::Threshold(_, c) => {
                c.iter().for_each(|c| c.leaves(out))
            }
        }
    }

    fn has_threshold(&self) -> bool {
        match self {
            Tree::Leaf(_) => false,
            Tree::Threshold(..) => true,
            Tree::And(c) | Tree::Or(c) => c.iter().any(Tree::has_threshold),
        }
    }

    /// What the parser is documented to make of this tree.
    fn normalize(self) -> Tree {
        match self {
            Tree::Leaf(a) => Tree::Leaf(a),
            Tree::And(c) => Tree::And(flatten(c, true)),
            Tree::Or(c) => Tree::Or(flatten(c, false)),
            Tree::Threshold(k, mut c) => {
                let n = c.len();
                if n == 1 {
                    c.pop().unwrap().normalize()
                } else if k == 1 {
                    Tree::Or(c).normalize()
                } else if k == n {
                    Tree::And(c).normalize()
                } else {
                    Tree::Threshold(k, c.into_iter().map(Tree::normalize).collect())
                }
            }
        }
    }

    /// Policy text for this tree, with the formatting (whitespace, redundant parentheses,
    /// quotes) chosen by `style`.
    fn render(&self, style: &mut dyn Iterator<Item = u8>) -> String {
        let mut out = String::new();
        match self {
            Tree::Leaf(a) => {
                let canonical = a.to_string();
                if !canonical.contains('"') && pick(style, 3) == 0 {
                    out.push_str(&format!("{}:\"{}\"", a.namespace(), a.value()));
                } else {
                    out.push_str(&canonical);
                }
            }
            Tree::And(children) | Tree::Or(children) => {
                let and = matches!(self, Tree::And(_));
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        out.push_str(space(style));
                        out.push_str(if and { "and" } else { "or" });
                        out.push_str(space(style));
                    }
                    render_child(child, and && matches!(child, Tree::Or(_)), &mut out, style);
                }
            }
            Tree::Threshold(k, children) => {
                out.push_str(&k.to_string());
                out.push_str(space(style));
                out.push_str("of");
                out.push_str(["", " ", "\n"][pick(style, 3) as usize]);
                out.push('(');
                for (i, child) in children.iter().enumerate() {
                    if i > 0 {
                        out.push_str([",", ", ", " ,", " , "][pick(style, 4) as usize]);
                    }
                    render_child(child, false, &mut out, style);
                }
                out.push(')');
            }
        }
        out
    }
}

fn pick(style: &mut dyn Iterator<Item = u8>, n: u8) -> u8 {
    style.next().unwrap_or(0) % n
}

fn space(style: &mut dyn Iterator<Item = u8>) -> &'static str {
    [" ", "  ", "\t", "\n", " \r\n "][pick(style, 5) as usize]
}

fn render_child(
    child: &Tree,
    needs_parens: bool,
    out: &mut String,
    style: &mut dyn Iterator<Item = u8>,
) {
    let text = child.render(style);
    if needs_parens || pick(style, 4) == 0 {
        out.push('(');
        out.push_str(["", " "][pick(style, 2) as usize]);
        out.push_str(&text);
        out.push_str(["", " "][pick(style, 2) as usize]);
        out.push(')');
    } else {
        out.push_str(&text);
    }
}

fn flatten(children: Vec<Tree>, and: bool) -> Vec<Tree> {
    let mut out = Vec::new();
    for child in children {
        match (child.normalize(), and) {
            (Tree::And(c), true) | (Tree::Or(c), false) => out.extend(c),
            (other, _) => out.push(other),
        }
    }
    out
}

/// Checks everything `satisfy` and the LSSS promise, for one attribute subset.
fn check_lsss(policy: &Policy, tree: &Tree, present: &dyn Fn(&Attribute) -> bool, seed: u64) {
    let lsss = policy.lsss();
    assert_eq!(lsss.len(), policy.leaves().len());
    assert!(lsss.columns() >= 1 && lsss.columns() <= lsss.len());
    for (row, leaf) in lsss.rows().iter().zip(policy.leaves()) {
        assert_eq!(row.attribute(), leaf);
        assert!(
            row.entries().windows(2).all(|w| w[0].0 < w[1].0),
            "sorted entries"
        );
        assert!(row
            .entries()
            .iter()
            .all(|(c, m)| *c < lsss.columns() && !bool::from(m.is_zero())));
    }
    let w = policy.satisfy(present);
    assert_eq!(w.is_some(), tree.eval(present), "{policy}");
    let Some(w) = w else { return };
    assert!(
        w.windows(2).all(|p| p[0].0 < p[1].0),
        "sorted, distinct rows"
    );
    assert!(w.iter().all(|&(row, _)| present(&policy.leaves()[row])));
    assert_eq!(combine(&lsss, &w), e1(lsss.columns()), "{policy}");
    if !tree.has_threshold() {
        assert!(w.iter().all(|(_, w_i)| *w_i == Scalar::ONE));
    }
    let mut rng = StdRng::seed_from_u64(seed);
    let v: Vec<Scalar> = (0..lsss.columns())
        .map(|_| Scalar::random(&mut rng))
        .collect();
    let lambda = lsss.shares(&v).unwrap();
    for (lambda_i, row) in lambda.iter().zip(dense(&lsss)) {
        let dot: Scalar = row.iter().zip(&v).map(|(m, v)| *m * v).sum();
        assert_eq!(*lambda_i, dot);
    }
    let secret: Scalar = w.iter().map(|&(row, w_i)| w_i * lambda[row]).sum();
    assert_eq!(secret, v[0]);
}

// ---------------------------------------------------------------- acceptance

#[test]
fn accepted_policies_and_their_canonical_forms() {
    let cases: &[(&str, &str)] = &[
        ("a:x", "a:x"),
        ("  a:x\t", "a:x"),
        ("(a:x)", "a:x"),
        ("((( a:x )))", "a:x"),
        ("a:x and b:y", "a:x and b:y"),
        ("a:x\nand\r\nb:y", "a:x and b:y"),
        ("(a:x)and(b:y)", "a:x and b:y"),
        ("a:x and b:y or c:z", "a:x and b:y or c:z"),
        ("a:x or b:y and c:z", "a:x or b:y and c:z"),
        ("a:x and (b:y or c:z)", "a:x and (b:y or c:z)"),
        ("(a:x and b:y) and c:z", "a:x and b:y and c:z"),
        (
            "a:x and (b:y and (c:z and d:w))",
            "a:x and b:y and c:z and d:w",
        ),
        ("a:x or (b:y or c:z)", "a:x or b:y or c:z"),
        ("(a:x or b:y) or c:z and d:w", "a:x or b:y or c:z and d:w"),
        (
            "(a:x or b:y) and (c:z or d:w)",
            "(a:x or b:y) and (c:z or d:w)",
        ),
        ("2 of (a:x, b:y, c:z)", "2 of (a:x, b:y, c:z)"),
        ("2 of(a:x,b:y,c:z)", "2 of (a:x, b:y, c:z)"),
        ("2\tof\n( a:x ,b:y , c:z )", "2 of (a:x, b:y, c:z)"),
        ("1 of (a:x, b:y)", "a:x or b:y"),
        ("2 of (a:x, b:y)", "a:x and b:y"),
        ("1 of (a:x)", "a:x"),
        ("1 of (a:x and b:y)", "a:x and b:y"),
        ("c:w and 2 of (a:x, b:y)", "c:w and a:x and b:y"),
        ("c:w or 1 of (a:x, b:y)", "c:w or a:x or b:y"),
        ("c:w and 1 of (a:x, b:y)", "c:w and (a:x or b:y)"),
        (
            "2 of (a:x or b:y, c:z and d:w, e:v)",
            "2 of (a:x or b:y, c:z and d:w, e:v)",
        ),
        (
            "a:x and 2 of (b:y, c:z, d:w)",
            "a:x and 2 of (b:y, c:z, d:w)",
        ),
        ("a:x or 2 of (b:y, c:z, d:w)", "a:x or 2 of (b:y, c:z, d:w)"),
        (
            "2 of (a:x, 2 of (b:y, c:z, d:w), e:v)",
            "2 of (a:x, 2 of (b:y, c:z, d:w), e:v)",
        ),
        ("role:\"x\"", "role:x"),
        ("unit:\"ward 3\"", "unit:\"ward 3\""),
        (r#"q:"a\"b\\c""#, r#"q:"a\"b\\c""#),
        ("q:\"é\"", "q:\"é\""),
        ("q:\"a:b\"", "q:\"a:b\""),
        ("q:\"(x, y)\" or r:\"and\"", "q:\"(x, y)\" or r:and"),
        ("email:alice@example.org", "email:alice@example.org"),
        ("v:1.2.3-rc+4", "v:1.2.3-rc+4"),
        ("a-b_c9:X_Y", "a-b_c9:X_Y"),
        ("and:x and or:y or of:z", "and:x and or:y or of:z"),
        ("x:and and y:or", "x:and and y:or"),
        ("x:007", "x:007"),
    ];
    for (text, canonical) in cases {
        let policy = parse(text);
        assert_eq!(policy.to_string(), *canonical, "canonical form of {text:?}");
        let again = parse(canonical);
        assert_eq!(again, policy, "{text:?}");
        assert_eq!(again.to_string(), *canonical);
    }
}

#[test]
fn limits_are_inclusive() {
    let namespace = format!("n{}", "a".repeat(63));
    let value = "v".repeat(256);
    let quoted = "é".repeat(128);
    parse(&format!("{namespace}:{value}"));
    parse(&format!("x:\"{quoted}\""));
    let deep = format!("{}a:x{}", "(".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    parse(&deep);
    let leaves: Vec<String> = (0..MAX_LEAVES).map(|i| format!("a:v{i}")).collect();
    let policy = parse(&leaves.join(" and "));
    assert_eq!(policy.leaves().len(), MAX_LEAVES);
}

#[test]
fn spans_point_into_the_text() {
    let text = "a:x and (b:y or c:z) and 2 of (d:w, e:\"v v\", f:u)";
    let policy = parse(text);
    let root = policy.root();
    assert_eq!(
        root.span(),
        Span {
            start: 0,
            end: text.len()
        }
    );
    let slice = |node: &Node| &text[node.span().start..node.span().end];
    let children = root.children();
    assert_eq!(
        children.iter().map(slice).collect::<Vec<_>>(),
        ["a:x", "b:y or c:z", "2 of (d:w, e:\"v v\", f:u)"]
    );
    assert_eq!(slice(&children[2].children()[1]), "e:\"v v\"");
}

#[test]
fn leaves_are_in_text_order() {
    let policy = parse("a:x and (b:y or 2 of (c:z, d:w, e:v)) and f:u");
    let names: Vec<String> = policy.leaves().iter().map(|a| a.to_string()).collect();
    assert_eq!(names, ["a:x", "b:y", "c:z", "d:w", "e:v", "f:u"]);
}

// ---------------------------------------------------------------- rejection

#[test]
fn rejected_policies_with_positions() {
    use AttributeIssue as A;
    use PolicyErrorKind as K;
    let unexpected = |expected, found| K::UnexpectedToken { expected, found };
    let long_namespace = format!("n{}:x", "a".repeat(64));
    let long_value = format!("n:{}", "v".repeat(257));
    let long_quoted = format!("n:\"{}\"", "v".repeat(257));
    let cases: Vec<(&str, usize, PolicyErrorKind)> = vec![
        ("", 0, K::Empty),
        ("   ", 3, K::Empty),
        (
            "a:x and",
            7,
            K::UnexpectedEnd {
                expected: Expected::Operand,
            },
        ),
        (
            "a:x and and b:y",
            8,
            unexpected(Expected::Operand, TokenKind::And),
        ),
        (
            "a:x or",
            6,
            K::UnexpectedEnd {
                expected: Expected::Operand,
            },
        ),
        ("or a:x", 0, unexpected(Expected::Operand, TokenKind::Or)),
        (
            "a:x b:y",
            4,
            unexpected(Expected::OperatorOrEnd, TokenKind::Attribute),
        ),
        (
            "a:x, b:y",
            3,
            unexpected(Expected::OperatorOrEnd, TokenKind::Comma),
        ),
        (
            "(a:x",
            4,
            K::UnexpectedEnd {
                expected: Expected::OperatorOrRightParen,
            },
        ),
        (
            "(a:x b:y)",
            5,
            unexpected(Expected::OperatorOrRightParen, TokenKind::Attribute),
        ),
        (
            "a:x)",
            3,
            unexpected(Expected::OperatorOrEnd, TokenKind::RightParen),
        ),
        (
            "()",
            1,
            unexpected(Expected::Operand, TokenKind::RightParen),
        ),
        (
            "a:x AND b:y",
            4,
            unexpected(Expected::OperatorOrEnd, TokenKind::Word),
        ),
        ("admin", 0, unexpected(Expected::Operand, TokenKind::Word)),
        (
            "a:x and admin",
            8,
            unexpected(Expected::Operand, TokenKind::Word),
        ),
        ("a:x & b:y", 4, K::UnexpectedCharacter { found: '&' }),
        ("a:x || b:y", 4, K::UnexpectedCharacter { found: '|' }),
        ("\"x\"", 0, K::UnexpectedCharacter { found: '"' }),
        (":x", 0, K::UnexpectedCharacter { found: ':' }),
        ("a:x and é:y", 8, K::UnexpectedCharacter { found: 'é' }),
        ("Role:x", 0, K::InvalidAttribute(A::InvalidNamespace)),
        ("rOle:x", 1, K::InvalidAttribute(A::InvalidNamespace)),
        ("r.ole:x", 1, K::InvalidAttribute(A::InvalidNamespace)),
        ("1ns:x", 0, K::InvalidAttribute(A::InvalidNamespace)),
        ("a:x or _ns:x", 7, K::InvalidAttribute(A::InvalidNamespace)),
        (
            &long_namespace,
            64,
            K::InvalidAttribute(A::InvalidNamespace),
        ),
        ("role:", 5, K::InvalidAttribute(A::EmptyValue)),
        ("role: x", 5, K::InvalidAttribute(A::EmptyValue)),
        ("(role:)", 6, K::InvalidAttribute(A::EmptyValue)),
        ("role:\"\"", 5, K::InvalidAttribute(A::EmptyValue)),
        ("role:a:b", 6, K::InvalidAttribute(A::UnquotedCharacter)),
        ("role:é", 5, K::InvalidAttribute(A::UnquotedCharacter)),
        ("role:a+b=c", 8, K::InvalidAttribute(A::UnquotedCharacter)),
        (
            "role:x\u{a0}and b:y",
            6,
            K::InvalidAttribute(A::UnquotedCharacter),
        ),
        ("role:\"x", 5, K::UnterminatedString),
        ("role:\"x\\", 5, K::UnterminatedString),
        ("role:\"x\\\"", 5, K::UnterminatedString),
        ("role:\"x\\n\"", 7, K::InvalidAttribute(A::InvalidEscape)),
        ("role:\"\\u0041\"", 6, K::InvalidAttribute(A::InvalidEscape)),
        ("role:\"a\tb\"", 7, K::InvalidAttribute(A::ControlCharacter)),
        ("role:\"a\nb\"", 7, K::InvalidAttribute(A::ControlCharacter)),
        (
            "role:\"a\u{85}b\"",
            7,
            K::InvalidAttribute(A::ControlCharacter),
        ),
        ("role:\"x\"y", 8, K::UnexpectedCharacter { found: 'y' }),
        (
            "role:\"x\"and b:y",
            8,
            K::UnexpectedCharacter { found: 'a' },
        ),
        ("role:\"x\":y", 8, K::UnexpectedCharacter { found: ':' }),
        (&long_value, 2, K::InvalidAttribute(A::ValueTooLong)),
        (&long_quoted, 2, K::InvalidAttribute(A::ValueTooLong)),
        ("2 of (a:x)", 0, K::ThresholdOutOfRange { k: 2, n: 1 }),
        ("0 of (a:x, b:y)", 0, K::ThresholdOutOfRange { k: 0, n: 2 }),
        (
            "a:x or 3 of (b:y, c:z)",
            7,
            K::ThresholdOutOfRange { k: 3, n: 2 },
        ),
        ("1024 of (a:x)", 0, K::ThresholdOutOfRange { k: 1024, n: 1 }),
        ("a:x and 02 of (b:y, c:z)", 8, K::InvalidThreshold),
        ("00 of (b:y)", 0, K::InvalidThreshold),
        ("1025 of (a:x)", 0, K::InvalidThreshold),
        (
            "99999999999999999999999999 of (a:x)",
            0,
            K::InvalidThreshold,
        ),
        (
            "2of (a:x, b:y)",
            0,
            unexpected(Expected::Operand, TokenKind::Word),
        ),
        (
            "2 (a:x, b:y)",
            2,
            unexpected(Expected::Of, TokenKind::LeftParen),
        ),
        (
            "2",
            1,
            K::UnexpectedEnd {
                expected: Expected::Of,
            },
        ),
        (
            "2 of",
            4,
            K::UnexpectedEnd {
                expected: Expected::LeftParen,
            },
        ),
        (
            "2 of a:x",
            5,
            unexpected(Expected::LeftParen, TokenKind::Attribute),
        ),
        (
            "2 of ()",
            6,
            unexpected(Expected::Operand, TokenKind::RightParen),
        ),
        (
            "2 of (a:x, b:y,",
            15,
            K::UnexpectedEnd {
                expected: Expected::Operand,
            },
        ),
        (
            "2 of (a:x, b:y,)",
            15,
            unexpected(Expected::Operand, TokenKind::RightParen),
        ),
        (
            "2 of (a:x,, b:y)",
            10,
            unexpected(Expected::Operand, TokenKind::Comma),
        ),
        (
            "2 of (a:x b:y)",
            10,
            unexpected(Expected::OperatorCommaOrRightParen, TokenKind::Attribute),
        ),
        (
            "2 of (a:x, b:y",
            14,
            K::UnexpectedEnd {
                expected: Expected::OperatorCommaOrRightParen,
            },
        ),
        ("of", 0, unexpected(Expected::Operand, TokenKind::Of)),
        (
            "a:x of",
            4,
            unexpected(Expected::OperatorOrEnd, TokenKind::Of),
        ),
        (
            "a:x and 2",
            9,
            K::UnexpectedEnd {
                expected: Expected::Of,
            },
        ),
    ];
    for (text, position, kind) in cases {
        let err = Policy::parse(text).expect_err(text);
        assert_eq!(err, PolicyError { position, kind }, "{text:?} gives {err}");
        assert!(err
            .to_string()
            .starts_with(&format!("at byte {position}: ")));
    }
}

#[test]
fn duplicate_attributes_are_named_with_both_positions() {
    let cases: &[(&str, &str, usize, usize)] = &[
        ("a:x and a:x", "a:x", 0, 8),
        ("role:x or role:\"x\"", "role:x", 0, 10),
        ("b:y and (a:x or 2 of (c:z, a:x, d:w))", "a:x", 9, 27),
        ("q:\"a b\" and q:\"a b\"", "q:\"a b\"", 0, 12),
    ];
    for &(text, attribute, first_position, position) in cases {
        let err = Policy::parse(text).expect_err(text);
        assert_eq!(
            err,
            PolicyError {
                position,
                kind: PolicyErrorKind::DuplicateAttribute {
                    attribute: attr(attribute),
                    first_position,
                },
            },
            "{text:?}"
        );
    }
    // Same value in another namespace, or another case, is another attribute.
    parse("role:x and unit:x and role:X");
    assert_eq!(
        Policy::parse("a:x and a:x").unwrap_err().to_string(),
        "at byte 8: attribute a:x is used twice (first at byte 0); \
         a policy may use each attribute only once"
    );
}

#[test]
fn error_messages() {
    let cases: &[(&str, &str)] = &[
        ("(a:x b:y)", "at byte 5: expected 'and', 'or' or ')' but found an attribute"),
        ("a:x and", "at byte 7: expected an attribute, '(' or 'K of (...)' but the text ended"),
        ("a:x & b:y", "at byte 4: unexpected character '&'"),
        ("3 of (a:x, b:y)", "at byte 0: threshold 3 of 2: K must be between 1 and the number of children, 2"),
        ("role:a=b", "at byte 6: a value with characters other than A-Z, a-z, 0-9, '_', '.', '@', '+' and '-' must be quoted"),
        ("role:\"x", "at byte 5: unterminated quoted value"),
        ("", "at byte 0: the policy is empty"),
    ];
    for (text, message) in cases {
        assert_eq!(Policy::parse(text).unwrap_err().to_string(), *message);
    }
    let err: credkit_abe::Error = Policy::parse("a:x or").unwrap_err().into();
    assert_eq!(
        err.to_string(),
        "at byte 6: expected an attribute, '(' or 'K of (...)' but the text ended"
    );
}

// ---------------------------------------------------------------- attributes

#[test]
fn attribute_canonical_forms() {
    let cases: &[(&str, &str, &str)] = &[
        ("role", "x", "role:x"),
        (
            "role",
            "Cardio_Logist.1@h+2-3",
            "role:Cardio_Logist.1@h+2-3",
        ),
        ("unit", "ward 3", "unit:\"ward 3\""),
        ("q", "a\"b", r#"q:"a\"b""#),
        ("q", "a\\b", r#"q:"a\\b""#),
        ("q", "é", "q:\"é\""),
        ("q", "and", "q:and"),
        ("q", "a,b", "q:\"a,b\""),
    ];
    for &(namespace, value, text) in cases {
        let a = Attribute::new(namespace, value).unwrap();
        assert_eq!((a.namespace(), a.value()), (namespace, value));
        assert_eq!(a.to_string(), text);
        assert_eq!(a.to_bytes(), text.as_bytes());
        assert_eq!(attr(text), a);
        assert_eq!(format!("{a:?}"), format!("Attribute({text})"));
    }
    assert_eq!(attr("role:\"x\""), attr("role:x"));
    assert_eq!(attr("role:\"x\"").to_bytes(), b"role:x");
    assert_ne!(attr("role:x"), attr("role:X"));
}

#[test]
fn attribute_rejections() {
    use AttributeIssue as A;
    use PolicyErrorKind as K;
    let new_cases: Vec<((&str, String), usize, PolicyErrorKind)> = vec![
        (
            ("", "x".into()),
            0,
            K::InvalidAttribute(A::InvalidNamespace),
        ),
        (
            ("Role", "x".into()),
            0,
            K::InvalidAttribute(A::InvalidNamespace),
        ),
        (
            ("ro le", "x".into()),
            2,
            K::InvalidAttribute(A::InvalidNamespace),
        ),
        (("role", "".into()), 5, K::InvalidAttribute(A::EmptyValue)),
        (
            ("role", "a\nb".into()),
            6,
            K::InvalidAttribute(A::ControlCharacter),
        ),
        (
            ("role", "v".repeat(257)),
            5,
            K::InvalidAttribute(A::ValueTooLong),
        ),
    ];
    for ((namespace, value), position, kind) in new_cases {
        assert_eq!(
            Attribute::new(namespace, &value).unwrap_err(),
            PolicyError { position, kind },
            "{namespace:?} {value:?}"
        );
    }
    let parse_cases: &[(&str, usize, PolicyErrorKind)] = &[
        ("", 0, K::Empty),
        (" role:x", 0, K::UnexpectedCharacter { found: ' ' }),
        ("role:x ", 6, K::UnexpectedCharacter { found: ' ' }),
        ("role:x and b:y", 6, K::UnexpectedCharacter { found: ' ' }),
        ("role:x)", 6, K::UnexpectedCharacter { found: ')' }),
        ("admin", 0, K::InvalidAttribute(A::NotAnAttribute)),
        ("(", 0, K::InvalidAttribute(A::NotAnAttribute)),
        ("role:", 5, K::InvalidAttribute(A::EmptyValue)),
        ("role:\"x", 5, K::UnterminatedString),
    ];
    for (text, position, kind) in parse_cases {
        assert_eq!(
            text.parse::<Attribute>().unwrap_err(),
            PolicyError {
                position: *position,
                kind: kind.clone()
            },
            "{text:?}"
        );
    }
}

#[test]
fn attribute_lists() {
    use PolicyErrorKind as K;
    let list = Attribute::parse_list(" role:nurse ,unit:\"ward 3\",\nshift:night ").unwrap();
    assert_eq!(
        list,
        [
            attr("role:nurse"),
            attr("unit:\"ward 3\""),
            attr("shift:night")
        ]
    );
    assert_eq!(Attribute::parse_list("a:x").unwrap(), [attr("a:x")]);
    let cases: &[(&str, usize, PolicyErrorKind)] = &[
        ("", 0, K::Empty),
        (" ", 1, K::Empty),
        (
            "role:a,",
            7,
            K::UnexpectedEnd {
                expected: Expected::Attribute,
            },
        ),
        (
            "role:a,,",
            7,
            K::UnexpectedToken {
                expected: Expected::Attribute,
                found: TokenKind::Comma,
            },
        ),
        (
            "role:a role:b",
            7,
            K::UnexpectedToken {
                expected: Expected::CommaOrEnd,
                found: TokenKind::Attribute,
            },
        ),
        (
            "role:a and role:b",
            7,
            K::UnexpectedToken {
                expected: Expected::CommaOrEnd,
                found: TokenKind::And,
            },
        ),
        (
            "role:a, and",
            8,
            K::InvalidAttribute(AttributeIssue::NotAnAttribute),
        ),
        (
            "role:a, 007",
            8,
            K::InvalidAttribute(AttributeIssue::NotAnAttribute),
        ),
        (
            "(role:a)",
            0,
            K::UnexpectedToken {
                expected: Expected::Attribute,
                found: TokenKind::LeftParen,
            },
        ),
        (
            "role:a, Role:b",
            8,
            K::InvalidAttribute(AttributeIssue::InvalidNamespace),
        ),
        (
            "role:a, role:\"a\"",
            8,
            K::DuplicateAttribute {
                attribute: attr("role:a"),
                first_position: 0,
            },
        ),
    ];
    for (text, position, kind) in cases {
        assert_eq!(
            Attribute::parse_list(text).unwrap_err(),
            PolicyError {
                position: *position,
                kind: kind.clone()
            },
            "{text:?}"
        );
    }
    let many: Vec<String> = (0..=MAX_LEAVES).map(|i| format!("a:v{i}")).collect();
    let text = many.join(",");
    assert_eq!(
        Attribute::parse_list(&many[..MAX_LEAVES].join(","))
            .unwrap()
            .len(),
        MAX_LEAVES
    );
    let err = Attribute::parse_list(&text).unwrap_err();
    assert_eq!(err.kind, K::TooManyLeaves);
    assert_eq!(err.position, text.rfind("a:v1024").unwrap());
}

// ---------------------------------------------------------------- LSSS

#[test]
fn pinned_matrices() {
    let cases: &[(&str, &[&[i64]])] = &[
        ("a:x", &[&[1]]),
        ("a:x or b:y", &[&[1], &[1]]),
        ("a:x and b:y", &[&[1, 1], &[0, -1]]),
        (
            "a:x and b:y and c:z",
            &[&[1, 1, 0], &[0, -1, 1], &[0, 0, -1]],
        ),
        ("2 of (a:x, b:y, c:z)", &[&[1, 1], &[1, 2], &[1, 3]]),
        (
            "3 of (a:x, b:y, c:z, d:w)",
            &[&[1, 1, 1], &[1, 2, 4], &[1, 3, 9], &[1, 4, 16]],
        ),
        (
            "a:x and (b:y or 2 of (c:z, d:w, e:v))",
            &[
                &[1, 1, 0],
                &[0, -1, 0],
                &[0, -1, 1],
                &[0, -1, 2],
                &[0, -1, 3],
            ],
        ),
        (
            "(a:x and b:y) or (c:z and d:w)",
            &[&[1, 1, 0], &[0, -1, 0], &[1, 0, 1], &[0, 0, -1]],
        ),
    ];
    for (text, expected) in cases {
        let policy = parse(text);
        let lsss = policy.lsss();
        let expected: Vec<Vec<Scalar>> = expected
            .iter()
            .map(|row| row.iter().map(|&m| s(m)).collect())
            .collect();
        assert_eq!(dense(&lsss), expected, "{text}");
        assert_eq!(lsss.columns(), expected[0].len());
        let labels: Vec<&Attribute> = lsss.rows().iter().map(|r| r.attribute()).collect();
        assert_eq!(labels, policy.leaves().iter().collect::<Vec<_>>());
    }
}

#[test]
fn shares_need_one_value_per_column() {
    let lsss = parse("a:x and b:y").lsss();
    assert_eq!(lsss.shares(&[s(5)]), None);
    assert_eq!(lsss.shares(&[s(5), s(7), s(9)]), None);
    assert_eq!(lsss.shares(&[s(5), s(7)]), Some(vec![s(12), s(-7)]));
    assert_eq!(lsss.rows()[0].dot(&[s(5)]), None);
}

#[test]
fn satisfy_takes_the_fewest_rows() {
    let all = |_: &Attribute| true;
    let rows = |text: &str| -> Vec<usize> {
        parse(text)
            .satisfy(all)
            .unwrap()
            .into_iter()
            .map(|(row, _)| row)
            .collect()
    };
    assert_eq!(rows("a:x and b:y or c:z"), [2]);
    assert_eq!(rows("a:x or b:y"), [0]);
    assert_eq!(rows("2 of (a:x and b:y, c:z, d:w and e:v)"), [0, 1, 2]);
    assert_eq!(
        rows("2 of (a:x and b:y, c:z and d:w, e:v and f:u and g:t)"),
        [0, 1, 2, 3]
    );
    assert_eq!(rows("2 of (a:x and b:y and c:z, d:w, e:v)"), [3, 4]);
}

#[test]
fn threshold_coefficients_are_lagrange_at_zero() {
    let policy = parse("2 of (a:x, b:y, c:z)");
    let w = policy.satisfy(|a| a != &attr("a:x")).unwrap();
    // x = 2, 3: L_2(0) = 3 / (3 - 2) = 3, L_3(0) = 2 / (2 - 3) = -2.
    assert_eq!(w, [(1, s(3)), (2, s(-2))]);
    let w = policy.satisfy(|_| true).unwrap();
    // x = 1, 2: L_1(0) = 2, L_2(0) = -1.
    assert_eq!(w, [(0, s(2)), (1, s(-1))]);
    assert_eq!(policy.satisfy(|a| a == &attr("b:y")), None);
}

#[test]
fn satisfy_asks_each_leaf_once_in_order() {
    let policy = parse("a:x and (b:y or 2 of (c:z, d:w, e:v))");
    let mut asked = Vec::new();
    let w = policy.satisfy(|a| {
        asked.push(a.clone());
        true
    });
    assert!(w.is_some());
    assert_eq!(asked, policy.leaves());
}

#[test]
fn unauthorized_sets_have_no_coefficients() {
    // Every subset of every small policy: e1 is in the span of the subset's rows exactly
    // when the subset satisfies the policy.
    let policies = [
        "a:x and b:y",
        "a:x or b:y",
        "a:x and (b:y or c:z)",
        "(a:x and b:y) or (c:z and d:w)",
        "2 of (a:x, b:y, c:z)",
        "3 of (a:x, b:y, c:z, d:w, e:v)",
        "2 of (a:x and b:y, c:z or d:w, e:v)",
        "a:x and 2 of (b:y, 2 of (c:z, d:w, e:v), f:u) or g:t",
        "2 of (a:x, b:y, 3 of (c:z, d:w, e:v, f:u))",
    ];
    for text in policies {
        let policy = parse(text);
        let tree = Tree::of(policy.root());
        let lsss = policy.lsss();
        let rows = dense(&lsss);
        let n = rows.len();
        for mask in 0u32..1 << n {
            let present = |a: &Attribute| {
                let i = policy.leaves().iter().position(|l| l == a).unwrap();
                mask >> i & 1 == 1
            };
            let subset: Vec<Vec<Scalar>> = (0..n)
                .filter(|i| mask >> i & 1 == 1)
                .map(|i| rows[i].clone())
                .collect();
            let authorized = tree.eval(&present);
            assert_eq!(
                in_span(&subset, &e1(lsss.columns())),
                authorized,
                "{text} {mask:b}"
            );
            check_lsss(&policy, &tree, &present, mask as u64);
        }
    }
}

// ---------------------------------------------------------------- hostile input

fn quickly<T>(what: &str, f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{what} took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn deep_nesting_is_refused_without_recursion() {
    let text = "(".repeat(100_000);
    let err = quickly("100000 '('", || Policy::parse(&text).unwrap_err());
    assert_eq!(
        err,
        PolicyError {
            position: MAX_POLICY_LEN,
            kind: PolicyErrorKind::TooLong
        }
    );
    let text = "(".repeat(60_000);
    let err = quickly("60000 '('", || Policy::parse(&text).unwrap_err());
    assert_eq!(
        err,
        PolicyError {
            position: MAX_DEPTH,
            kind: PolicyErrorKind::TooDeep
        }
    );
    let text = format!(
        "{}a:x{}",
        "(".repeat(MAX_DEPTH + 1),
        ")".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(Policy::parse(&text).unwrap_err().position, MAX_DEPTH);
    // Thresholds' lists count as nesting too.
    let text = format!("{}a:x{}", "1 of (".repeat(20_000), ")".repeat(20_000));
    let err = quickly("1 of ( nesting", || {
        Policy::parse(&text[..MAX_POLICY_LEN - 4]).unwrap_err()
    });
    assert_eq!(
        err,
        PolicyError {
            position: 6 * MAX_DEPTH + 5,
            kind: PolicyErrorKind::TooDeep
        }
    );
    let ok = format!("{}a:x{}", "1 of (".repeat(MAX_DEPTH), ")".repeat(MAX_DEPTH));
    assert_eq!(parse(&ok).to_string(), "a:x");
}

#[test]
fn too_many_leaves_and_too_long() {
    let million = "a:x and ".repeat(1_000_000);
    let err = quickly("10^6 leaves", || Policy::parse(&million).unwrap_err());
    assert_eq!(
        err,
        PolicyError {
            position: MAX_POLICY_LEN,
            kind: PolicyErrorKind::TooLong
        }
    );
    let leaves: Vec<String> = (0..=MAX_LEAVES).map(|i| format!("a:v{i}")).collect();
    let text = leaves.join(" or ");
    let err = quickly("1025 leaves", || Policy::parse(&text).unwrap_err());
    assert_eq!(
        err,
        PolicyError {
            position: text.rfind("a:v1024").unwrap(),
            kind: PolicyErrorKind::TooManyLeaves
        }
    );
    // Fits as written, not in canonical form (which adds a space after each comma).
    let leaves: Vec<String> = (0..MAX_LEAVES).map(|i| format!("n:{i:060}")).collect();
    let text = format!("2 of({})", leaves.join(","));
    assert!(text.len() <= MAX_POLICY_LEN);
    assert_eq!(
        Policy::parse(&text).unwrap_err(),
        PolicyError {
            position: 0,
            kind: PolicyErrorKind::TooLong
        }
    );
}

#[test]
fn largest_policies_stay_fast() {
    // 1024-leaf AND: 1024 rows, 1024 columns, sparse rows, all w_i = 1.
    let leaves: Vec<String> = (0..MAX_LEAVES).map(|i| format!("a:v{i}")).collect();
    let policy = quickly("parse 1024 AND", || parse(&leaves.join(" and ")));
    let lsss = quickly("lsss 1024 AND", || policy.lsss());
    assert_eq!((lsss.len(), lsss.columns()), (MAX_LEAVES, MAX_LEAVES));
    assert!(lsss.rows().iter().all(|r| r.entries().len() <= 2));
    let w = quickly("satisfy 1024 AND", || policy.satisfy(|_| true).unwrap());
    assert_eq!(w.len(), MAX_LEAVES);
    assert_eq!(combine(&lsss, &w), e1(lsss.columns()));

    // The largest threshold: 512 of 1023 (plus one leaf).
    let text = format!("512 of ({}) and b:x", leaves[..1023].join(", "));
    let policy = quickly("parse 512 of 1023", || parse(&text));
    let lsss = quickly("lsss 512 of 1023", || policy.lsss());
    assert_eq!(lsss.columns(), 1 + 1 + 511);
    let w = quickly("satisfy 512 of 1023", || policy.satisfy(|_| true).unwrap());
    assert_eq!(w.len(), 513);
    assert_eq!(combine(&lsss, &w), e1(lsss.columns()));
    let w = policy.satisfy(|a| a.value() >= "v5").unwrap();
    assert_eq!(combine(&lsss, &w), e1(lsss.columns()));
}

// ---------------------------------------------------------------- properties

#[derive(Clone, Debug)]
enum Shape {
    Leaf,
    And(Vec<Shape>),
    Or(Vec<Shape>),
    Threshold(usize, Vec<Shape>),
}

fn shape() -> impl Strategy<Value = Shape> {
    Just(Shape::Leaf).prop_recursive(4, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 2..5).prop_map(Shape::And),
            prop::collection::vec(inner.clone(), 2..5).prop_map(Shape::Or),
            (any::<usize>(), prop::collection::vec(inner, 1..5))
                .prop_map(|(k, c)| Shape::Threshold(k, c)),
        ]
    })
}

/// A tree of the shape with distinct attributes: leaf `i` has value `i.` followed by a random
/// string (quoted when needed) in one of three namespaces.
fn assign(shape: &Shape, values: &[String], next: &mut usize) -> Tree {
    match shape {
        Shape::Leaf => {
            let i = *next;
            *next += 1;
            let namespace = ["role", "unit", "x-9_"][i % 3];
            let value = format!("{i}.{}", values[i % values.len()]);
            Tree::Leaf(Attribute::new(namespace, &value).unwrap())
        }
        Shape::And(c) => Tree::And(c.iter().map(|c| assign(c, values, next)).collect()),
        Shape::Or(c) => Tree::Or(c.iter().map(|c| assign(c, values, next)).collect()),
        Shape::Threshold(k, c) => Tree::Threshold(
            1 + k % c.len(),
            c.iter().map(|c| assign(c, values, next)).collect(),
        ),
    }
}

fn policy_case() -> impl Strategy<Value = (Tree, String)> {
    (
        shape(),
        prop::collection::vec("[A-Za-z0-9_.@+ \"\\\\:,()é-]{0,8}", 1..6),
        prop::collection::vec(any::<u8>(), 0..64),
    )
        .prop_map(|(shape, values, style)| {
            let tree = assign(&shape, &values, &mut 0);
            let mut style = style.into_iter().chain(std::iter::repeat(0));
            let text = tree.render(&mut style);
            (tree, text)
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn canonical_form_round_trips((tree, text) in policy_case()) {
        let policy = Policy::parse(&text).map_err(|e| TestCaseError::fail(format!("{text:?}: {e}")))?;
        prop_assert_eq!(Tree::of(policy.root()), tree.clone().normalize(), "{:?}", text);
        let canonical = policy.to_string();
        let again = Policy::parse(&canonical).unwrap();
        prop_assert_eq!(&again, &policy);
        prop_assert_eq!(again.to_string(), canonical);
        let mut leaves = Vec::new();
        tree.leaves(&mut leaves);
        prop_assert_eq!(policy.leaves().iter().collect::<Vec<_>>(), leaves);
    }

    #[test]
    fn lsss_reconstructs_exactly_for_satisfying_sets(
        (tree, text) in policy_case(),
        bits in prop::collection::vec(any::<bool>(), 64),
        seed in any::<u64>(),
    ) {
        let policy = Policy::parse(&text).unwrap();
        let present = |a: &Attribute| {
            let i = policy.leaves().iter().position(|l| l == a).unwrap();
            bits[i % bits.len()]
        };
        check_lsss(&policy, &tree, &present, seed);
        check_lsss(&policy, &tree, &|_: &Attribute| true, seed);
    }

    #[test]
    fn attributes_round_trip(
        namespace in "[a-z][a-z0-9_-]{0,63}",
        value in "\\PC{1,64}",
    ) {
        let a = Attribute::new(&namespace, &value).unwrap();
        let text = a.to_string();
        let again: Attribute = text.parse().unwrap();
        prop_assert_eq!(&again, &a);
        prop_assert_eq!(again.to_bytes(), text.into_bytes());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "[a-z0-9:\"\\\\(), é\t]{0,40}") {
        match Policy::parse(&text) {
            Ok(policy) => prop_assert_eq!(Policy::parse(&policy.to_string()).unwrap(), policy),
            Err(e) => prop_assert!(e.position <= text.len()),
        }
    }
}
