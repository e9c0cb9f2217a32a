//! Holder-bound credentials on the command line: `credkit request`, `issue --request`,
//! `present --secret --pseudonym-context` and `verify --pseudonym-context`, run as processes
//! on the test data of `tests/data` (TEST ONLY keys, see its README). Expected outputs,
//! failures included, are written out in full: stdout, stderr and exit status.
//!
//! Requests, holder-bound credentials and their presentations are random: for them the
//! shape, the file modes, and what `verify` makes of them are pinned, and every run checks
//! that no holder secret, issuer entropy or issuer secret key reaches its output.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

fn data(file: &str) -> String {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data");
    fs::read_to_string(dir.join(file)).expect("read a file of tests/data")
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Asserts a run's exit status, stdout and stderr at once, so a failure shows all three.
#[track_caller]
fn assert_run(run: &Run, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(code), stdout, stderr)
    );
}

/// The secret fields of the documents that hold them.
const SECRET_FIELDS: [&str; 4] = [
    "secret_key",
    "nym_secrets",
    "prover_blind",
    "signer_nym_entropy",
];

/// A fresh folder under the system's temporary folder, removed on drop, holding:
///
/// - `issuer.key`, `shake.key`: the TEST ONLY secret keys (SHA-256, SHAKE-256);
/// - `issuer.pub`: the SHA-256 key's public key;
/// - `schema.json`, `patient.json`: the patient schema and attributes;
/// - `cred.json`: the plain credential `credkit issue` makes of them.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "credkit-holder-{test}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).expect("create a temporary folder");
        let dir = TempDir(path);
        dir.write("issuer.key", data("TEST-ONLY-issuer-sha256.key"));
        dir.write("shake.key", data("TEST-ONLY-issuer-shake256.key"));
        dir.write("schema.json", data("schema.json"));
        dir.write("patient.json", data("patient.json"));
        dir.write("cred.json", data("credential-sha256.json"));
        let public = dir.credkit(&["pubkey", "issuer.key"]);
        dir.write("issuer.pub", public.stdout);
        dir
    }

    fn path(&self) -> &Path {
        &self.0
    }

    fn write(&self, relative: &str, contents: impl AsRef<[u8]>) {
        fs::write(self.0.join(relative), contents).expect("write a temporary file");
    }

    fn read(&self, relative: &str) -> String {
        fs::read_to_string(self.0.join(relative)).expect("read a temporary file")
    }

    fn exists(&self, relative: &str) -> bool {
        self.0.join(relative).exists()
    }

    /// Writes `relative` as `original` with `from` replaced by `to` (which must occur).
    fn write_edited(&self, relative: &str, original: &str, from: &str, to: &str) {
        assert!(original.contains(from), "{from:?} is not in the original");
        self.write(relative, original.replacen(from, to, 1));
    }

    /// Every secret value in the folder's files, as they are written and in lowercase hex.
    fn secrets(&self) -> Vec<String> {
        let mut out = Vec::new();
        for entry in fs::read_dir(&self.0).expect("list the folder") {
            let path = entry.expect("a folder entry").path();
            let Ok(text) = fs::read_to_string(&path) else {
                continue;
            };
            let Ok(doc) = serde_json::from_str::<Value>(&text) else {
                continue;
            };
            for field in SECRET_FIELDS {
                if let Some(value) = doc[field].as_str() {
                    out.push(value.to_owned());
                    let bytes = base64_decode(value);
                    out.push(bytes.iter().map(|b| format!("{b:02x}")).collect());
                }
            }
        }
        out
    }

    /// Runs `credkit` with `args` in the folder, and checks that neither output shows a
    /// secret of a file in the folder, before or after the run.
    fn credkit(&self, args: &[&str]) -> Run {
        let before = self.secrets();
        let output = Command::new(env!("CARGO_BIN_EXE_credkit"))
            .args(args)
            .current_dir(&self.0)
            .stdin(Stdio::null())
            .output()
            .expect("the credkit binary runs");
        let run = Run {
            code: output.status.code(),
            stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
            stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        };
        for secret in before.iter().chain(&self.secrets()) {
            assert!(
                !run.stdout.contains(secret.as_str()) && !run.stderr.contains(secret.as_str()),
                "credkit {args:?} printed a secret"
            );
        }
        run
    }

    /// `credkit request` for `schema.json`: `request.json` and `holder.secret`.
    fn request(&self, extra: &[&str]) {
        let mut args = vec![
            "request",
            "--schema",
            "schema.json",
            "-o",
            "request.json",
            "--secret",
            "holder.secret",
        ];
        args.extend_from_slice(extra);
        assert_run(&self.credkit(&args), 0, "", "");
    }

    /// `credkit issue --request request.json` to `bound.json`.
    fn issue(&self) {
        let run = self.credkit(&[
            "issue",
            "--key",
            "issuer.key",
            "--schema",
            "schema.json",
            "--attrs",
            "patient.json",
            "--request",
            "request.json",
            "-o",
            "bound.json",
        ]);
        assert_run(&run, 0, "", "");
    }

    /// `credkit present` of `bound.json` with `holder.secret`: drug, dose_mg and refills,
    /// for `context`, with `nonce`, to `out`.
    fn present(&self, context: &str, nonce: &str, out: &str) -> Run {
        self.credkit(&[
            "present",
            "--credential",
            "bound.json",
            "--secret",
            "holder.secret",
            "--pseudonym-context",
            context,
            "--disclose",
            "drug,dose_mg,refills",
            "--nonce",
            nonce,
            "-o",
            out,
        ])
    }

    /// `credkit verify` of `presentation` under `issuer.pub`, with `nonce` and `extra`.
    fn verify(&self, presentation: &str, nonce: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "verify",
            "--issuer",
            "issuer.pub",
            "--presentation",
            presentation,
            "--nonce",
            nonce,
        ];
        args.extend_from_slice(extra);
        self.credkit(&args)
    }

    /// A requested, issued credential in `bound.json` with its `holder.secret`.
    fn holder(test: &str) -> Self {
        let dir = TempDir::new(test);
        dir.request(&[]);
        dir.issue();
        dir
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn base64_decode(text: &str) -> Vec<u8> {
    // base64url without padding, enough for the tests (no dependency on the base64 crate).
    let value = |c: u8| match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'-' => Some(62),
        b'_' => Some(63),
        _ => None,
    };
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in text.bytes() {
        let Some(v) = value(c) else { return Vec::new() };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("a JSON document")
}

/// The keys of a JSON object, sorted.
fn keys(doc: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = doc
        .as_object()
        .expect("a JSON object")
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// What the pharmacy sees of `TempDir::present`, but the pseudonym line.
const PHARMACY_SEES: &str = "drug: amoxicillin\ndose_mg: 500\nrefills: 2\n";

/// The pseudonym of a `verify` output: its last line, `pseudonym: <96 hex digits>`.
#[track_caller]
fn pseudonym(run: &Run) -> String {
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let rest = run
        .stdout
        .strip_prefix(PHARMACY_SEES)
        .expect("the attributes first");
    let hex = rest
        .strip_prefix("pseudonym: ")
        .and_then(|p| p.strip_suffix('\n'))
        .expect("then one pseudonym line");
    assert_eq!(hex.len(), 96);
    assert!(hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')));
    hex.to_owned()
}

const INVALID_PROOF: &str = "error: pres.json: the presentation does not verify: invalid proof\n\
     hint: it was made for another nonce, verifier id or pseudonym context, or altered since; \
     ask the holder for a new presentation for this nonce\n";

// ---- request ----

#[test]
fn request_writes_the_secret_0600_and_the_request() {
    let dir = TempDir::new("request");
    dir.request(&[]);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("holder.secret")), 0o600);
    let request = json(&dir.read("request.json"));
    assert_eq!(
        keys(&request),
        [
            "commitment",
            "nym_count",
            "schema_digest",
            "schema_id",
            "suite",
            "type",
            "version"
        ]
    );
    assert_eq!(request["type"], "credential-request");
    assert_eq!(request["suite"], "bls12-381-sha-256");
    assert_eq!(request["schema_id"], "urn:credkit:example:h1:patient:v1");
    assert_eq!(request["nym_count"], 1);
    // 48 + (2 + 1) * 32 = 144 bytes: 192 base64url characters.
    assert_eq!(request["commitment"].as_str().map(str::len), Some(192));
    let secret = json(&dir.read("holder.secret"));
    assert_eq!(
        keys(&secret),
        [
            "commitment",
            "nym_secrets",
            "prover_blind",
            "suite",
            "type",
            "version"
        ]
    );
    assert_eq!(secret["type"], "holder-secret");
    assert_eq!(secret["nym_secrets"].as_str().map(str::len), Some(43));
    // The request carries no secret.
    for field in ["nym_secrets", "prover_blind"] {
        let value = secret[field].as_str().expect("a string");
        assert!(!dir.read("request.json").contains(value));
    }

    // Never overwritten without --force, neither file; nothing written when one exists.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "-o",
        "new.json",
        "--secret",
        "holder.secret",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: holder.secret: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n\
         hint: a holder secret that is overwritten cannot be recovered, nor can the credentials \
         issued against its request be presented\n",
    );
    assert!(!dir.exists("new.json"));
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "-o",
        "request.json",
        "--secret",
        "new.secret",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(!dir.exists("new.secret"));

    // To standard output, with more secrets, under the other suite.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "-o",
        "-",
        "--secret",
        "five.secret",
        "--nyms",
        "5",
        "--suite",
        "shake256",
    ]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let request = json(&run.stdout);
    assert_eq!(request["nym_count"], 5);
    assert_eq!(request["suite"], "bls12-381-shake-256");
    assert_eq!(
        json(&dir.read("five.secret"))["suite"],
        "bls12-381-shake-256"
    );
}

#[test]
fn request_usage_errors() {
    let dir = TempDir::new("request-usage");
    assert_run(
        &dir.credkit(&[
            "request",
            "--schema",
            "schema.json",
            "-o",
            "r.json",
            "--secret",
            "-",
        ]),
        2,
        "",
        "error: refusing to write the holder secret to standard output\n\
         hint: give a file with `--secret FILE`; it never leaves the holder\n",
    );
    for (n, message) in [("0", "0 is not in 1..=64"), ("65", "65 is not in 1..=64")] {
        assert_run(
            &dir.credkit(&[
                "request",
                "--schema",
                "schema.json",
                "-o",
                "r.json",
                "--secret",
                "s",
                "--nyms",
                n,
            ]),
            2,
            "",
            &format!(
                "error: invalid value '{n}' for '--nyms <N>': {message}\n\n\
                 For more information, try '--help'.\n"
            ),
        );
    }
    assert_run(
        &dir.credkit(&[
            "request",
            "--schema",
            "cred.json",
            "-o",
            "r.json",
            "--secret",
            "s",
        ]),
        2,
        "",
        "error: cred.json: expected a `schema` document, found `credential`\n\
         hint: --schema takes a schema document, --attrs a JSON object of attribute values \
         (SPEC.md §4)\n",
    );
    assert!(!dir.exists("r.json") && !dir.exists("s"));
}

// ---- issue --request ----

#[test]
fn issue_against_a_request_writes_a_0600_credential() {
    let dir = TempDir::holder("issue");
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("bound.json")), 0o600);
    let cred = json(&dir.read("bound.json"));
    assert_eq!(
        keys(&cred),
        [
            "attributes",
            "commitment",
            "issuer",
            "nym_count",
            "schema",
            "signature",
            "signer_nym_entropy",
            "suite",
            "type",
            "version"
        ]
    );
    assert_eq!(cred["type"], "bound-credential");
    assert_eq!(cred["nym_count"], 1);
    assert_eq!(
        cred["commitment"],
        json(&dir.read("holder.secret"))["commitment"]
    );
    assert_eq!(cred["attributes"], json(&data("patient.json")));

    // Never to standard output, never over a file without --force.
    let issue = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "issue",
            "--key",
            "issuer.key",
            "--schema",
            "schema.json",
            "--attrs",
            "patient.json",
            "--request",
            "request.json",
            "-o",
            out,
        ];
        args.extend_from_slice(extra);
        dir.credkit(&args)
    };
    assert_run(
        &issue("-", &[]),
        2,
        "",
        "error: refusing to write a holder-bound credential to standard output\n\
         hint: give a file with `-o FILE` (written with mode 0600): the credential carries the \
         entropy of the holder's pseudonyms\n",
    );
    assert_run(
        &issue("bound.json", &[]),
        2,
        "",
        "error: bound.json: already exists; not overwriting it\nhint: pass --force to overwrite it\n",
    );
    assert_run(&issue("bound.json", &["--force"]), 0, "", "");
    // A request file that is missing or is something else.
    let run = dir.credkit(&[
        "issue",
        "--key",
        "issuer.key",
        "--schema",
        "schema.json",
        "--attrs",
        "patient.json",
        "--request",
        "holder.secret",
        "-o",
        "x.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: holder.secret: expected a `credential-request` document, found `holder-secret`\n\
         hint: --request takes the file that `credkit request -o FILE` writes\n",
    );
    let run = dir.credkit(&[
        "issue",
        "--key",
        "issuer.key",
        "--schema",
        "schema.json",
        "--attrs",
        "patient.json",
        "--request",
        "nowhere.json",
        "-o",
        "x.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: nowhere.json: cannot read the credential request: no such file or folder\n\
         hint: the holder writes one with `credkit request`\n",
    );
    assert!(!dir.exists("x.json"));
}

#[test]
fn issue_refuses_requests_for_another_schema_or_suite() {
    let dir = TempDir::new("issue-refused");
    let schema = data("schema.json");
    let issue = |request: &str| {
        dir.credkit(&[
            "issue",
            "--key",
            "issuer.key",
            "--schema",
            "schema.json",
            "--attrs",
            "patient.json",
            "--request",
            request,
            "-o",
            "x.json",
        ])
    };
    // Another schema id.
    dir.write_edited("other.json", &schema, "patient:v1", "patient:v2");
    let run = dir.credkit(&[
        "request",
        "--schema",
        "other.json",
        "-o",
        "other-request.json",
        "--secret",
        "o.secret",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &issue("other-request.json"),
        2,
        "",
        "error: other-request.json: the credential request is for another schema (its schema id \
         or digest differ)\n\
         hint: the request is for the schema `urn:credkit:example:h1:patient:v2`, schema.json is \
         `urn:credkit:example:h1:patient:v1`\n",
    );
    // The same id, other attributes.
    dir.write_edited("renamed.json", &schema, "\"refills\"", "\"repeats\"");
    let run = dir.credkit(&[
        "request",
        "--schema",
        "renamed.json",
        "-o",
        "renamed-request.json",
        "--secret",
        "r.secret",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &issue("renamed-request.json"),
        2,
        "",
        "error: renamed-request.json: the credential request is for another schema (its schema \
         id or digest differ)\n\
         hint: the request is for another version of the schema \
         `urn:credkit:example:h1:patient:v1` than schema.json: the holder must request with the \
         schema this issuer signs\n",
    );
    // Another suite.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "--suite",
        "shake256",
        "-o",
        "shake-request.json",
        "--secret",
        "s.secret",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &issue("shake-request.json"),
        2,
        "",
        "error: shake-request.json: the request is for suite bls12-381-shake-256, the issuer \
         key for bls12-381-sha-256\n\
         hint: the holder must request with `--suite sha256`\n",
    );
    // A commitment whose proof does not verify: one request's point with another's proof.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "-o",
        "request.json",
        "--secret",
        "holder.secret",
    ]);
    assert_run(&run, 0, "", "");
    let request = dir.read("request.json");
    let commitment = |doc: &str| {
        json(doc)["commitment"]
            .as_str()
            .expect("a commitment")
            .to_owned()
    };
    let (ours, theirs) = (
        commitment(&request),
        commitment(&dir.read("other-request.json")),
    );
    // The first 64 characters are the 48-byte point.
    dir.write_edited(
        "spliced.json",
        &request,
        &ours,
        &format!("{}{}", &ours[..64], &theirs[64..]),
    );
    assert_run(
        &issue("spliced.json"),
        2,
        "",
        "error: spliced.json: invalid commitment: its proof of correctness does not verify\n\
         hint: the request was altered or truncated; ask the holder for a new one\n",
    );
    // nym_count that is not the commitment's.
    dir.write_edited(
        "count.json",
        &request,
        "\"nym_count\": 1",
        "\"nym_count\": 2",
    );
    assert_run(
        &issue("count.json"),
        2,
        "",
        "error: count.json: expected 2 pseudonym secrets, found 1\n\
         hint: check the file against SPEC.md §4\n",
    );
    assert!(!dir.exists("x.json"));
}

// ---- present and verify ----

/// The issue's tests: one pharmacy sees the same pseudonym on every visit of one patient,
/// two pharmacies see different pseudonyms.
#[test]
fn one_pharmacy_one_pseudonym_two_pharmacies_two() {
    let dir = TempDir::holder("pseudonyms");
    assert_run(
        &dir.present("pharmacy-7", "n-0001", "visit-1.json"),
        0,
        "",
        "",
    );
    assert_run(
        &dir.present("pharmacy-7", "n-0002", "visit-2.json"),
        0,
        "",
        "",
    );
    assert_run(
        &dir.present("pharmacy-8", "n-0003", "elsewhere.json"),
        0,
        "",
        "",
    );
    let context = |id| ["--pseudonym-context", id];
    let first = pseudonym(&dir.verify("visit-1.json", "n-0001", &context("pharmacy-7")));
    let second = pseudonym(&dir.verify("visit-2.json", "n-0002", &context("pharmacy-7")));
    let other = pseudonym(&dir.verify("elsewhere.json", "n-0003", &context("pharmacy-8")));
    assert_eq!(first, second, "one pharmacy, one pseudonym");
    assert_ne!(first, other, "two pharmacies, two pseudonyms");

    // The two visits' documents differ in their proofs only.
    let strip = |file: &str| {
        let mut doc = json(&dir.read(file));
        doc.as_object_mut().expect("an object").remove("proof");
        doc
    };
    assert_eq!(strip("visit-1.json"), strip("visit-2.json"));
    assert_ne!(
        json(&dir.read("visit-1.json"))["proof"],
        json(&dir.read("visit-2.json"))["proof"]
    );

    // --json adds the pseudonym.
    let run = dir.verify(
        "visit-1.json",
        "n-0001",
        &["--pseudonym-context", "pharmacy-7", "--json"],
    );
    assert_run(
        &run,
        0,
        &format!(
            "{{\n  \"valid\": true,\n  \"issuer\": \"tGIMxR0tNDj-RUl5OOTTPi_NUFuhEBezTA5OG8OXAuw\",\n  \
             \"schema\": \"urn:credkit:example:h1:patient:v1\",\n  \"disclosed\": {{\n    \
             \"drug\": \"amoxicillin\",\n    \"dose_mg\": 500,\n    \"refills\": 2\n  }},\n  \
             \"pseudonym\": \"{first}\"\n}}\n"
        ),
        "",
    );
    // A second patient at pharmacy-7: another pseudonym.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "-o",
        "r2.json",
        "--secret",
        "h2.secret",
    ]);
    assert_run(&run, 0, "", "");
    let run = dir.credkit(&[
        "issue",
        "--key",
        "issuer.key",
        "--schema",
        "schema.json",
        "--attrs",
        "patient.json",
        "--request",
        "r2.json",
        "-o",
        "b2.json",
    ]);
    assert_run(&run, 0, "", "");
    let run = dir.credkit(&[
        "present",
        "--credential",
        "b2.json",
        "--secret",
        "h2.secret",
        "--pseudonym-context",
        "pharmacy-7",
        "--disclose",
        "drug,dose_mg,refills",
        "--nonce",
        "n-0004",
        "-o",
        "p2.json",
    ]);
    assert_run(&run, 0, "", "");
    assert_ne!(
        pseudonym(&dir.verify("p2.json", "n-0004", &context("pharmacy-7"))),
        first
    );
}

#[test]
fn present_needs_the_holder_secret() {
    let dir = TempDir::holder("present-secret");
    // No secret given: clap, or the credential's own kind, says what is missing.
    let run = dir.credkit(&[
        "present",
        "--credential",
        "bound.json",
        "--disclose",
        "drug",
        "--nonce",
        "n",
        "-o",
        "pres.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: bound.json: a holder-bound credential is presented only with its holder's \
         secret\n\
         hint: give --secret FILE, the file `credkit request` wrote with the request, and \
         --pseudonym-context ID, the verifier's context\n",
    );
    let run = dir.credkit(&[
        "present",
        "--credential",
        "bound.json",
        "--pseudonym-context",
        "pharmacy-7",
        "--disclose",
        "drug",
        "--nonce",
        "n",
        "-o",
        "pres.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: the following required arguments were not provided:\n  --secret <FILE>\n\n\
         Usage: credkit present --credential <FILE> --disclose <NAMES> --nonce <NONCE> \
         --output <FILE> --pseudonym-context <ID> --secret <FILE>\n\n\
         For more information, try '--help'.\n",
    );
    let run = dir.credkit(&[
        "present",
        "--credential",
        "bound.json",
        "--secret",
        "holder.secret",
        "--disclose",
        "drug",
        "--nonce",
        "n",
        "-o",
        "pres.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: the following required arguments were not provided:\n  \
         --pseudonym-context <ID>\n\n\
         Usage: credkit present --credential <FILE> --disclose <NAMES> --nonce <NONCE> \
         --output <FILE> --secret <FILE> --pseudonym-context <ID>\n\n\
         For more information, try '--help'.\n",
    );
    // The secret file is missing.
    assert_run(
        &dir.present_with_secret("nowhere.secret"),
        2,
        "",
        "error: nowhere.secret: cannot read the holder secret: no such file or folder\n\
         hint: the holder writes it with `credkit request --secret nowhere.secret`; a \
         holder-bound credential cannot be presented without the secret of its request\n",
    );
    // Another request's secret: the copied credential is useless with it.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "-o",
        "thief.json",
        "--secret",
        "thief.secret",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &dir.present_with_secret("thief.secret"),
        2,
        "",
        "error: thief.secret: the holder secret is not the one this credential was requested \
         with\n\
         hint: give the secret file that `credkit request --secret FILE` wrote with the request \
         this credential was issued for; a credential cannot be presented with another\n",
    );
    // The thief's secret made to name the credential's commitment: it does not open it.
    let thief = dir.read("thief.secret");
    let theirs = json(&thief)["commitment"]
        .as_str()
        .expect("a commitment")
        .to_owned();
    let ours = json(&dir.read("holder.secret"))["commitment"]
        .as_str()
        .expect("a commitment")
        .to_owned();
    dir.write_edited("forged.secret", &thief, &theirs, &ours);
    assert_run(
        &dir.present_with_secret("forged.secret"),
        2,
        "",
        "error: forged.secret: the holder secret's commitment does not match its secrets\n\
         hint: the file was altered; a holder secret cannot be repaired, ask the issuer for a \
         new credential against a new `credkit request`\n",
    );
    // Another suite's secret.
    let run = dir.credkit(&[
        "request",
        "--schema",
        "schema.json",
        "--suite",
        "shake256",
        "-o",
        "s.json",
        "--secret",
        "shake.secret",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &dir.present_with_secret("shake.secret"),
        2,
        "",
        "error: shake.secret: the holder secret is for suite bls12-381-shake-256, bound.json for \
         bls12-381-sha-256\n\
         hint: a holder-bound credential is presented with the secret of its own request; this \
         one was requested with `--suite sha256`\n",
    );
    // A file of another type.
    assert_run(
        &dir.present_with_secret("request.json"),
        2,
        "",
        "error: request.json: expected a `holder-secret` document, found `credential-request`\n\
         hint: --secret takes the holder secret file that `credkit request --secret FILE` \
         writes\n",
    );
    assert!(!dir.exists("pres.json"));
    // The right one.
    assert_run(&dir.present_with_secret("holder.secret"), 0, "", "");
}

impl TempDir {
    fn present_with_secret(&self, secret: &str) -> Run {
        self.credkit(&[
            "present",
            "--credential",
            "bound.json",
            "--secret",
            secret,
            "--pseudonym-context",
            "pharmacy-7",
            "--disclose",
            "drug,dose_mg,refills",
            "--nonce",
            "n-0001",
            "-o",
            "pres.json",
        ])
    }
}

#[test]
fn present_refuses_altered_credentials_and_bad_contexts() {
    let dir = TempDir::holder("present-altered");
    let bound = dir.read("bound.json");
    dir.write_edited("bound.json", &bound, "\"refills\": 2", "\"refills\": 5");
    assert_run(
        &dir.present("pharmacy-7", "n", "pres.json"),
        1,
        "",
        "error: bound.json: the credential's signature does not verify\n\
         hint: the file was altered after it was issued, or the issuer it names did not sign \
         it; ask the issuer for a new credential\n",
    );
    dir.write_edited("bound.json", &bound, "\"nym_count\": 1", "\"nym_count\": 2");
    assert_run(
        &dir.present("pharmacy-7", "n", "pres.json"),
        2,
        "",
        "error: bound.json: expected 2 pseudonym secrets, found 1\n\
         hint: check the file against SPEC.md §4\n",
    );
    dir.write("bound.json", &bound);
    let long = "x".repeat(256);
    assert_run(
        &dir.present(&long, "n", "pres.json"),
        2,
        "",
        &format!(
            "error: invalid value '{long}' for '--pseudonym-context <ID>': a pseudonym context is \
             1 to 255 bytes of UTF-8\n\nFor more information, try '--help'.\n"
        ),
    );
    assert_run(&dir.present(&long[..255], "n", "pres.json"), 0, "", "");
    // A plain credential takes no secret.
    let run = dir.credkit(&[
        "present",
        "--credential",
        "cred.json",
        "--secret",
        "holder.secret",
        "--pseudonym-context",
        "pharmacy-7",
        "--disclose",
        "drug",
        "--nonce",
        "n",
        "-o",
        "p.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: cred.json: not a holder-bound credential; --secret and --pseudonym-context are \
         for credentials issued with `credkit issue --request`\n\
         hint: present it without --secret and --pseudonym-context\n",
    );
    assert!(!dir.exists("p.json"));
}

#[test]
fn verify_under_the_verifiers_own_context() {
    let dir = TempDir::holder("verify-context");
    assert_run(&dir.present("pharmacy-7", "n-0001", "pres.json"), 0, "", "");
    // Another pharmacy: refused, named by the context the presentation states.
    let mismatch = "error: pres.json: the presentation does not verify: the presentation was made \
         for another pseudonym context\n\
         hint: it was made for another verifier; ask the holder for a presentation with \
         `--pseudonym-context pharmacy-8`\n";
    assert_run(
        &dir.verify(
            "pres.json",
            "n-0001",
            &["--pseudonym-context", "pharmacy-8"],
        ),
        1,
        "",
        mismatch,
    );
    assert_run(
        &dir.verify(
            "pres.json",
            "n-0001",
            &["--pseudonym-context", "pharmacy-8", "--json"],
        ),
        1,
        "{\n  \"valid\": false,\n  \"error\": \"pres.json: the presentation does not verify: the \
         presentation was made for another pseudonym context\"\n}\n",
        mismatch,
    );
    // The stated context rewritten to pharmacy-8's: the proof fails (the pseudonym is
    // pharmacy-7's).
    let pres = dir.read("pres.json");
    dir.write_edited(
        "relabelled.json",
        &pres,
        "\"pseudonym_context\": \"cGhhcm1hY3ktNw\"",
        "\"pseudonym_context\": \"cGhhcm1hY3ktOA\"",
    );
    assert_run(
        &dir.verify(
            "relabelled.json",
            "n-0001",
            &["--pseudonym-context", "pharmacy-8"],
        ),
        1,
        "",
        &INVALID_PROOF.replace("pres.json", "relabelled.json"),
    );
    // No context: a holder-bound presentation needs the verifier's.
    assert_run(
        &dir.verify("pres.json", "n-0001", &[]),
        2,
        "",
        "error: pres.json: a holder-bound presentation is verified under this verifier's \
         pseudonym context\n\
         hint: give it with --pseudonym-context ID\n",
    );
    // Another nonce.
    assert_run(
        &dir.verify(
            "pres.json",
            "n-0002",
            &["--pseudonym-context", "pharmacy-7"],
        ),
        1,
        "",
        INVALID_PROOF,
    );
    // A verifier that demands a pseudonym refuses a plain presentation.
    let run = dir.credkit(&[
        "present",
        "--credential",
        "cred.json",
        "--disclose",
        "drug",
        "--nonce",
        "n-0001",
        "-o",
        "plain.json",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &dir.verify(
            "plain.json",
            "n-0001",
            &["--pseudonym-context", "pharmacy-7"],
        ),
        1,
        "",
        "error: plain.json: the presentation carries no pseudonym: it is not holder-bound\n\
         hint: it was made from a credential issued without `--request`; verify it without \
         --pseudonym-context to accept it without a pseudonym\n",
    );
    assert_run(
        &dir.verify("plain.json", "n-0001", &[]),
        0,
        "drug: amoxicillin\n",
        "",
    );
}

#[test]
fn verify_refuses_tampered_presentations() {
    let dir = TempDir::holder("verify-tampered");
    assert_run(&dir.present("pharmacy-7", "n-0001", "pres.json"), 0, "", "");
    assert_run(
        &dir.present("pharmacy-8", "n-0001", "other.json"),
        0,
        "",
        "",
    );
    let pres = dir.read("pres.json");
    let ctx = ["--pseudonym-context", "pharmacy-7"];
    let field = |doc: &str, name: &str| json(doc)[name].as_str().expect("a string").to_owned();
    let nym = field(&pres, "pseudonym");
    // Another pharmacy's pseudonym pasted in.
    dir.write_edited(
        "pres.json",
        &pres,
        &nym,
        &field(&dir.read("other.json"), "pseudonym"),
    );
    assert_run(
        &dir.verify("pres.json", "n-0001", &ctx),
        1,
        "",
        INVALID_PROOF,
    );
    // A pseudonym with a bit flipped: not a point of the group, or another pseudonym.
    let mut flipped = nym.clone().into_bytes();
    flipped[20] = if flipped[20] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ASCII");
    dir.write_edited("pres.json", &pres, &nym, &flipped);
    let run = dir.verify("pres.json", "n-0001", &ctx);
    assert!(
        (run.code == Some(1) && run.stderr == INVALID_PROOF)
            || (run.code == Some(2)
                && run
                    .stderr
                    .starts_with("error: pres.json: field `pseudonym`: malformed encoding")),
        "{}",
        run.stderr
    );
    // A pseudonym cut short.
    dir.write_edited("pres.json", &pres, &nym, &nym[..60]);
    assert_run(
        &dir.verify("pres.json", "n-0001", &ctx),
        2,
        "",
        "error: pres.json: field `pseudonym`: malformed encoding: wrong length: expected 48 \
         bytes, found 45\n\
         hint: the file was altered or truncated; check it against SPEC.md §4\n",
    );
    // A disclosed value, the number of secrets.
    dir.write_edited("pres.json", &pres, "\"dose_mg\": 500", "\"dose_mg\": 5000");
    assert_run(
        &dir.verify("pres.json", "n-0001", &ctx),
        1,
        "",
        INVALID_PROOF,
    );
    dir.write_edited("pres.json", &pres, "\"nym_count\": 1", "\"nym_count\": 2");
    assert_run(
        &dir.verify("pres.json", "n-0001", &ctx),
        1,
        "",
        INVALID_PROOF,
    );
    dir.write_edited("pres.json", &pres, "\"nym_count\": 1", "\"nym_count\": 0");
    assert_run(
        &dir.verify("pres.json", "n-0001", &ctx),
        2,
        "",
        "error: pres.json: expected 1 pseudonym secrets, found 0\n\
         hint: check the file against SPEC.md §4\n",
    );
    // An unknown field, a repeated one.
    dir.write_edited(
        "pres.json",
        &pres,
        "\"nym_count\"",
        "\"extra\": 1, \"nym_count\"",
    );
    let run = dir.verify("pres.json", "n-0001", &ctx);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: pres.json: unknown field `extra`"),
        "{}",
        run.stderr
    );
    dir.write_edited(
        "pres.json",
        &pres,
        "\"nym_count\": 1",
        "\"nym_count\": 1, \"nym_count\": 1",
    );
    let run = dir.verify("pres.json", "n-0001", &ctx);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: pres.json: duplicate field `nym_count`"),
        "{}",
        run.stderr
    );
    // Untouched, it verifies.
    dir.write("pres.json", &pres);
    assert_eq!(pseudonym(&dir.verify("pres.json", "n-0001", &ctx)), {
        let bytes = base64_decode(&nym);
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    });
}

#[test]
fn help_lists_request_and_the_new_options() {
    let dir = TempDir::new("help");
    let run = dir.credkit(&["--help"]);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.trim_start().starts_with("request")),
        "{}",
        run.stdout
    );
    let run = dir.credkit(&["request", "--help"]);
    assert!(
        run.stdout.contains(
            "Usage: credkit request [OPTIONS] --schema <FILE> --secret <FILE> --output <FILE>"
        ),
        "{}",
        run.stdout
    );
    for (command, option) in [
        ("issue", "--request <FILE>"),
        ("present", "--secret <FILE>"),
        ("present", "--pseudonym-context <ID>"),
        ("verify", "--pseudonym-context <ID>"),
    ] {
        let run = dir.credkit(&[command, "--help"]);
        assert!(run.stdout.contains(option), "{command}: {}", run.stdout);
    }
}
