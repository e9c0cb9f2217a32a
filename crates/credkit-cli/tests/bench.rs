//! `credkit bench`, run as a process with few iterations (the numbers are not checked, only
//! that every operation is measured and reported).

use std::process::{Command, Output};

use serde_json::Value;

const OPERATIONS: [&str; 20] = [
    "g1_mul",
    "pairing_2",
    "msm_vartime",
    "msm_ct",
    "sign",
    "verify",
    "proof_gen",
    "proof_verify",
    "commit_nym",
    "blind_sign_nym",
    "nym_proof_gen",
    "nym_proof_verify",
    "group_sign_partial",
    "group_verify_partials",
    "group_combine",
    "group_verify",
    "upload_batch_verify",
    "abe_keygen",
    "abe_encrypt",
    "abe_decrypt",
];

/// The FABEO rows: one each, all with a baseline measured beside them.
const ABE: [&str; 3] = ["abe_keygen", "abe_encrypt", "abe_decrypt"];

/// The threshold rows: one each, all with a baseline measured beside them.
const THRESHOLD: [&str; 5] = [
    "group_sign_partial",
    "group_verify_partials",
    "group_combine",
    "group_verify",
    "upload_batch_verify",
];

/// The table's lines: from the header to the first blank line (the notes follow).
fn table(text: &str) -> Vec<&str> {
    text.lines()
        .skip_while(|l| !l.starts_with("operation "))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The table's rows of `op`: the lines that start with the exact name and a space.
fn rows<'a>(text: &'a str, op: &str) -> Vec<&'a str> {
    table(text)
        .into_iter()
        .filter(|l| l.starts_with(&format!("{op} ")))
        .collect()
}

/// The table's first row of `op`.
fn row<'a>(text: &'a str, op: &str) -> &'a str {
    rows(text, op).first().copied().unwrap_or_default()
}

fn credkit(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_credkit"))
        .args(args)
        .output()
        .expect("the credkit binary runs")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

#[test]
fn one_iteration_reports_every_operation() {
    let output = credkit(&["bench", "--iterations", "1"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let text = stdout(&output);
    for op in OPERATIONS {
        assert!(!rows(&text, op).is_empty(), "no row for {op}:\n{text}");
    }
    // Both sizes, both suites: 8 BBS operations x 2 L x 2 suites, 2 MSMs x 2 L, 2 more, and
    // one row per threshold and FABEO operation; nothing else.
    let table = table(&text);
    assert!(
        table
            .iter()
            .all(|l| OPERATIONS.iter().any(|op| l.starts_with(&format!("{op} ")))),
        "{text}"
    );
    assert_eq!(table.len(), 32 + 4 + 2 + 5 + 3, "{text}");
    for op in THRESHOLD.iter().chain(&ABE) {
        assert_eq!(rows(&text, op).len(), 1, "{op}:\n{text}");
    }
    for needle in [
        "bls12-381-sha-256",
        "bls12-381-shake-256",
        " 100  ",
        "2U+7 secret terms",
        "median of 1 run after 2 warm-ups",
        "ratio is 1 by construction",
        "abe_*: FABEO CP-ABE",
    ] {
        assert!(text.contains(needle), "missing {needle:?}:\n{text}");
    }
    let sign = row(&text, "sign");
    assert!(sign.ends_with("msm_vartime + g1_mul"), "{sign}");
    // The default sizes: 67 of 100 signers, 100 envelopes; each row against its baseline.
    for (op, size, baseline) in [
        ("group_sign_partial", "67 of 100", "hash_to_g2 + g2_mul"),
        (
            "group_verify_partials",
            "67 of 100",
            "67 x verify_partial (one at a time)",
        ),
        (
            "group_combine",
            "67 of 100",
            "g2_msm of 67 points (255-bit)",
        ),
        (
            "group_verify",
            "67 of 100",
            "blst verify (one-key BLS signature)",
        ),
        (
            "upload_batch_verify",
            "100 envelopes",
            "100 x Collector::accept (one by one)",
        ),
        (
            "abe_keygen",
            "10 attributes",
            "g2_mul + msm_ct(2) + 10 x g1_mul",
        ),
        ("abe_encrypt", "AND of 10", "2 x g2_mul + 10 x msm_ct(2)"),
        (
            "abe_decrypt",
            "AND of 10",
            "pairing_3 (multi-Miller loop, final exponentiation)",
        ),
    ] {
        let line = row(&text, op);
        assert!(line.contains(&format!("  {size}  ")), "{line}");
        assert!(line.ends_with(baseline), "{line}");
    }
}

#[test]
fn quick_json() {
    let output = credkit(&["bench", "--quick", "--json"]);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let doc: Value =
        serde_json::from_str(&stdout(&output)).expect("--json prints one JSON document");
    assert_eq!(doc["iterations"], 1);
    assert_eq!(doc["warmups"], 0);
    assert!(doc["build"] == "debug" || doc["build"] == "release");
    assert!(doc["cores"].as_u64().is_some_and(|n| n >= 1));
    let results = doc["results"].as_array().expect("`results` is an array");
    // L = 10 only: g1_mul, pairing_2, 2 MSMs, 8 operations x 2 suites; 5 threshold rows; 3
    // FABEO rows (10 attributes, --quick or not).
    assert_eq!(results.len(), 20 + 5 + 3);
    for op in OPERATIONS {
        assert!(
            results.iter().any(|r| r["operation"] == op),
            "no result for {op}"
        );
    }
    for r in results {
        assert!(r["median_ns"].as_u64().is_some_and(|ns| ns > 0), "{r}");
        let bbs = OPERATIONS[4..12].iter().any(|op| r["operation"] == *op);
        let threshold = THRESHOLD.iter().any(|op| r["operation"] == *op);
        let abe = ABE.iter().any(|op| r["operation"] == *op);
        let group = threshold && r["operation"] != "upload_batch_verify";
        assert_eq!(r["suite"].is_string(), bbs, "{r}");
        assert_eq!(r["ratio"].is_f64(), bbs || threshold || abe, "{r}");
        assert_eq!(r["baseline_ns"].is_u64(), bbs || threshold || abe, "{r}");
        assert_eq!(r["baseline"].is_string(), bbs || threshold || abe, "{r}");
        if bbs {
            assert_eq!(r["l"], 10, "{r}");
        }
        if threshold || abe {
            assert!(r["l"].is_null(), "{r}");
        }
        if abe {
            assert_eq!(r["attributes"], 10, "{r}");
        } else {
            assert!(r["attributes"].is_null(), "{r}");
        }
        // --quick: 3 of 5 signers, 10 envelopes.
        if group {
            assert_eq!(
                (&r["min_signers"], &r["max_signers"]),
                (&3.into(), &5.into()),
                "{r}"
            );
        } else {
            assert!(
                r["min_signers"].is_null() && r["max_signers"].is_null(),
                "{r}"
            );
        }
        if r["operation"] == "upload_batch_verify" {
            assert_eq!(r["envelopes"], 10, "{r}");
        } else {
            assert!(r["envelopes"].is_null(), "{r}");
        }
    }
    for op in THRESHOLD.iter().chain(&ABE) {
        assert_eq!(
            results.iter().filter(|r| r["operation"] == *op).count(),
            1,
            "{op}"
        );
    }
    let upload = results
        .iter()
        .find(|r| r["operation"] == "upload_batch_verify")
        .expect("an upload_batch_verify row");
    assert_eq!(upload["baseline"], "10 x Collector::accept (one by one)");
    let group_verify = results
        .iter()
        .find(|r| r["operation"] == "group_verify")
        .expect("a group_verify row");
    assert_eq!(
        group_verify["baseline"],
        "blst verify (one-key BLS signature)"
    );
    let proof_gen = results
        .iter()
        .find(|r| r["operation"] == "proof_gen")
        .expect("a proof_gen row");
    assert_eq!(proof_gen["disclosed"], 2);
    assert_eq!(proof_gen["baseline"], "msm_ct");
}

#[test]
fn zero_iterations_is_a_usage_error() {
    let output = credkit(&["bench", "--iterations", "0"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(output.stdout.is_empty());
}
