//! Every published fixture of draft-irtf-cfrg-bbs-signatures, both ciphersuites, vendored
//! verbatim in `vectors/bbs` (provenance in `vectors/bbs/SOURCE.txt`).

use credkit_bbs::fixtures::{run_fixture, Suite};

/// (path under vectors/bbs, contents)
const FIXTURES: &[(&str, &str)] = &[
    (
        "bls12-381-sha-256/keypair.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/keypair.json"),
    ),
    (
        "bls12-381-sha-256/generators.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/generators.json"),
    ),
    (
        "bls12-381-sha-256/h2s.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/h2s.json"),
    ),
    (
        "bls12-381-sha-256/MapMessageToScalarAsHash.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/MapMessageToScalarAsHash.json"),
    ),
    (
        "bls12-381-sha-256/mockedRng.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/mockedRng.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature001.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature001.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature002.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature002.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature003.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature003.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature004.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature004.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature005.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature005.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature006.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature006.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature007.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature007.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature008.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature008.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature009.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature009.json"),
    ),
    (
        "bls12-381-sha-256/signature/signature010.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/signature/signature010.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof001.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof001.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof002.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof002.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof003.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof003.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof004.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof004.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof005.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof005.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof006.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof006.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof007.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof007.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof008.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof008.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof009.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof009.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof010.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof010.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof011.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof011.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof012.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof012.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof013.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof013.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof014.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof014.json"),
    ),
    (
        "bls12-381-sha-256/proof/proof015.json",
        include_str!("../../../vectors/bbs/bls12-381-sha-256/proof/proof015.json"),
    ),
    (
        "bls12-381-shake-256/keypair.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/keypair.json"),
    ),
    (
        "bls12-381-shake-256/generators.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/generators.json"),
    ),
    (
        "bls12-381-shake-256/h2s.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/h2s.json"),
    ),
    (
        "bls12-381-shake-256/MapMessageToScalarAsHash.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/MapMessageToScalarAsHash.json"),
    ),
    (
        "bls12-381-shake-256/mockedRng.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/mockedRng.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature001.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature001.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature002.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature002.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature003.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature003.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature004.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature004.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature005.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature005.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature006.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature006.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature007.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature007.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature008.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature008.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature009.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature009.json"),
    ),
    (
        "bls12-381-shake-256/signature/signature010.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/signature/signature010.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof001.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof001.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof002.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof002.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof003.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof003.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof004.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof004.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof005.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof005.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof006.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof006.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof007.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof007.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof008.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof008.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof009.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof009.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof010.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof010.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof011.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof011.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof012.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof012.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof013.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof013.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof014.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof014.json"),
    ),
    (
        "bls12-381-shake-256/proof/proof015.json",
        include_str!("../../../vectors/bbs/bls12-381-shake-256/proof/proof015.json"),
    ),
];

fn suite_of(path: &str) -> Suite {
    Suite::from_folder(path.split('/').next().unwrap()).unwrap()
}

#[test]
fn every_fixture_passes() {
    let mut failures = vec![];
    for (path, json) in FIXTURES {
        let outcome = run_fixture(suite_of(path), json);
        if !outcome.passed {
            failures.push(format!(
                "{path} ({}): {}",
                outcome.case_name, outcome.detail
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "failed fixtures:\n{}",
        failures.join("\n")
    );
    assert_eq!(FIXTURES.len(), 2 * 30);
}

#[test]
fn valid_proofs_and_signatures_are_regenerated_byte_exact() {
    for (path, json) in FIXTURES {
        let outcome = run_fixture(suite_of(path), json);
        let valid = json.contains("\"valid\": true");
        if outcome.kind == "proof" && valid {
            assert!(
                outcome.detail.contains("regenerated byte-exact"),
                "{path}: {}",
                outcome.detail
            );
        }
        if outcome.kind == "signature" && valid {
            assert!(
                outcome.detail.contains("re-signed byte-exact"),
                "{path}: {}",
                outcome.detail
            );
        }
        if !valid && (outcome.kind == "proof" || outcome.kind == "signature") {
            assert!(
                outcome.detail.starts_with("invalid, rejected"),
                "{path}: {}",
                outcome.detail
            );
        }
    }
}

/// The runner itself must fail a fixture whose expected output is wrong, or whose verdict is
/// flipped: otherwise the tests above would prove nothing.
#[test]
fn runner_fails_tampered_fixtures() {
    for (path, json) in FIXTURES {
        let suite = suite_of(path);
        let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
        if let Some(valid) = value.pointer_mut("/result/valid") {
            let flipped = !valid.as_bool().unwrap();
            *valid = serde_json::Value::Bool(flipped);
            let outcome = run_fixture(suite, &value.to_string());
            assert!(
                !outcome.passed,
                "{path} with flipped verdict passed: {}",
                outcome.detail
            );
        }
    }
    // A wrong expected value in each recomputed fixture kind.
    for (path, field) in [
        ("keypair.json", "/keyPair/secretKey"),
        ("generators.json", "/Q1"),
        ("h2s.json", "/scalar"),
        ("mockedRng.json", "/mockedScalars/3"),
        ("MapMessageToScalarAsHash.json", "/cases/2/scalar"),
    ] {
        for suite in ["bls12-381-sha-256", "bls12-381-shake-256"] {
            let full = format!("{suite}/{path}");
            let json = FIXTURES.iter().find(|(p, _)| *p == full).unwrap().1;
            let mut value: serde_json::Value = serde_json::from_str(json).unwrap();
            let slot = value.pointer_mut(field).unwrap();
            let mut s = slot.as_str().unwrap().to_owned();
            let last = if s.ends_with('0') { "1" } else { "0" };
            s.replace_range(s.len() - 1.., last);
            *slot = serde_json::Value::String(s);
            let outcome = run_fixture(suite_of(&full), &value.to_string());
            assert!(!outcome.passed, "{full} with a wrong {field} passed");
        }
    }
}

#[test]
fn malformed_files_fail_without_panicking() {
    for junk in [
        "",
        "{",
        "[]",
        "{}",
        "{\"caseName\": 1}",
        "{\"signerKeyPair\": {}, \"signature\": 5}",
        "{\"signerPublicKey\": \"zz\", \"proof\": \"00\", \"result\": {\"valid\": true}}",
    ] {
        let outcome = run_fixture(Suite::Sha256, junk);
        assert!(!outcome.passed, "{junk:?} passed");
    }
}
