//! `credkit vectors`, run as a process on the vendored fixtures (`vectors/bbs`) and on tampered,
//! misplaced and broken copies of them. Expected outputs are written out in full.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// `vectors/bbs` of the workspace.
fn bbs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors/bbs")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `credkit` with `args` in the folder `cwd`.
fn credkit(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_credkit"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the credkit binary runs");
    Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// A fresh folder under the system's temporary folder, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "credkit-cli-{test}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).expect("create a temporary folder");
        TempDir(path)
    }

    /// Writes `contents` to `relative` under the folder, creating folders on the way.
    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        let path = self.0.join(relative);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).expect("create folders");
        }
        fs::write(path, contents).expect("write a temporary file");
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn fixture(relative: &str) -> String {
    fs::read_to_string(bbs_dir().join(relative)).expect("read a vendored fixture")
}

/// The fixtures of one suite folder, with their case names, in the order `credkit vectors` runs
/// them (sorted by path; upper case before lower case). Both suites have the same case names.
const SUITE_FILES: &[(&str, &str)] = &[
    ("MapMessageToScalarAsHash.json", "MapMessageToScalar fixture"),
    ("generators.json", ""),
    ("h2s.json", "Hash to scalar output"),
    ("keypair.json", "key pair fixture"),
    ("mockedRng.json", "mocked random scalars"),
    ("proof/proof001.json", "valid single message signature, single-message revealed proof"),
    ("proof/proof002.json", "valid multi-message signature, all messages revealed proof"),
    ("proof/proof003.json", "valid multi-message signature, multiple messages revealed proof"),
    ("proof/proof004.json", "invalid multi-message signature, all messages revealed proof (different presentation header)"),
    ("proof/proof005.json", "invalid multi-message signature, all messages revealed proof (wrong public key)"),
    ("proof/proof006.json", "invalid multi-message signature, all messages revealed proof (modified messages)"),
    ("proof/proof007.json", "invalid multi-message signature, all messages revealed proof (extra message un-revealed in proof)"),
    ("proof/proof008.json", "invalid multi-message signature, all messages revealed proof (extra message invalid message un-revealed in proof)"),
    ("proof/proof009.json", "invalid multi-message signature, all messages revealed proof (missing message revealed in proof)"),
    ("proof/proof010.json", "invalid multi-message signature, all messages revealed proof (re-ordered messages)"),
    ("proof/proof011.json", "invalid multi-message signature, all messages revealed proof (extra valid message, modified total message count)"),
    ("proof/proof012.json", "invalid multi-message signature, all messages revealed proof (truncated proof, one less undisclosed message)"),
    ("proof/proof013.json", "invalid multi-message signature, all messages revealed proof (different header)"),
    ("proof/proof014.json", "valid multi-message signature, multiple messages revealed proof, no header"),
    ("proof/proof015.json", "valid multi-message signature, multiple messages revealed proof, no presentation header"),
    ("signature/signature001.json", "valid single message signature"),
    ("signature/signature002.json", "invalid single message signature (modified message)"),
    ("signature/signature003.json", "invalid single message signature (extra unsigned message)"),
    ("signature/signature004.json", "valid multi-message signature"),
    ("signature/signature005.json", "invalid multi-message signature (missing messages)"),
    ("signature/signature006.json", "invalid multi-message signature (re-ordered messages)"),
    ("signature/signature007.json", "invalid multi-message signature (wrong public key)"),
    ("signature/signature008.json", "invalid multi-message signature (different header)"),
    ("signature/signature009.json", "invalid multi-message signature (re-ordered(randomly shuffled) messages)"),
    ("signature/signature010.json", "valid multi-message signature, no header"),
];

const NO_SUITE: &str =
    "cannot tell the ciphersuite from the path: no folder above the file is named \
                        bls12-381-sha-256 or bls12-381-shake-256";

#[test]
fn whole_folder_passes_and_skips_the_messages_list() {
    let run = credkit(&bbs_dir().join(".."), &["vectors", "bbs"]);
    let mut expected = String::new();
    for suite in ["bls12-381-sha-256", "bls12-381-shake-256"] {
        for (file, case) in SUITE_FILES {
            let case = if case.is_empty() {
                String::new()
            } else {
                format!(" {case}")
            };
            expected.push_str(&format!("PASS bbs/{suite}/{file}{case}\n"));
        }
    }
    expected.push_str("SKIP bbs/messages.json (not a fixture: a JSON array)\n");
    expected.push_str("60 passed, 0 failed, 1 skipped\n");
    assert_eq!(run.stdout, expected);
    assert_eq!(
        run.stdout
            .lines()
            .filter(|l| l.starts_with("PASS "))
            .count(),
        60
    );
    assert_eq!(
        run.stdout.lines().last(),
        Some("60 passed, 0 failed, 1 skipped")
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr, "");
}

#[test]
fn one_valid_proof() {
    let run = credkit(
        &bbs_dir(),
        &["vectors", "bls12-381-shake-256/proof/proof003.json"],
    );
    assert_eq!(
        run.stdout,
        "PASS bls12-381-shake-256/proof/proof003.json valid multi-message signature, multiple messages revealed proof\n\
         1 passed, 0 failed\n"
    );
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr, "");
}

#[test]
fn one_invalid_signature_is_rejected_so_it_passes() {
    let run = credkit(
        &bbs_dir(),
        &["vectors", "bls12-381-sha-256/signature/signature002.json"],
    );
    assert_eq!(
        run.stdout,
        "PASS bls12-381-sha-256/signature/signature002.json invalid single message signature (modified message)\n\
         1 passed, 0 failed\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn valid_flipped_to_invalid_fails() {
    let dir = TempDir::new("flipped");
    let original = fixture("bls12-381-sha-256/proof/proof001.json");
    let tampered = original.replacen("\"valid\": true", "\"valid\": false", 1);
    assert_ne!(tampered, original, "proof001.json says `\"valid\": true`");
    dir.write("bls12-381-sha-256/proof001.json", tampered);
    let run = credkit(&dir.0, &["vectors", "bls12-381-sha-256/proof001.json"]);
    assert_eq!(
        run.stdout,
        "FAIL bls12-381-sha-256/proof001.json valid single message signature, single-message revealed proof: \
         invalid case accepted\n\
         0 passed, 1 failed\n"
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
}

#[test]
fn signature_under_another_header_fails() {
    let dir = TempDir::new("header");
    let original = fixture("bls12-381-shake-256/signature/signature001.json");
    let value: Value = serde_json::from_str(&original).expect("fixture is JSON");
    let header = value["header"].as_str().expect("fixture has a header");
    let tampered = original.replacen(header, "00", 1);
    dir.write("bls12-381-shake-256/signature/signature001.json", tampered);
    let run = credkit(&dir.0, &["vectors", "bls12-381-shake-256"]);
    assert_eq!(
        run.stdout,
        "FAIL bls12-381-shake-256/signature/signature001.json valid single message signature: \
         valid case rejected: invalid signature\n\
         0 passed, 1 failed\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn copied_to_the_wrong_suite_fails() {
    // A SHA-256 proof under the SHAKE-256 folder is verified with the wrong hashes.
    let dir = TempDir::new("wrong-suite");
    dir.write(
        "bls12-381-shake-256/proof/proof001.json",
        fixture("bls12-381-sha-256/proof/proof001.json"),
    );
    let run = credkit(&dir.0, &["vectors", "."]);
    assert_eq!(
        run.stdout,
        "FAIL ./bls12-381-shake-256/proof/proof001.json valid single message signature, single-message revealed proof: \
         valid case rejected: invalid proof\n\
         0 passed, 1 failed\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn file_outside_any_suite_folder_fails() {
    let dir = TempDir::new("no-suite");
    dir.write(
        "fixtures/proof001.json",
        fixture("bls12-381-sha-256/proof/proof001.json"),
    );
    let run = credkit(&dir.0, &["vectors", "fixtures/proof001.json"]);
    assert_eq!(
        run.stdout,
        format!(
            "FAIL fixtures/proof001.json valid single message signature, single-message revealed proof: {NO_SUITE}\n\
             0 passed, 1 failed\n"
        )
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn suite_is_found_from_inside_the_suite_folder() {
    // `./proof001.json` names no folder: the suite comes from the file's canonical path.
    let run = credkit(
        &bbs_dir().join("bls12-381-sha-256/proof"),
        &["vectors", "./proof001.json"],
    );
    assert_eq!(
        run.stdout,
        "PASS ./proof001.json valid single message signature, single-message revealed proof\n\
         1 passed, 0 failed\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn non_json_files_fail() {
    let dir = TempDir::new("non-json");
    dir.write("bls12-381-sha-256/notes.json", "proof001 looked fine\n");
    dir.write("bls12-381-sha-256/binary.json", [0xffu8, 0xfe, 0x00]);
    dir.write("bls12-381-sha-256/empty.json", "");
    dir.write("bls12-381-sha-256/number.json", "42");
    dir.write(
        "bls12-381-sha-256/object.json",
        "{\"caseName\": \"mystery\", \"x\": 1}",
    );
    // Not `*.json`: not looked at in a folder.
    dir.write("bls12-381-sha-256/README.txt", "not a fixture");
    let run = credkit(&dir.0, &["vectors", "bls12-381-sha-256"]);
    assert_eq!(
        run.stdout,
        "FAIL bls12-381-sha-256/binary.json: not JSON: not UTF-8 text (invalid byte at offset 0)\n\
         FAIL bls12-381-sha-256/empty.json: not JSON: EOF while parsing a value at line 1 column 0\n\
         FAIL bls12-381-sha-256/notes.json: not JSON: expected value at line 1 column 1\n\
         FAIL bls12-381-sha-256/number.json: not a fixture of a known kind\n\
         FAIL bls12-381-sha-256/object.json mystery: not a fixture of a known kind\n\
         0 passed, 5 failed\n"
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
}

#[test]
fn missing_path_fails() {
    let run = credkit(
        &bbs_dir(),
        &["vectors", "bls12-381-sha-256/proof/proof999.json"],
    );
    assert_eq!(
        run.stdout,
        "FAIL bls12-381-sha-256/proof/proof999.json: cannot read: no such file or folder\n\
         0 passed, 1 failed\n"
    );
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
}

#[test]
fn several_paths_run_in_the_order_given() {
    let run = credkit(
        &bbs_dir(),
        &[
            "vectors",
            "messages.json",
            "no-such-folder",
            "bls12-381-sha-256/signature/signature001.json",
        ],
    );
    assert_eq!(
        run.stdout,
        "SKIP messages.json (not a fixture: a JSON array)\n\
         FAIL no-such-folder: cannot read: no such file or folder\n\
         PASS bls12-381-sha-256/signature/signature001.json valid single message signature\n\
         1 passed, 1 failed, 1 skipped\n"
    );
    assert_eq!(run.code, Some(1));
}

#[test]
fn only_skipped_is_success() {
    let run = credkit(&bbs_dir(), &["vectors", "messages.json"]);
    assert_eq!(
        run.stdout,
        "SKIP messages.json (not a fixture: a JSON array)\n0 passed, 0 failed, 1 skipped\n"
    );
    assert_eq!(run.code, Some(0));
}

#[test]
fn hostile_count_does_not_crash() {
    // `count` far beyond what can be expanded: must end as a FAIL line, whatever the cause.
    let dir = TempDir::new("hostile");
    let mut value: Value =
        serde_json::from_str(&fixture("bls12-381-sha-256/mockedRng.json")).expect("JSON");
    value["count"] = Value::from(u64::MAX);
    dir.write("bls12-381-sha-256/mockedRng.json", value.to_string());
    let run = credkit(&dir.0, &["vectors", "bls12-381-sha-256"]);
    let mut lines = run.stdout.lines();
    let first = lines.next().unwrap_or_default();
    assert!(
        first.starts_with("FAIL bls12-381-sha-256/mockedRng.json mocked random scalars: "),
        "{first}"
    );
    assert_eq!(lines.next(), Some("0 passed, 1 failed"));
    assert_eq!(lines.next(), None);
    assert_eq!(run.code, Some(1));
    assert_eq!(run.stderr, "");
}

#[test]
fn json_output() {
    let run = credkit(
        &bbs_dir(),
        &[
            "vectors",
            "--json",
            "bls12-381-sha-256/proof/proof001.json",
            "bls12-381-shake-256/signature/signature007.json",
            "messages.json",
            "missing.json",
        ],
    );
    assert_eq!(run.code, Some(1));
    let doc: Value = serde_json::from_str(&run.stdout).expect("--json prints one JSON document");
    let results = doc["results"].as_array().expect("`results` is an array");
    assert_eq!(results.len(), 4);

    let proof = &results[0];
    assert_eq!(proof["path"], "bls12-381-sha-256/proof/proof001.json");
    assert_eq!(proof["suite"], "bls12-381-sha-256");
    assert_eq!(proof["kind"], "proof");
    assert_eq!(
        proof["case_name"],
        "valid single message signature, single-message revealed proof"
    );
    assert_eq!(proof["passed"], true);
    assert_eq!(proof["skipped"], false);
    assert_eq!(
        proof["detail"],
        "valid, verified, regenerated byte-exact from the mocked RNG"
    );

    let signature = &results[1];
    assert_eq!(
        signature["path"],
        "bls12-381-shake-256/signature/signature007.json"
    );
    assert_eq!(signature["suite"], "bls12-381-shake-256");
    assert_eq!(signature["kind"], "signature");
    assert_eq!(
        signature["case_name"],
        "invalid multi-message signature (wrong public key)"
    );
    assert_eq!(signature["passed"], true);
    assert_eq!(signature["skipped"], false);
    assert_eq!(signature["detail"], "invalid, rejected (invalid signature)");

    let messages = &results[2];
    assert_eq!(messages["path"], "messages.json");
    assert_eq!(messages["suite"], Value::Null);
    assert_eq!(messages["kind"], "unknown");
    assert_eq!(messages["case_name"], "");
    assert_eq!(messages["passed"], false);
    assert_eq!(messages["skipped"], true);
    assert_eq!(messages["detail"], "not a fixture: a JSON array");

    let missing = &results[3];
    assert_eq!(missing["path"], "missing.json");
    assert_eq!(missing["suite"], Value::Null);
    assert_eq!(missing["kind"], "unknown");
    assert_eq!(missing["case_name"], "");
    assert_eq!(missing["passed"], false);
    assert_eq!(missing["skipped"], false);
    assert_eq!(missing["detail"], "cannot read: no such file or folder");

    assert_eq!(doc["passed"], 2);
    assert_eq!(doc["failed"], 1);
    assert_eq!(doc["skipped"], 1);
    let keys: Vec<&String> = doc.as_object().expect("an object").keys().collect();
    assert_eq!(keys, ["failed", "passed", "results", "skipped"]);
}

#[test]
fn json_output_of_the_whole_folder() {
    let run = credkit(&bbs_dir(), &["vectors", "--json", "."]);
    assert_eq!(run.code, Some(0));
    let doc: Value = serde_json::from_str(&run.stdout).expect("--json prints one JSON document");
    assert_eq!(
        (
            doc["passed"].as_u64(),
            doc["failed"].as_u64(),
            doc["skipped"].as_u64()
        ),
        (Some(60), Some(0), Some(1))
    );
    let results = doc["results"].as_array().expect("`results` is an array");
    assert_eq!(results.len(), 61);
    for r in &results[..60] {
        assert_eq!(r["passed"], true, "{r}");
        assert!(r["suite"].is_string(), "{r}");
        assert_ne!(r["kind"], "unknown", "{r}");
    }
}

#[test]
fn usage_errors_exit_with_2() {
    let run = credkit(&bbs_dir(), &["vectors"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
    assert!(run.stderr.contains("<PATH>..."), "{}", run.stderr);

    let run = credkit(&bbs_dir(), &["vectors", "--frobnicate", "."]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");

    let run = credkit(&bbs_dir(), &["frobnicate"]);
    assert_eq!(run.code, Some(2));
    assert_eq!(run.stdout, "");
}

#[test]
fn help_goes_to_stdout_with_0() {
    let run = credkit(&bbs_dir(), &["vectors", "--help"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout
            .contains("Usage: credkit vectors [OPTIONS] <PATH>..."),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("--json"), "{}", run.stdout);
    // The hidden test flag of `bench` stays hidden.
    let run = credkit(&bbs_dir(), &["bench", "--help"]);
    assert_eq!(run.code, Some(0));
    assert!(run.stdout.contains("--iterations <N>"), "{}", run.stdout);
    assert!(!run.stdout.contains("--quick"), "{}", run.stdout);
}

/// `vectors/` of the workspace.
fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../vectors")
}

/// The blind and pseudonym families: every fixture passes, each proof is regenerated from the
/// family's shared messages, and the shared messages file is skipped as no fixture.
#[test]
fn blind_and_pseudonym_families_pass() {
    let run = credkit(
        &vectors_dir(),
        &["vectors", "bbs-blind", "bbs-pseudonyms", "--json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.stderr, "");
    let report: Value = serde_json::from_str(&run.stdout).expect("JSON report");
    assert_eq!(report["passed"], 76);
    assert_eq!(report["failed"], 0);
    assert_eq!(report["skipped"], 2);
    let results = report["results"].as_array().unwrap();
    let mut kinds = std::collections::BTreeMap::<String, usize>::new();
    for r in results {
        *kinds
            .entry(r["kind"].as_str().unwrap().to_owned())
            .or_default() += 1;
        let detail = r["detail"].as_str().unwrap();
        if r["kind"].as_str().unwrap().ends_with("roof") {
            assert!(detail.contains("regenerated byte-exact"), "{r}");
        }
    }
    let expected: std::collections::BTreeMap<String, usize> = [
        ("blindGenerators", 4),
        ("blindProof", 16),
        ("blindSignature", 10),
        ("commit", 4),
        ("nymCommit", 8),
        ("nymProof", 22),
        ("nymSignature", 12),
        ("unknown", 2),
    ]
    .into_iter()
    .map(|(k, n)| (k.to_owned(), n))
    .collect();
    assert_eq!(kinds, expected);
    let skipped: Vec<&str> = results
        .iter()
        .filter(|r| r["skipped"] == true)
        .map(|r| r["path"].as_str().unwrap())
        .collect();
    assert_eq!(
        skipped,
        ["bbs-blind/messages.json", "bbs-pseudonyms/messages.json"]
    );
}

/// A blind proof copied away from its family's messages is verified but not regenerated; a
/// tampered copy fails with the reason.
#[test]
fn blind_proof_outside_its_family() {
    let dir = TempDir::new("blind-proof");
    let text =
        fs::read_to_string(vectors_dir().join("bbs-blind/bls12-381-sha-256/proof/proof004.json"))
            .unwrap();
    dir.write("bls12-381-sha-256/proof004.json", &text);
    let run = credkit(
        &dir.0,
        &["vectors", "bls12-381-sha-256/proof004.json", "--json"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["results"][0]["detail"], "valid, verified");

    let mut v: Value = serde_json::from_str(&text).unwrap();
    v["presentationHeader"] = Value::String("00".into());
    dir.write("bls12-381-sha-256/tampered.json", v.to_string());
    let run = credkit(&dir.0, &["vectors", "bls12-381-sha-256/tampered.json"]);
    assert_eq!(run.code, Some(1));
    assert_eq!(
        run.stdout,
        "FAIL bls12-381-sha-256/tampered.json valid half prover committed messages and half signer messages revealed proof: valid case rejected: invalid proof\n\
         0 passed, 1 failed\n"
    );
}
