//! `Policy::parse` (credkit-abe) on arbitrary UTF-8: never panics, and an error's position lies
//! within the text. An accepted policy's canonical form is at most `MAX_POLICY_LEN` bytes,
//! parses back to an equal policy and is a fixed point; its LSSS has one row per leaf, labelled
//! in leaf order, with at most as many columns as rows; `satisfy` with every attribute present
//! gives coefficients with `sum w_i M_i = (1, 0, ..., 0)` exactly, with none present gives
//! nothing, and with the attributes the input's bytes select gives coefficients exactly when
//! the boolean formula holds (and then `sum w_i M_i = e1` again). `Attribute::from_str` and
//! `Attribute::parse_list` never panic and accepted attributes re-read from their canonical form.
#![no_main]

use credkit_abe::policy::{Attribute, Lsss, Node, Policy, MAX_LEAVES, MAX_POLICY_LEN};
use credkit_core::curve::{Field, Scalar};
use libfuzzer_sys::fuzz_target;

/// `sum w_i M_i == (1, 0, ..., 0)`.
fn is_e1(lsss: &Lsss, w: &[(usize, Scalar)]) -> bool {
    let mut sum = vec![Scalar::ZERO; lsss.columns()];
    for &(row, w_i) in w {
        for &(column, m) in lsss.rows()[row].entries() {
            sum[column] += w_i * m;
        }
    }
    sum.iter()
        .enumerate()
        .all(|(i, x)| *x == if i == 0 { Scalar::ONE } else { Scalar::ZERO })
}

fn eval(node: &Node, has: &dyn Fn(&Attribute) -> bool) -> bool {
    match node {
        Node::Leaf { attribute, .. } => has(attribute),
        Node::And { children, .. } => children.iter().all(|c| eval(c, has)),
        Node::Or { children, .. } => children.iter().any(|c| eval(c, has)),
        Node::Threshold { k, children, .. } => {
            children.iter().filter(|c| eval(c, has)).count() >= *k
        }
        _ => unreachable!("a node kind this target does not know"),
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(attribute) = text.parse::<Attribute>() {
        assert_eq!(attribute.to_string().parse::<Attribute>(), Ok(attribute));
    }
    if let Ok(list) = Attribute::parse_list(text) {
        for attribute in list {
            assert_eq!(attribute.to_string().parse::<Attribute>(), Ok(attribute));
        }
    }
    let policy = match Policy::parse(text) {
        Ok(policy) => policy,
        Err(e) => {
            assert!(e.position <= text.len(), "{e} in {} bytes", text.len());
            let _ = e.to_string();
            return;
        }
    };
    let canonical = policy.to_string();
    assert!(canonical.len() <= MAX_POLICY_LEN);
    let again = Policy::parse(&canonical).expect("the canonical form parses");
    assert_eq!(again, policy);
    assert_eq!(again.to_string(), canonical);

    let lsss = policy.lsss();
    let leaves = policy.leaves();
    assert!(!leaves.is_empty() && leaves.len() <= MAX_LEAVES);
    assert_eq!(lsss.len(), leaves.len());
    assert!(lsss.columns() >= 1 && lsss.columns() <= lsss.len());
    for (row, leaf) in lsss.rows().iter().zip(leaves) {
        assert_eq!(row.attribute(), leaf);
    }

    let all = policy.satisfy(|_| true).expect("every attribute satisfies");
    assert!(is_e1(&lsss, &all));
    assert!(policy.satisfy(|_| false).is_none());

    // A subset chosen by the input: the attributes whose canonical form has a byte sum with
    // the bit the input's length picks.
    let bit = data.len() % 3;
    let has =
        |a: &Attribute| (a.to_bytes().iter().map(|&b| b as usize).sum::<usize>() >> bit) & 1 == 1;
    let some = policy.satisfy(has);
    assert_eq!(some.is_some(), eval(policy.root(), &has));
    if let Some(w) = some {
        assert!(w.iter().all(|&(row, _)| has(&leaves[row])));
        assert!(is_e1(&lsss, &w));
    }
});
