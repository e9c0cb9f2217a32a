//! `credkit keygen`, `pubkey`, `issue`, `present` and `verify`, run as processes on the test
//! keys and data of `tests/data` (TEST ONLY keys, see its README). Expected outputs, failures
//! included, are written out in full: stdout, stderr and exit status.
//!
//! Key generation and presentations are random: for them the shape, the file mode and what
//! `verify` makes of them are pinned. Signing is deterministic: `pubkey` and `issue` outputs
//! are pinned byte for byte.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// `tests/data` of this crate.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn data(file: &str) -> String {
    fs::read_to_string(data_dir().join(file)).expect("read a file of tests/data")
}

/// The `secret_key` of a secret key document.
fn secret_of(key_document: &str) -> String {
    let doc: Value = serde_json::from_str(key_document).expect("a key document is JSON");
    doc["secret_key"]
        .as_str()
        .expect("a secret key document has `secret_key`")
        .to_owned()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `credkit` with `args` in `cwd`, with `stdin` as its standard input (else none), and
/// checks that neither output shows the secret of a test key.
fn credkit_with_stdin(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_credkit"))
        .args(args)
        .current_dir(cwd)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the credkit binary runs");
    if let Some(bytes) = stdin {
        child
            .stdin
            .take()
            .expect("stdin is piped")
            .write_all(bytes)
            .expect("write to credkit's stdin");
    }
    let output = child.wait_with_output().expect("credkit ends");
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    for key in [SHA_KEY_FILE, SHAKE_KEY_FILE] {
        let secret = secret_of(&data(key));
        assert!(
            !run.stdout.contains(&secret) && !run.stderr.contains(&secret),
            "credkit {args:?} printed the secret of {key}"
        );
    }
    run
}

fn credkit(cwd: &Path, args: &[&str]) -> Run {
    credkit_with_stdin(cwd, args, None)
}

/// Asserts a run's exit status, stdout and stderr at once, so a failure shows all three.
#[track_caller]
fn assert_run(run: &Run, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(code), stdout, stderr)
    );
}

/// A fresh folder under the system's temporary folder, removed on drop, holding copies of the
/// test data under short names:
///
/// - `issuer.key`, `shake.key`: the TEST ONLY secret keys (SHA-256, SHAKE-256);
/// - `issuer.pub`, `issuer.jwk`, `issuer.multikey`: the SHA-256 key's public key, three ways;
/// - `schema.json`, `patient.json`: the patient schema and attributes;
/// - `cred.json`, `shake-cred.json`: the credentials `credkit issue` makes of them.
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
        let dir = TempDir(path);
        dir.write("issuer.key", data(SHA_KEY_FILE));
        dir.write("shake.key", data(SHAKE_KEY_FILE));
        dir.write("issuer.pub", PUBLIC_JSON);
        dir.write("issuer.jwk", PUBLIC_JWK);
        dir.write("issuer.multikey", PUBLIC_MULTIKEY);
        dir.write("schema.json", data("schema.json"));
        dir.write("patient.json", data("patient.json"));
        dir.write("cred.json", data("credential-sha256.json"));
        dir.write("shake-cred.json", data("credential-shake256.json"));
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

    fn credkit(&self, args: &[&str]) -> Run {
        credkit(&self.0, args)
    }

    /// `credkit present` of `cred.json` to the pharmacy: drug, dose_mg and refills, nonce
    /// `n-0001`, verifier `pharmacy-7`, written to `pres.json`.
    fn present(&self) {
        let run = self.credkit(&[
            "present",
            "--credential",
            "cred.json",
            "--disclose",
            "drug,dose_mg,refills",
            "--nonce",
            "n-0001",
            "--verifier",
            "pharmacy-7",
            "-o",
            "pres.json",
        ]);
        assert_run(&run, 0, "", "");
    }

    /// `credkit verify` of `presentation` against the key in `issuer`, with nonce `n-0001`
    /// and verifier `pharmacy-7`, and `extra` arguments.
    fn verify(&self, issuer: &str, presentation: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "verify",
            "--issuer",
            issuer,
            "--presentation",
            presentation,
            "--nonce",
            "n-0001",
            "--verifier",
            "pharmacy-7",
        ];
        args.extend_from_slice(extra);
        self.credkit(&args)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const SHA_KEY_FILE: &str = "TEST-ONLY-issuer-sha256.key";
const SHAKE_KEY_FILE: &str = "TEST-ONLY-issuer-shake256.key";

const KID: &str = "tGIMxR0tNDj-RUl5OOTTPi_NUFuhEBezTA5OG8OXAuw";

const PUBLIC_JSON: &str = r#"{
  "version": 1,
  "type": "public-key",
  "suite": "bls12-381-sha-256",
  "kid": "tGIMxR0tNDj-RUl5OOTTPi_NUFuhEBezTA5OG8OXAuw",
  "public_key": "k-9DwAx3x3Q05E47w9gwY4zMNq1QqsAPi8FToL37EX9xQNtGfdIQa2qru0Jw1RHdF4bnzkyo3Fo7RlvfY65fGEDCpM1kJHikBALVU4pCE5-S00PXCZ2gjeWbg4OVgber"
}
"#;

const PUBLIC_JWK: &str = r#"{
  "kty": "OKP",
  "crv": "BLS12381G2",
  "x": "k-9DwAx3x3Q05E47w9gwY4zMNq1QqsAPi8FToL37EX9xQNtGfdIQa2qru0Jw1RHdF4bnzkyo3Fo7RlvfY65fGEDCpM1kJHikBALVU4pCE5-S00PXCZ2gjeWbg4OVgber",
  "kid": "tGIMxR0tNDj-RUl5OOTTPi_NUFuhEBezTA5OG8OXAuw"
}
"#;

const PUBLIC_MULTIKEY: &str = "zUC77oDWzG2jwTTBLaziqXCxefkQurmEt8VL3gB9v64mGnjTH5yQEB9HRxe4S8JXBNTwsKsY7LSGMFm4JFbXb4M3ChnmAiTXh9cFgTY1ioZzHiEbMHdwZV1bC2pd15yWMdzuA4A\n";

const SHAKE_MULTIKEY: &str = "zUC78nEinprzBWLufYAbEnYoam3eCz37JVb6vbk7KanSkfz8Z1wXg7nhpbJ3Skv3WNgLfz6theTSGKMiREcj3zuDwQKqFaXHZbrvWTwpLRdZR98Qts1LHxCCyTHpCi99hJvyxjC\n";

/// What the pharmacy sees of the presentation `TempDir::present` makes.
const PHARMACY_SEES: &str = "drug: amoxicillin\ndose_mg: 500\nrefills: 2\n";

const ATTRIBUTES_HINT: &str = "hint: the schema `urn:credkit:example:h1:patient:v1` has the \
     attributes name (string), birth_date (date), patient_id (bytes), blood_type (string), \
     organ_donor (boolean), drug (string), dose_mg (integer), refills (integer), prescribed_on \
     (date)\n";

const INVALID_PROOF: &str = "error: pres.json: the presentation does not verify: invalid proof\n\
     hint: it was made for another nonce or verifier id, or altered since; ask the holder for a \
     new presentation for this nonce\n";

const FORMAT_HINT: &str = "hint: check the file against SPEC.md §4\n";

// ---- keygen ----

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

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

#[test]
fn keygen_writes_the_secret_key_0600_and_prints_the_public_key() {
    let dir = TempDir::new("keygen");
    let run = dir.credkit(&["keygen", "-o", "new.key"]);
    assert_eq!(run.code, Some(0));
    assert_eq!(run.stderr, "");
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("new.key")), 0o600);

    let public: Value = serde_json::from_str(&run.stdout).expect("stdout is a JSON document");
    assert_eq!(
        keys(&public),
        ["kid", "public_key", "suite", "type", "version"]
    );
    assert_eq!(public["version"], 1);
    assert_eq!(public["type"], "public-key");
    assert_eq!(public["suite"], "bls12-381-sha-256");
    assert_eq!(public["kid"].as_str().map(str::len), Some(43));
    assert_eq!(public["public_key"].as_str().map(str::len), Some(128));
    assert!(run
        .stdout
        .starts_with("{\n  \"version\": 1,\n  \"type\": \"public-key\",\n"));
    assert!(run.stdout.ends_with("\"\n}\n"));

    let file = dir.read("new.key");
    let secret: Value = serde_json::from_str(&file).expect("the key file is JSON");
    assert_eq!(
        keys(&secret),
        [
            "kid",
            "public_key",
            "secret_key",
            "suite",
            "type",
            "version"
        ]
    );
    assert_eq!(secret["type"], "secret-key");
    assert_eq!(secret["kid"], public["kid"]);
    assert_eq!(secret["public_key"], public["public_key"]);
    assert_eq!(secret["secret_key"].as_str().map(str::len), Some(43));
    assert!(!run.stdout.contains(&secret_of(&file)));

    // `pubkey` of the new file prints what keygen printed.
    let again = dir.credkit(&["pubkey", "new.key"]);
    assert_run(&again, 0, &run.stdout, "");
}

#[test]
fn keygen_shake256_json() {
    let dir = TempDir::new("keygen-shake");
    let run = dir.credkit(&[
        "keygen",
        "--suite",
        "shake256",
        "--json",
        "-o",
        "shake2.key",
    ]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let public: Value = serde_json::from_str(&run.stdout).expect("stdout is a JSON document");
    assert_eq!(public["suite"], "bls12-381-shake-256");
    let secret: Value = serde_json::from_str(&dir.read("shake2.key")).expect("JSON");
    assert_eq!(secret["suite"], "bls12-381-shake-256");
    assert_eq!(secret["kid"], public["kid"]);
}

#[test]
fn keygen_never_overwrites_without_force() {
    let dir = TempDir::new("keygen-exists");
    dir.write("old.key", "the old key\n");
    let run = dir.credkit(&["keygen", "-o", "old.key"]);
    assert_run(
        &run,
        2,
        "",
        "error: old.key: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n\
         hint: an issuer key that is overwritten cannot be recovered\n",
    );
    assert_eq!(dir.read("old.key"), "the old key\n");

    // With --force the file is replaced, and made private even if it was not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("old.key");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let run = dir.credkit(&["keygen", "-o", "old.key", "--force"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    assert!(dir.read("old.key").contains("\"type\": \"secret-key\""));
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("old.key")), 0o600);
}

#[test]
fn keygen_refuses_stdout() {
    let dir = TempDir::new("keygen-stdout");
    let run = dir.credkit(&["keygen", "-o", "-"]);
    assert_run(
        &run,
        2,
        "",
        "error: refusing to write a secret key to standard output\n\
         hint: give a file with `-o FILE`; `credkit pubkey FILE` then prints its public key\n",
    );
}

#[test]
fn keygen_into_a_missing_folder() {
    let dir = TempDir::new("keygen-folder");
    let run = dir.credkit(&["keygen", "-o", "no-such-folder/issuer.key"]);
    assert_run(
        &run,
        2,
        "",
        "error: no-such-folder/issuer.key: cannot create: no such file or folder\n\
         hint: create its folder first\n",
    );
}

#[test]
fn keygen_bad_suite_is_a_usage_error() {
    let dir = TempDir::new("keygen-suite");
    let run = dir.credkit(&["keygen", "--suite", "md5", "-o", "x.key"]);
    assert_run(
        &run,
        2,
        "",
        "error: invalid value 'md5' for '--suite <SUITE>'\n  \
         [possible values: sha256, shake256]\n\n\
         For more information, try '--help'.\n",
    );
    assert!(!dir.exists("x.key"));
    let run = dir.credkit(&["keygen"]);
    assert_run(
        &run,
        2,
        "",
        "error: the following required arguments were not provided:\n  \
         --output <FILE>\n\n\
         Usage: credkit keygen --output <FILE>\n\n\
         For more information, try '--help'.\n",
    );
}

// ---- pubkey ----

#[test]
fn pubkey_in_three_forms() {
    let dir = TempDir::new("pubkey");
    assert_run(&dir.credkit(&["pubkey", "issuer.key"]), 0, PUBLIC_JSON, "");
    assert_run(
        &dir.credkit(&["pubkey", "issuer.key", "--format", "json"]),
        0,
        PUBLIC_JSON,
        "",
    );
    assert_run(
        &dir.credkit(&["pubkey", "issuer.key", "--format", "jwk"]),
        0,
        PUBLIC_JWK,
        "",
    );
    assert_run(
        &dir.credkit(&["pubkey", "issuer.key", "--format", "multikey"]),
        0,
        PUBLIC_MULTIKEY,
        "",
    );
    assert_run(
        &dir.credkit(&["pubkey", "shake.key", "--format", "multikey"]),
        0,
        SHAKE_MULTIKEY,
        "",
    );
    // A public key document converts too, also from standard input.
    assert_run(
        &dir.credkit(&["pubkey", "issuer.pub", "--format", "jwk"]),
        0,
        PUBLIC_JWK,
        "",
    );
    let run = credkit_with_stdin(
        dir.path(),
        &["pubkey", "-", "--format", "multikey"],
        Some(data(SHA_KEY_FILE).as_bytes()),
    );
    assert_run(&run, 0, PUBLIC_MULTIKEY, "");
}

#[test]
fn pubkey_errors() {
    let dir = TempDir::new("pubkey-errors");
    assert_run(
        &dir.credkit(&["pubkey", "missing.key"]),
        2,
        "",
        "error: missing.key: cannot read the key: no such file or folder\n\
         hint: create one with `credkit keygen -o missing.key`\n",
    );
    assert_run(
        &dir.credkit(&["pubkey", "cred.json"]),
        2,
        "",
        "error: cred.json: expected a `secret-key` or `public-key` document, found `credential`\n\
         hint: give a secret key file from `credkit keygen`, or a public key document from \
         `credkit pubkey`\n",
    );
    let key = data(SHA_KEY_FILE);
    dir.write_edited("comma.key", &key, "\"kid\":", "\"kid\"");
    assert_run(
        &dir.credkit(&["pubkey", "comma.key"]),
        2,
        "",
        &format!("error: comma.key: expected `:` at line 5 column 9\n{FORMAT_HINT}"),
    );
    // A key file whose public half does not match its secret (the message quotes neither).
    let other = secret_of(&data(SHAKE_KEY_FILE));
    dir.write_edited("mismatch.key", &key, &secret_of(&key), &other);
    assert_run(
        &dir.credkit(&["pubkey", "mismatch.key"]),
        2,
        "",
        "error: mismatch.key: the key document's public key or key id does not match its key\n\
         hint: the file was altered; write it anew with `credkit keygen` or `credkit pubkey` \
         rather than editing it\n",
    );
    dir.write_edited("short.key", &key, &secret_of(&key), "AAAA");
    assert_run(
        &dir.credkit(&["pubkey", "short.key"]),
        2,
        "",
        "error: short.key: field `secret_key`: malformed encoding: wrong length: expected 32 bytes, found 3\n\
         hint: the file was altered or truncated; check it against SPEC.md §4\n",
    );
    assert_run(
        &dir.credkit(&["pubkey", "issuer.key", "--format", "pem"]),
        2,
        "",
        "error: invalid value 'pem' for '--format <FORMAT>'\n  \
         [possible values: json, jwk, multikey]\n\n\
         For more information, try '--help'.\n",
    );
}

// ---- issue ----

fn issue_args<'a>(key: &'a str, schema: &'a str, attrs: &'a str, out: &'a str) -> Vec<&'a str> {
    vec![
        "issue", "--key", key, "--schema", schema, "--attrs", attrs, "-o", out,
    ]
}

#[test]
fn issue_is_byte_exact() {
    let dir = TempDir::new("issue");
    let run = dir.credkit(&issue_args(
        "issuer.key",
        "schema.json",
        "patient.json",
        "new.json",
    ));
    assert_run(&run, 0, "", "");
    assert_eq!(dir.read("new.json"), data("credential-sha256.json"));
    let run = dir.credkit(&issue_args("shake.key", "schema.json", "patient.json", "-"));
    assert_run(&run, 0, &data("credential-shake256.json"), "");
    // Attributes from standard input.
    let run = credkit_with_stdin(
        dir.path(),
        &issue_args("issuer.key", "schema.json", "-", "-"),
        Some(data("patient.json").as_bytes()),
    );
    assert_run(&run, 0, &data("credential-sha256.json"), "");
}

#[test]
fn issue_of_the_example_data() {
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data");
    let dir = TempDir::new("issue-example");
    let schema = examples.join("schema.json");
    let patient = examples.join("patient.json");
    let run = dir.credkit(&issue_args(
        "issuer.key",
        schema.to_str().expect("UTF-8 path"),
        patient.to_str().expect("UTF-8 path"),
        "example.json",
    ));
    assert_run(&run, 0, "", "");
    let doc: Value = serde_json::from_str(&dir.read("example.json")).expect("JSON");
    assert_eq!(doc["schema"]["id"], "urn:credkit:example:h1:patient:v1");
}

#[test]
fn issue_never_overwrites_without_force() {
    let dir = TempDir::new("issue-exists");
    let run = dir.credkit(&issue_args(
        "issuer.key",
        "schema.json",
        "patient.json",
        "patient.json",
    ));
    assert_run(
        &run,
        2,
        "",
        "error: patient.json: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n",
    );
    assert_eq!(dir.read("patient.json"), data("patient.json"));
    dir.write("old.json", "old");
    let mut args = issue_args("issuer.key", "schema.json", "patient.json", "old.json");
    args.push("--force");
    assert_run(&dir.credkit(&args), 0, "", "");
    assert_eq!(dir.read("old.json"), data("credential-sha256.json"));
}

#[test]
fn issue_key_errors() {
    let dir = TempDir::new("issue-key");
    assert_run(
        &dir.credkit(&issue_args("nokey.key", "schema.json", "patient.json", "-")),
        2,
        "",
        "error: nokey.key: cannot read the issuer's secret key: no such file or folder\n\
         hint: create one with `credkit keygen -o nokey.key`\n",
    );
    assert_run(
        &dir.credkit(&issue_args(
            "issuer.pub",
            "schema.json",
            "patient.json",
            "-",
        )),
        2,
        "",
        "error: issuer.pub: expected a `secret-key` document, found `public-key`\n\
         hint: issuing needs the issuer's secret key, as `credkit keygen -o FILE` writes it, \
         not its public key\n",
    );
}

#[test]
fn issue_schema_errors() {
    let dir = TempDir::new("issue-schema");
    let schema = data("schema.json");
    dir.write_edited("syntax.json", &schema, "\"schema\",", "\"schema\"");
    assert_run(
        &dir.credkit(&issue_args(
            "issuer.key",
            "syntax.json",
            "patient.json",
            "-",
        )),
        2,
        "",
        &format!("error: syntax.json: expected `,` or `}}` at line 4 column 3\n{FORMAT_HINT}"),
    );
    dir.write_edited(
        "unknown.json",
        &schema,
        "\"id\"",
        "\"owner\": \"H1\", \"id\"",
    );
    assert_run(
        &dir.credkit(&issue_args(
            "issuer.key",
            "unknown.json",
            "patient.json",
            "-",
        )),
        2,
        "",
        &format!(
            "error: unknown.json: unknown field `owner`, expected one of `version`, `type`, \
             `id`, `attributes` at line 4 column 9\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited("float.json", &schema, "\"integer\"", "\"float\"");
    assert_run(
        &dir.credkit(&issue_args("issuer.key", "float.json", "patient.json", "-")),
        2,
        "",
        &format!(
            "error: float.json: unknown variant `float`, expected one of `string`, `integer`, \
             `date`, `boolean`, `bytes` at line 12 column 40\n{FORMAT_HINT}"
        ),
    );
    assert_run(
        &dir.credkit(&issue_args("issuer.key", "cred.json", "patient.json", "-")),
        2,
        "",
        "error: cred.json: expected a `schema` document, found `credential`\n\
         hint: --schema takes a schema document, --attrs a JSON object of attribute values \
         (SPEC.md §4)\n",
    );
}

#[test]
fn issue_attribute_errors() {
    let dir = TempDir::new("issue-attrs");
    let patient = data("patient.json");
    let issue = |attrs: &str| dir.credkit(&issue_args("issuer.key", "schema.json", attrs, "-"));

    dir.write_edited("missing.json", &patient, "  \"refills\": 2,\n", "");
    assert_run(
        &issue("missing.json"),
        2,
        "",
        &format!("error: missing.json: attribute `refills` is missing\n{ATTRIBUTES_HINT}"),
    );
    dir.write_edited(
        "unknown.json",
        &patient,
        "\"refills\"",
        "\"weight_kg\": 60, \"refills\"",
    );
    assert_run(
        &issue("unknown.json"),
        2,
        "",
        &format!(
            "error: unknown.json: attribute `weight_kg` is not in the schema\n{ATTRIBUTES_HINT}"
        ),
    );
    dir.write_edited(
        "type.json",
        &patient,
        "\"dose_mg\": 500",
        "\"dose_mg\": \"500 mg\"",
    );
    assert_run(
        &issue("type.json"),
        2,
        "",
        "error: type.json: attribute `dose_mg` must be of type integer\n\
         hint: an integer attribute is a JSON number without a fraction, -2^63 to 2^63-1\n",
    );
    dir.write_edited(
        "donor.json",
        &patient,
        "\"organ_donor\": true",
        "\"organ_donor\": \"yes\"",
    );
    assert_run(
        &issue("donor.json"),
        2,
        "",
        "error: donor.json: attribute `organ_donor` must be of type boolean\n\
         hint: a boolean attribute is true or false\n",
    );
    dir.write_edited("date.json", &patient, "2025-03-14", "2025-02-29");
    assert_run(
        &issue("date.json"),
        2,
        "",
        "error: date.json: attribute `prescribed_on` is not a calendar date YYYY-MM-DD\n\
         hint: write a date as YYYY-MM-DD, of a day that exists, e.g. 1815-12-10\n",
    );
    dir.write_edited("bytes.json", &patient, "SDEARxEIFa0", "SDEARxEIFa0=");
    assert_run(
        &issue("bytes.json"),
        2,
        "",
        "error: bytes.json: attribute `patient_id` must be of type bytes\n\
         hint: a bytes attribute is a JSON string of base64url without padding\n",
    );
    dir.write("array.json", "[]");
    assert_run(
        &issue("array.json"),
        2,
        "",
        &format!("error: array.json: invalid type: sequence, expected a JSON object with unique keys at line 1 column 0\n{FORMAT_HINT}"),
    );
    assert_run(
        &issue("absent.json"),
        2,
        "",
        "error: absent.json: cannot read the attributes: no such file or folder\n\
         hint: check the path; examples/data/ has a schema and attributes to start from\n",
    );
    dir.write("latin1.json", b"{\"name\": \"Z\xfcrich\"}");
    assert_run(
        &issue("latin1.json"),
        2,
        "",
        &format!("error: latin1.json: not UTF-8 text (invalid byte at offset 11)\n{FORMAT_HINT}"),
    );
}

#[test]
fn only_one_input_from_stdin() {
    let dir = TempDir::new("two-stdin");
    let run = credkit_with_stdin(
        dir.path(),
        &issue_args("issuer.key", "-", "-", "-"),
        Some(data("schema.json").as_bytes()),
    );
    assert_run(
        &run,
        2,
        "",
        "error: only one input can be read from standard input (`-`)\n\
         hint: write the others to files first\n",
    );
}

// ---- present and verify ----

#[test]
fn present_then_verify() {
    let dir = TempDir::new("present-verify");
    dir.present();
    let pres: Value = serde_json::from_str(&dir.read("pres.json")).expect("JSON");
    assert_eq!(pres["type"], "presentation");
    assert_eq!(pres["issuer"], KID);
    // Only what was disclosed is in the presentation.
    let disclosed = &pres["disclosed"];
    assert_eq!(keys(disclosed), ["dose_mg", "drug", "refills"]);
    assert!(!dir.read("pres.json").contains("Ada"));

    assert_run(
        &dir.verify("issuer.pub", "pres.json", &[]),
        0,
        PHARMACY_SEES,
        "",
    );
    let expected_json = format!(
        "{{\n  \"valid\": true,\n  \"issuer\": \"{KID}\",\n  \
         \"schema\": \"urn:credkit:example:h1:patient:v1\",\n  \
         \"disclosed\": {{\n    \"drug\": \"amoxicillin\",\n    \"dose_mg\": 500,\n    \
         \"refills\": 2\n  }}\n}}\n"
    );
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &["--json"]),
        0,
        &expected_json,
        "",
    );
}

#[test]
fn verify_with_jwk_and_multikey_issuers() {
    let dir = TempDir::new("verify-forms");
    dir.present();
    assert_run(
        &dir.verify("issuer.jwk", "pres.json", &[]),
        0,
        PHARMACY_SEES,
        "",
    );
    assert_run(
        &dir.verify("issuer.multikey", "pres.json", &[]),
        0,
        PHARMACY_SEES,
        "",
    );
    assert_run(
        &dir.verify("issuer.multikey", "pres.json", &["--suite", "sha256"]),
        0,
        PHARMACY_SEES,
        "",
    );

    // A SHAKE-256 credential: JWK and Multikey need --suite shake256.
    let run = dir.credkit(&[
        "present",
        "--credential",
        "shake-cred.json",
        "--disclose",
        "blood_type,organ_donor,patient_id,birth_date",
        "--nonce",
        "n-0001",
        "--verifier",
        "pharmacy-7",
        "-o",
        "shake-pres.json",
    ]);
    assert_run(&run, 0, "", "");
    dir.write("shake.multikey", SHAKE_MULTIKEY);
    let seen =
        "birth_date: 1815-12-10\npatient_id: SDEARxEIFa0\nblood_type: O+\norgan_donor: true\n";
    assert_run(
        &dir.verify(
            "shake.multikey",
            "shake-pres.json",
            &["--suite", "shake256"],
        ),
        0,
        seen,
        "",
    );
    assert_run(
        &dir.verify("shake.multikey", "shake-pres.json", &[]),
        1,
        "",
        "error: shake-pres.json: the presentation does not verify: the document is for suite \
         bls12-381-shake-256, the issuer key for bls12-381-sha-256\n\
         hint: a JWK or Multikey names no suite: say the issuer's with --suite (default \
         sha256)\n",
    );
    let run = dir.credkit(&["pubkey", "shake.key", "--format", "jwk"]);
    dir.write("shake.jwk", &run.stdout);
    assert_run(
        &dir.verify("shake.jwk", "shake-pres.json", &["--suite", "shake256"]),
        0,
        seen,
        "",
    );
    // A public-key document names its suite; --suite must not contradict it.
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &["--suite", "shake256"]),
        2,
        "",
        "error: --suite shake256 contradicts issuer.pub, a bls12-381-sha-256 key\n\
         hint: --suite is for JWK and Multikey keys; a public-key document names its suite\n",
    );
}

#[test]
fn verify_wrong_nonce_or_verifier() {
    let dir = TempDir::new("verify-nonce");
    dir.present();
    let verify = |args: &[&str]| {
        let mut all = vec![
            "verify",
            "--issuer",
            "issuer.pub",
            "--presentation",
            "pres.json",
        ];
        all.extend_from_slice(args);
        dir.credkit(&all)
    };
    assert_run(
        &verify(&["--nonce", "n-0002", "--verifier", "pharmacy-7"]),
        1,
        "",
        INVALID_PROOF,
    );
    assert_run(
        &verify(&["--nonce", "n-0002", "--verifier", "pharmacy-7", "--json"]),
        1,
        "{\n  \"valid\": false,\n  \"error\": \"pres.json: the presentation does not verify: invalid proof\"\n}\n",
        INVALID_PROOF,
    );
    assert_run(
        &verify(&["--nonce", "n-0001", "--verifier", "pharmacy-8"]),
        1,
        "",
        INVALID_PROOF,
    );
    // Made for a verifier id, shown without one.
    assert_run(&verify(&["--nonce", "n-0001"]), 1, "", INVALID_PROOF);
}

#[test]
fn verify_under_another_issuer() {
    let dir = TempDir::new("verify-issuer");
    dir.present();
    let run = dir.credkit(&["keygen", "-o", "other.key"]);
    assert_eq!(run.code, Some(0));
    dir.write("other.pub", &run.stdout);
    let other: Value = serde_json::from_str(&run.stdout).expect("JSON");
    let other_kid = other["kid"].as_str().expect("a kid");
    assert_run(
        &dir.verify("other.pub", "pres.json", &[]),
        1,
        "",
        &format!(
            "error: pres.json: the presentation does not verify: issued under another key than \
             the trusted issuer's\n\
             hint: the presentation was made from a credential of another issuer than the key \
             in other.pub (key id {other_kid})\n"
        ),
    );
    assert_run(
        &dir.verify("other.pub", "pres.json", &["--json"]),
        1,
        "{\n  \"valid\": false,\n  \"error\": \"pres.json: the presentation does not verify: \
         issued under another key than the trusted issuer's\"\n}\n",
        &format!(
            "error: pres.json: the presentation does not verify: issued under another key than \
             the trusted issuer's\n\
             hint: the presentation was made from a credential of another issuer than the key \
             in other.pub (key id {other_kid})\n"
        ),
    );
    // The SHAKE-256 test key: another suite, named by its document.
    let shake_pub = dir.credkit(&["pubkey", "shake.key"]).stdout;
    dir.write("shake.pub", shake_pub);
    assert_run(
        &dir.verify("shake.pub", "pres.json", &[]),
        1,
        "",
        "error: pres.json: the presentation does not verify: the document is for suite \
         bls12-381-sha-256, the issuer key for bls12-381-shake-256\n\
         hint: the presentation was made under another suite than the key in shake.pub\n",
    );
}

#[test]
fn verify_tampered_presentations() {
    let dir = TempDir::new("verify-tampered");
    dir.present();
    let pres = dir.read("pres.json");

    // Another value of the right type: the proof no longer verifies.
    dir.write_edited("pres.json", &pres, "\"dose_mg\": 500", "\"dose_mg\": 5000");
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &[]),
        1,
        "",
        INVALID_PROOF,
    );
    // An undisclosed attribute added: it does not verify either.
    dir.write_edited(
        "pres.json",
        &pres,
        "\"dose_mg\": 500",
        "\"name\": \"Ada Lovelace\", \"dose_mg\": 500",
    );
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &[]),
        1,
        "",
        INVALID_PROOF,
    );
    // A value of the wrong type is not a presentation at all: exit status 2.
    dir.write_edited(
        "pres.json",
        &pres,
        "\"dose_mg\": 500",
        "\"dose_mg\": \"500\"",
    );
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &[]),
        2,
        "",
        "error: pres.json: attribute `dose_mg` must be of type integer\n\
         hint: an integer attribute is a JSON number without a fraction, -2^63 to 2^63-1\n",
    );
    // A proof cut short.
    let proof = pres
        .lines()
        .find_map(|l| l.trim().strip_prefix("\"proof\": \""))
        .and_then(|p| p.strip_suffix('"'))
        .expect("a proof line");
    // 619 base64url characters of 464 bytes, less 3: 616 characters of 462 bytes.
    assert_eq!(proof.len(), 619);
    dir.write_edited("pres.json", &pres, proof, &proof[..616]);
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &[]),
        2,
        "",
        "error: pres.json: field `proof`: proof length 462 is not 3 * 48 + (4 + U) * 32 bytes for any U\n\
         hint: the file was altered or truncated; check it against SPEC.md §4\n",
    );
    dir.write("pres.json", &pres);
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &[]),
        0,
        PHARMACY_SEES,
        "",
    );
}

#[test]
fn verify_unreadable_presentations() {
    let dir = TempDir::new("verify-unreadable");
    dir.present();
    let pres = dir.read("pres.json");
    assert_run(
        &dir.verify("issuer.pub", "nowhere/pres.json", &[]),
        2,
        "",
        "error: nowhere/pres.json: cannot read the presentation: no such file or folder\n\
         hint: the holder writes one with `credkit present`\n",
    );
    // Also with --json: nothing on stdout for an input that cannot be read.
    assert_run(
        &dir.verify("issuer.pub", "nowhere/pres.json", &["--json"]),
        2,
        "",
        "error: nowhere/pres.json: cannot read the presentation: no such file or folder\n\
         hint: the holder writes one with `credkit present`\n",
    );
    dir.write_edited("syntax.json", &pres, "\"suite\"", "suite");
    assert_run(
        &dir.verify("issuer.pub", "syntax.json", &[]),
        2,
        "",
        &format!("error: syntax.json: key must be a string at line 4 column 3\n{FORMAT_HINT}"),
    );
    dir.write_edited("field.json", &pres, "\"suite\"", "\"extra\": 1, \"suite\"");
    assert_run(
        &dir.verify("issuer.pub", "field.json", &[]),
        2,
        "",
        &format!(
            "error: field.json: unknown field `extra`, expected one of `version`, `type`, \
             `suite`, `issuer`, `schema`, `disclosed`, `proof` at line 4 column 9\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited("version.json", &pres, "\"version\": 1", "\"version\": 2");
    assert_run(
        &dir.verify("issuer.pub", "version.json", &[]),
        2,
        "",
        &format!(
            "error: version.json: unsupported `presentation` document version 2 (this build \
             reads version 1)\n{FORMAT_HINT}"
        ),
    );
    assert_run(
        &dir.verify("issuer.pub", "cred.json", &[]),
        2,
        "",
        "error: cred.json: expected a `presentation` document, found `credential`\n\
         hint: --presentation takes the file that `credkit present` writes\n",
    );
    // From standard input.
    let run = credkit_with_stdin(
        dir.path(),
        &[
            "verify",
            "--issuer",
            "issuer.pub",
            "--presentation",
            "-",
            "--nonce",
            "n-0001",
            "--verifier",
            "pharmacy-7",
        ],
        Some(pres.as_bytes()),
    );
    assert_run(&run, 0, PHARMACY_SEES, "");
}

#[test]
fn verify_issuer_key_errors() {
    let dir = TempDir::new("verify-issuer-errors");
    dir.present();
    assert_run(
        &dir.verify("missing.pub", "pres.json", &[]),
        2,
        "",
        "error: missing.pub: cannot read the issuer's public key: no such file or folder\n\
         hint: export it from the issuer's secret key with `credkit pubkey ISSUER.key > \
         missing.pub`\n",
    );
    assert_run(
        &dir.verify("issuer.key", "pres.json", &[]),
        2,
        "",
        "error: issuer.key: expected a `public-key` document, found `secret-key`\n\
         hint: a verifier needs only the public key: export it with `credkit pubkey \
         issuer.key`\n",
    );
    dir.write("bad.multikey", "zNotBase58!\n");
    assert_run(
        &dir.verify("bad.multikey", "pres.json", &[]),
        2,
        "",
        "error: bad.multikey: not a BLS12-381 G2 Multikey: not base58btc\n\
         hint: --issuer takes a credkit public-key document (`credkit pubkey`), a JWK (a JSON \
         object with `kty`) or a Multikey (one line starting with `z`)\n",
    );
    dir.write_edited("ec.jwk", PUBLIC_JWK, "BLS12381G2", "P-256");
    assert_run(
        &dir.verify("ec.jwk", "pres.json", &[]),
        2,
        "",
        "error: ec.jwk: not a BLS12-381 G2 JWK: crv must be \"BLS12381G2\"\n\
         hint: --issuer takes a credkit public-key document (`credkit pubkey`), a JWK (a JSON \
         object with `kty`) or a Multikey (one line starting with `z`)\n",
    );
    dir.write("text.pub", "hospital H1\n");
    assert_run(
        &dir.verify("text.pub", "pres.json", &[]),
        2,
        "",
        &format!("error: text.pub: expected value at line 1 column 1\n{FORMAT_HINT}"),
    );
    assert_run(
        &dir.verify("issuer.pub", "pres.json", &["--suite", "md5"]),
        2,
        "",
        "error: invalid value 'md5' for '--suite <SUITE>'\n  \
         [possible values: sha256, shake256]\n\n\
         For more information, try '--help'.\n",
    );
}

#[test]
fn present_refuses_a_credential_that_does_not_verify() {
    let dir = TempDir::new("present-tampered");
    let cred = data("credential-sha256.json");
    dir.write_edited("cred.json", &cred, "\"refills\": 2", "\"refills\": 5");
    let run = dir.credkit(&[
        "present",
        "--credential",
        "cred.json",
        "--disclose",
        "refills",
        "--nonce",
        "n-0001",
        "-o",
        "pres.json",
    ]);
    assert_run(
        &run,
        1,
        "",
        "error: cred.json: the credential's signature does not verify\n\
         hint: the file was altered after it was issued, or the issuer it names did not sign \
         it; ask the issuer for a new credential\n",
    );
    assert!(!dir.exists("pres.json"));
}

#[test]
fn present_errors() {
    let dir = TempDir::new("present-errors");
    let present = |disclose: &str, nonce: &str, credential: &str, out: &str| {
        dir.credkit(&[
            "present",
            "--credential",
            credential,
            "--disclose",
            disclose,
            "--nonce",
            nonce,
            "-o",
            out,
        ])
    };
    assert_run(
        &present("drug,weight_kg", "n-0001", "cred.json", "pres.json"),
        2,
        "",
        &format!(
            "error: --disclose: attribute `weight_kg` is not in the schema of cred.json\n\
             {ATTRIBUTES_HINT}"
        ),
    );
    assert_run(
        &present("drug", "", "cred.json", "pres.json"),
        2,
        "",
        "error: a value is required for '--nonce <NONCE>' but none was supplied\n\n\
         For more information, try '--help'.\n",
    );
    assert_run(
        &present("drug", "n-0001", "missing.json", "pres.json"),
        2,
        "",
        "error: missing.json: cannot read the credential: no such file or folder\n\
         hint: the issuer writes one with `credkit issue`\n",
    );
    assert_run(
        &present("drug", "n-0001", "issuer.pub", "pres.json"),
        2,
        "",
        "error: issuer.pub: expected a `credential` document, found `public-key`\n\
         hint: --credential takes the file that `credkit issue` writes\n",
    );
    assert_run(
        &present("drug", "n-0001", "cred.json", "patient.json"),
        2,
        "",
        "error: patient.json: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n",
    );
    assert!(!dir.exists("pres.json"));

    // To standard output; disclosing nothing proves only that the credential is held.
    let run = present("", "n-0001", "cred.json", "-");
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    dir.write("nothing.json", &run.stdout);
    let run = dir.credkit(&[
        "verify",
        "--issuer",
        "issuer.pub",
        "--presentation",
        "nothing.json",
        "--nonce",
        "n-0001",
    ]);
    assert_run(&run, 0, "", "");
}

#[test]
fn help_lists_the_credential_commands() {
    let dir = TempDir::new("help");
    let run = dir.credkit(&["--help"]);
    assert_eq!(run.code, Some(0));
    for command in [
        "keygen", "pubkey", "issue", "present", "verify", "vectors", "bench",
    ] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} is not in:\n{}",
            run.stdout
        );
    }
    let run = dir.credkit(&["verify", "--help"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout.contains(
            "Usage: credkit verify [OPTIONS] --issuer <FILE> --presentation <FILE> --nonce <NONCE>"
        ),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("- shake256: BLS12-381-SHAKE-256"),
        "{}",
        run.stdout
    );
}
