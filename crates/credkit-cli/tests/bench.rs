//! `credkit bench`, run as a process with few iterations (the numbers are not checked, only
//! that every operation is measured and reported).

use std::process::{Command, Output};

use serde_json::Value;

const OPERATIONS: [&str; 8] = [
    "g1_mul",
    "pairing_2",
    "msm_vartime",
    "msm_ct",
    "sign",
    "verify",
    "proof_gen",
    "proof_verify",
];

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
        assert!(
            text.lines().any(|l| l.starts_with(&format!("{op} "))),
            "no row for {op}:\n{text}"
        );
    }
    // Both sizes, both suites: 4 BBS operations x 2 L x 2 suites, 2 MSMs x 2 L, and 2 more.
    let rows = text
        .lines()
        .filter(|l| OPERATIONS.iter().any(|op| l.starts_with(&format!("{op} "))))
        .count();
    assert_eq!(rows, 16 + 4 + 2, "{text}");
    for needle in [
        "bls12-381-sha-256",
        "bls12-381-shake-256",
        " 100  ",
        "2U+7 secret terms",
        "median of 1 run after 2 warm-ups",
    ] {
        assert!(text.contains(needle), "missing {needle:?}:\n{text}");
    }
    let sign = text
        .lines()
        .find(|l| l.starts_with("sign "))
        .unwrap_or_default();
    assert!(sign.ends_with("msm_vartime + g1_mul"), "{sign}");
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
    // L = 10 only: g1_mul, pairing_2, 2 MSMs, 4 operations x 2 suites.
    assert_eq!(results.len(), 12);
    for op in OPERATIONS {
        assert!(
            results.iter().any(|r| r["operation"] == op),
            "no result for {op}"
        );
    }
    for r in results {
        assert!(r["median_ns"].as_u64().is_some_and(|ns| ns > 0), "{r}");
        let bbs = ["sign", "verify", "proof_gen", "proof_verify"]
            .iter()
            .any(|op| r["operation"] == *op);
        assert_eq!(r["suite"].is_string(), bbs, "{r}");
        assert_eq!(r["ratio"].is_f64(), bbs, "{r}");
        assert_eq!(r["baseline_ns"].is_u64(), bbs, "{r}");
        if bbs {
            assert_eq!(r["l"], 10, "{r}");
        }
    }
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
