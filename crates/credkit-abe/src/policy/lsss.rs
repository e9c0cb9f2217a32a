//! The linear secret-sharing scheme of a policy, and reconstruction coefficients.
//!
//! Both walk the tree in the same depth-first order, so leaf `i` is row `i`.

use blstrs::Scalar;
use ff::{BatchInvert, Field};

use super::{Attribute, Node};

/// The LSSS matrix `M` of a policy: one row per leaf, in leaf order, labelled with the leaf's
/// attribute, over `columns()` columns.
///
/// A secret `s` is shared as `lambda_i = M_i . (s, v_2, ..., v_c)` with `v_2..v_c` random
/// ([`shares`](Self::shares)); a set of rows whose attributes satisfy the policy has
/// coefficients `w_i` with `sum w_i M_i = (1, 0, ..., 0)`
/// ([`Policy::satisfy`](super::Policy::satisfy)), so `sum w_i lambda_i = s`; an unsatisfying
/// set has none.
///
/// Rows are stored sparse (only the nonzero entries, by increasing column): a Lewko-Waters row
/// has one or two nonzero entries per AND gate above its leaf, so a 1024-leaf AND is 2047
/// entries instead of a million. [`to_dense`](Self::to_dense) gives the full matrix.
///
/// Construction, for a node whose row vector is `v` (the root's is `(1)`), with `c` the
/// number of columns so far:
/// - OR: every child gets `v`.
/// - AND of `n` children: `n - 1` fresh columns `c+1..c+n-1`; child 1 gets `v + e_(c+1)`,
///   child `i` (1 < i < n) gets `-e_(c+i-1) + e_(c+i)`, child `n` gets `-e_(c+n-1)`. Their
///   shares telescope to the parent's (Lewko-Waters, one AND gate at a time).
/// - `K of N` (2 <= K < N): `K - 1` fresh columns; child `i` gets `v` followed by
///   `(i, i^2, ..., i^(K-1))` there: the values at `x = i` of a random polynomial of degree
///   `K - 1` whose constant term is the parent's share (Shamir).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lsss {
    rows: Vec<LsssRow>,
    columns: usize,
}

/// One row of an [`Lsss`]: its attribute and its nonzero entries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LsssRow {
    attribute: Attribute,
    entries: Vec<(usize, Scalar)>,
}

impl LsssRow {
    /// The attribute that labels the row (`pi(i)`).
    pub fn attribute(&self) -> &Attribute {
        &self.attribute
    }

    /// The nonzero entries `(column, M_ij)`, by strictly increasing column.
    pub fn entries(&self) -> &[(usize, Scalar)] {
        &self.entries
    }

    /// `M_i . v`, or `None` when `v` is shorter than the row needs.
    pub fn dot(&self, v: &[Scalar]) -> Option<Scalar> {
        self.entries
            .iter()
            .try_fold(Scalar::ZERO, |sum, (column, m)| {
                Some(sum + *m * v.get(*column)?)
            })
    }
}

impl Lsss {
    /// The rows, in leaf order.
    pub fn rows(&self) -> &[LsssRow] {
        &self.rows
    }

    /// The number of rows `n` (the policy's leaves).
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// Never true: a policy has at least one leaf.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// The number of columns `c` (1 for a single attribute; at most the number of rows).
    pub fn columns(&self) -> usize {
        self.columns
    }

    /// The shares `lambda_i = M_i . v` of `v = (s, v_2, ..., v_c)`, or `None` unless
    /// `v.len() == columns()`. `v` must be uniformly random apart from the secret `s`.
    pub fn shares(&self, v: &[Scalar]) -> Option<Vec<Scalar>> {
        if v.len() != self.columns {
            return None;
        }
        self.rows.iter().map(|row| row.dot(v)).collect()
    }

    /// The full `n x c` matrix, row by row with its label.
    pub fn to_dense(&self) -> Vec<(Attribute, Vec<Scalar>)> {
        self.rows
            .iter()
            .map(|row| {
                let mut dense = vec![Scalar::ZERO; self.columns];
                for &(column, m) in &row.entries {
                    dense[column] = m;
                }
                (row.attribute.clone(), dense)
            })
            .collect()
    }
}

/// The LSSS of a normalized tree (AND/OR nodes have at least 2 children, thresholds
/// `2 <= K < N`).
pub(crate) fn build(root: &Node) -> Lsss {
    let mut lsss = Lsss {
        rows: Vec::new(),
        columns: 1,
    };
    share(root, vec![(0, Scalar::ONE)], &mut lsss);
    lsss
}

/// Gives `node` the row vector `v` (sparse, by increasing column; every column of `v` is below
/// `lsss.columns`, so fresh columns keep rows sorted).
fn share(node: &Node, v: Vec<(usize, Scalar)>, lsss: &mut Lsss) {
    match node {
        Node::Leaf { attribute, .. } => lsss.rows.push(LsssRow {
            attribute: attribute.clone(),
            entries: v,
        }),
        Node::Or { children, .. } => {
            for child in children {
                share(child, v.clone(), lsss);
            }
        }
        Node::And { children, .. } => {
            let n = children.len();
            let first_fresh = lsss.columns;
            lsss.columns += n.saturating_sub(1);
            for (i, child) in children.iter().enumerate() {
                let entries = match i {
                    _ if n == 1 => v.clone(),
                    0 => {
                        let mut entries = v.clone();
                        entries.push((first_fresh, Scalar::ONE));
                        entries
                    }
                    _ if i == n - 1 => vec![(first_fresh + i - 1, -Scalar::ONE)],
                    _ => vec![
                        (first_fresh + i - 1, -Scalar::ONE),
                        (first_fresh + i, Scalar::ONE),
                    ],
                };
                share(child, entries, lsss);
            }
        }
        Node::Threshold { k, children, .. } => {
            let first_fresh = lsss.columns;
            let fresh = k.saturating_sub(1);
            lsss.columns += fresh;
            for (i, child) in children.iter().enumerate() {
                let x = Scalar::from(i as u64 + 1);
                let mut entries = v.clone();
                let mut power = x;
                for column in first_fresh..first_fresh + fresh {
                    entries.push((column, power));
                    power *= x;
                }
                share(child, entries, lsss);
            }
        }
    }
}

/// Coefficients for the rows whose leaves are `present`, choosing in every OR and threshold
/// the satisfied children with the fewest rows; sorted by row.
pub(crate) fn satisfy(root: &Node, present: &[bool]) -> Option<Vec<(usize, Scalar)>> {
    let mut next_leaf = 0;
    let mut coefficients = reconstruct(root, present, &mut next_leaf)?;
    coefficients.sort_unstable_by_key(|&(row, _)| row);
    Some(coefficients)
}

/// The cheapest coefficients for `node` (its leaves numbered from `*next_leaf`), or `None`.
/// Visits every leaf, satisfied or not, to keep the numbering.
fn reconstruct(
    node: &Node,
    present: &[bool],
    next_leaf: &mut usize,
) -> Option<Vec<(usize, Scalar)>> {
    match node {
        Node::Leaf { .. } => {
            let row = *next_leaf;
            *next_leaf += 1;
            present
                .get(row)
                .copied()
                .unwrap_or(false)
                .then(|| vec![(row, Scalar::ONE)])
        }
        Node::And { children, .. } => {
            let mut all = Some(Vec::new());
            for child in children {
                match (reconstruct(child, present, next_leaf), &mut all) {
                    (Some(part), Some(all)) => all.extend(part),
                    _ => all = None,
                }
            }
            all
        }
        Node::Or { children, .. } => {
            let mut best: Option<Vec<(usize, Scalar)>> = None;
            for child in children {
                if let Some(part) = reconstruct(child, present, next_leaf) {
                    if best.as_ref().is_none_or(|best| part.len() < best.len()) {
                        best = Some(part);
                    }
                }
            }
            best
        }
        Node::Threshold { k, children, .. } => {
            let mut satisfied: Vec<(u64, Vec<(usize, Scalar)>)> = Vec::new();
            for (i, child) in children.iter().enumerate() {
                if let Some(part) = reconstruct(child, present, next_leaf) {
                    satisfied.push((i as u64 + 1, part));
                }
            }
            if satisfied.len() < *k {
                return None;
            }
            satisfied.sort_by_key(|(x, part)| (part.len(), *x));
            satisfied.truncate(*k);
            let xs: Vec<Scalar> = satisfied.iter().map(|(x, _)| Scalar::from(*x)).collect();
            let lagrange = lagrange_at_zero(&xs);
            Some(
                satisfied
                    .into_iter()
                    .zip(lagrange)
                    .flat_map(|((_, part), l)| part.into_iter().map(move |(row, w)| (row, w * l)))
                    .collect(),
            )
        }
    }
}

/// `L_i(0) = prod_(j != i) x_j / (x_j - x_i)` for distinct nonzero `x`: the coefficients with
/// `f(0) = sum L_i(0) f(x_i)` for every polynomial `f` of degree below `xs.len()`.
fn lagrange_at_zero(xs: &[Scalar]) -> Vec<Scalar> {
    let mut numerators = Vec::with_capacity(xs.len());
    let mut denominators = Vec::with_capacity(xs.len());
    for (i, x_i) in xs.iter().enumerate() {
        let mut numerator = Scalar::ONE;
        let mut denominator = Scalar::ONE;
        for (j, x_j) in xs.iter().enumerate() {
            if i != j {
                numerator *= x_j;
                denominator *= *x_j - x_i;
            }
        }
        numerators.push(numerator);
        denominators.push(denominator);
    }
    // Every denominator is a product of differences of distinct integers in 1..=1024, so
    // nonzero modulo r: the batch inversion inverts them all.
    denominators.iter_mut().batch_invert();
    numerators
        .into_iter()
        .zip(denominators)
        .map(|(numerator, inverse)| numerator * inverse)
        .collect()
}
