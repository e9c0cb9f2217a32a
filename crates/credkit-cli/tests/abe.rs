//! `credkit abe setup`, `pubkey`, `keygen`, `encrypt` and `decrypt`, run as processes on the
//! TEST ONLY authority of `tests/data/TEST-ONLY-abe` (see `tests/data/README.md`). Expected
//! outputs, failures included, are written out in full: stdout, stderr and exit status.
//!
//! Key generation and encryption are random: for them the shapes, the file modes and what
//! `decrypt` makes of them are pinned. The envelopes of the test data are fixed, so everything
//! `decrypt` says of them (and of their altered and cut copies) is pinned byte for byte.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// `tests/data/TEST-ONLY-abe` of this crate.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/TEST-ONLY-abe")
}

fn data(file: &str) -> Vec<u8> {
    fs::read(data_dir().join(file)).expect("read a file of tests/data/TEST-ONLY-abe")
}

fn text(file: &str) -> String {
    String::from_utf8(data(file)).expect("UTF-8")
}

/// The string field `name` of a JSON document.
fn field(document: &str, name: &str) -> String {
    let doc: Value = serde_json::from_str(document).expect("a JSON document");
    doc[name]
        .as_str()
        .unwrap_or_else(|| panic!("no string field {name}"))
        .to_owned()
}

/// The field names of a JSON document, in the order written.
fn keys_in_order(document: &str) -> Vec<String> {
    document
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split_once('"').map(|(k, _)| k.to_owned()))
        .collect()
}

/// The secrets of the test keys, which no output may show.
fn secrets() -> Vec<String> {
    let mut secrets = vec![field(&text("authority.key"), "secret_key")];
    for key in ["cardiologist.key", "nurse.key", "other-cardiologist.key"] {
        secrets.push(field(&text(key), "key"));
    }
    secrets
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn stdout(&self) -> &str {
        std::str::from_utf8(&self.stdout).expect("stdout is UTF-8")
    }
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
        stdout: output.stdout,
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    for secret in secrets() {
        assert!(
            !stdout.contains(&secret) && !run.stderr.contains(&secret),
            "credkit {args:?} printed a secret"
        );
    }
    run
}

/// Asserts a run's exit status, stdout and stderr at once, so a failure shows all three.
#[track_caller]
fn assert_run(run: &Run, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (run.code, run.stdout(), run.stderr.as_str()),
        (Some(code), stdout, stderr)
    );
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

/// A fresh folder under the system's temporary folder, removed on drop, holding copies of
/// `tests/data/TEST-ONLY-abe`:
///
/// - `authority.key`, `authority.pub`: the TEST ONLY authority's key and public key;
/// - `cardiologist.key` (`role:cardiologist, hospital:H1`), `nurse.key` (`role:nurse,
///   hospital:H1`): two of its user keys; `other-cardiologist.key`: a cardiologist's key of
///   another authority;
/// - `record.txt`, and `record.abe` (it under `role:cardiologist and hospital:H1`) and
///   `ward.abe` (under `role:cardiologist or 2 of (role:nurse, hospital:H1, unit:icu)`).
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "credkit-cli-abe-{test}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).expect("create a temporary folder");
        let dir = TempDir(path);
        for file in [
            "authority.key",
            "authority.pub",
            "cardiologist.key",
            "nurse.key",
            "other-cardiologist.key",
            "record.txt",
            "record.abe",
            "ward.abe",
        ] {
            dir.write(file, data(file));
        }
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

    fn read_bytes(&self, relative: &str) -> Vec<u8> {
        fs::read(self.0.join(relative)).expect("read a temporary file")
    }

    fn exists(&self, relative: &str) -> bool {
        self.0.join(relative).exists()
    }

    /// Writes `relative` as the test file `original` with `from` replaced by `to` (which must
    /// occur).
    fn write_edited(&self, relative: &str, original: &str, from: &str, to: &str) {
        let original = text(original);
        assert!(original.contains(from), "{from:?} is not in the original");
        self.write(relative, original.replacen(from, to, 1));
    }

    /// Writes `relative` as `record.abe` with byte `offset` XORed with `mask`.
    fn write_altered(&self, relative: &str, offset: usize, mask: u8) {
        let mut bytes = data("record.abe");
        bytes[offset] ^= mask;
        self.write(relative, bytes);
    }

    fn credkit(&self, args: &[&str]) -> Run {
        credkit_with_stdin(&self.0, args, None)
    }

    fn decrypt(&self, key: &str, envelope: &str, out: &str) -> Run {
        self.credkit(&["abe", "decrypt", "--key", key, envelope, "-o", out])
    }

    fn encrypt(&self, policy: &str, input: &str, out: &str) -> Run {
        self.credkit(&[
            "abe",
            "encrypt",
            "--public",
            "authority.pub",
            "--policy",
            policy,
            input,
            "-o",
            out,
        ])
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

const RECORD: &str = "ECG 2025-03-14T08:00Z: sinus rhythm, 72 bpm\n";
const KID: &str = "sCpr2d9TcQBZ51frKebQ-qJYCHMc5NPLxrD71_YN0xM";
const OTHER_KID: &str = "WwcY_W1szPneNOfO1Dd5E51G0zxo_clRMOii-TsZbW0";
const FORMAT_HINT: &str =
    "hint: the file was altered or truncated; write it anew with credkit rather than editing it\n";
const ALTERED_HINT: &str =
    "hint: the file was altered; write it anew with credkit rather than editing it\n";
const POLICY_HINT: &str = "hint: a policy joins attributes namespace:value with `and`, `or`, \
     parentheses and `K of (...)`, e.g. 'role:cardiologist and (hospital:H1 or 2 of (unit:icu, \
     shift:night, ward:3))'; quote it for the shell\n";
const ATTRIBUTES_HINT: &str = "hint: list attributes namespace:value separated by commas, e.g. \
     'role:cardiologist, hospital:H1'; a value with characters other than A-Z a-z 0-9 _ . @ + - \
     is double-quoted, as unit:\"ward 3\"\n";
const NOT_SATISFIED: &str = "error: record.abe: policy not satisfied: the key's attributes do \
     not satisfy the envelope's policy\n";
const AUTHENTICATION: &str = "authentication failed: the envelope was altered after it was \
     sealed\n\
     hint: nothing was written; ask the sender for the envelope again\n";

// ---- setup and pubkey ----

#[test]
fn setup_writes_the_key_0600_and_prints_the_public_key() {
    let dir = TempDir::new("setup");
    let run = dir.credkit(&["abe", "setup", "-o", "new.key"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("new.key")), 0o600);

    let public = run.stdout().to_owned();
    assert_eq!(
        keys_in_order(&public),
        ["version", "type", "kid", "public_key"]
    );
    assert!(public.starts_with("{\n  \"version\": 1,\n  \"type\": \"abe-public-key\",\n"));
    assert!(public.ends_with("\"\n}\n"));
    assert_eq!(field(&public, "kid").len(), 43);
    assert_eq!(field(&public, "public_key").len(), 384);

    let secret = dir.read("new.key");
    assert_eq!(
        keys_in_order(&secret),
        ["version", "type", "kid", "public_key", "secret_key"]
    );
    assert_eq!(field(&secret, "type"), "abe-authority-key");
    assert_eq!(field(&secret, "kid"), field(&public, "kid"));
    assert_eq!(field(&secret, "public_key"), field(&public, "public_key"));
    assert_eq!(field(&secret, "secret_key").len(), 43);
    assert!(!public.contains(&field(&secret, "secret_key")));

    // `abe pubkey` prints what setup printed; the public key of the test authority is pinned.
    assert_run(&dir.credkit(&["abe", "pubkey", "new.key"]), 0, &public, "");
    let pinned = text("authority.pub");
    assert_eq!(field(&pinned, "kid"), KID);
    assert_run(
        &dir.credkit(&["abe", "pubkey", "authority.key"]),
        0,
        &pinned,
        "",
    );
    let run = credkit_with_stdin(
        dir.path(),
        &["abe", "pubkey", "-"],
        Some(&data("authority.key")),
    );
    assert_run(&run, 0, &pinned, "");
}

#[test]
fn setup_writes_the_public_key_to_a_file_and_never_overwrites_without_force() {
    let dir = TempDir::new("setup-files");
    let run = dir.credkit(&["abe", "setup", "-o", "a.key", "--public", "a.pub"]);
    assert_run(&run, 0, "", "");
    assert_eq!(
        field(&dir.read("a.pub"), "kid"),
        field(&dir.read("a.key"), "kid")
    );
    #[cfg(unix)]
    {
        assert_eq!(mode(&dir.path().join("a.key")), 0o600);
        assert_ne!(mode(&dir.path().join("a.pub")), 0o600);
    }

    // One existing output refuses the run before anything is written.
    let run = dir.credkit(&["abe", "setup", "-o", "b.key", "--public", "a.pub"]);
    let refused = "error: a.pub: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n\
         hint: an authority key that is overwritten cannot be recovered\n";
    assert_run(&run, 2, "", refused);
    assert!(!dir.exists("b.key"));
    let old = dir.read("a.key");
    let run = dir.credkit(&["abe", "setup", "-o", "a.key"]);
    assert_run(&run, 2, "", &refused.replace("a.pub", "a.key"));
    assert_eq!(dir.read("a.key"), old);

    // With --force both are replaced, and the key made private even if it was not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("a.key");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let run = dir.credkit(&[
        "abe", "setup", "-o", "a.key", "--public", "a.pub", "--force",
    ]);
    assert_run(&run, 0, "", "");
    assert_ne!(dir.read("a.key"), old);
    assert_eq!(
        field(&dir.read("a.pub"), "kid"),
        field(&dir.read("a.key"), "kid")
    );
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("a.key")), 0o600);
}

#[test]
fn setup_usage_errors() {
    let dir = TempDir::new("setup-usage");
    assert_run(
        &dir.credkit(&["abe", "setup", "-o", "-"]),
        2,
        "",
        "error: refusing to write a secret key to standard output\n\
         hint: give a file with `-o FILE`; `credkit abe pubkey FILE` then prints its public \
         key\n",
    );
    assert_run(
        &dir.credkit(&["abe", "setup"]),
        2,
        "",
        "error: the following required arguments were not provided:\n  \
         --output <FILE>\n\n\
         Usage: credkit abe setup --output <FILE>\n\n\
         For more information, try '--help'.\n",
    );
    assert_run(
        &dir.credkit(&["abe", "setup", "-o", "no-such-folder/a.key"]),
        2,
        "",
        "error: no-such-folder/a.key: cannot create: no such file or folder\n\
         hint: create its folder first\n",
    );
}

// ---- keygen ----

#[test]
fn keygen_writes_a_user_key_0600_with_canonical_attributes() {
    let dir = TempDir::new("keygen");
    let run = dir.credkit(&[
        "abe",
        "keygen",
        "--authority",
        "authority.key",
        "--attrs",
        "unit:\"ward 3\",role:\"cardiologist\" ,  hospital:H1",
        "-o",
        "new.key",
    ]);
    assert_run(&run, 0, "", "");
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("new.key")), 0o600);
    let key = dir.read("new.key");
    assert_eq!(
        keys_in_order(&key),
        ["version", "type", "authority", "attributes", "key"]
    );
    assert_eq!(field(&key, "type"), "abe-user-key");
    assert_eq!(field(&key, "authority"), KID);
    let doc: Value = serde_json::from_str(&key).expect("JSON");
    assert_eq!(
        doc["attributes"],
        serde_json::json!(["hospital:H1", "role:cardiologist", "unit:\"ward 3\""])
    );
    // 1 + 96 + 48 + 2, then for each attribute 2 + its length + 48: 338 bytes, 451
    // characters.
    assert_eq!(field(&key, "key").len(), 451);

    // The key opens what the policy lets it open.
    assert_run(&dir.decrypt("new.key", "record.abe", "-"), 0, RECORD, "");
}

#[test]
fn keygen_never_overwrites_without_force() {
    let dir = TempDir::new("keygen-exists");
    dir.write("old.key", "the old key\n");
    let keygen = |extra: &[&str]| {
        let mut args = vec![
            "abe",
            "keygen",
            "--authority",
            "authority.key",
            "--attrs",
            "role:nurse",
            "-o",
            "old.key",
        ];
        args.extend_from_slice(extra);
        dir.credkit(&args)
    };
    assert_run(
        &keygen(&[]),
        2,
        "",
        "error: old.key: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n",
    );
    assert_eq!(dir.read("old.key"), "the old key\n");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("old.key");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    assert_run(&keygen(&["--force"]), 0, "", "");
    assert!(dir.read("old.key").contains("\"role:nurse\""));
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("old.key")), 0o600);
}

#[test]
fn keygen_attribute_lists_that_do_not_parse_show_where() {
    let dir = TempDir::new("keygen-attrs");
    let keygen = |attrs: &str| {
        dir.credkit(&[
            "abe",
            "keygen",
            "--authority",
            "authority.key",
            "--attrs",
            attrs,
            "-o",
            "new.key",
        ])
    };
    for (attrs, error) in [
        (
            "role:nurse, role:\"nurse\"",
            "error: --attrs: at byte 12: attribute role:nurse is listed twice (first at byte \
             0)\n    \
             role:nurse, role:\"nurse\"\n                \
             ^\n",
        ),
        (
            "role:nurse,",
            "error: --attrs: at byte 11: expected an attribute but the text ended\n    \
             role:nurse,\n               \
             ^\n",
        ),
        (
            "Role:nurse",
            "error: --attrs: at byte 0: a namespace is a lowercase letter followed by up to 63 \
             of a-z, 0-9, '_' and '-'\n    \
             Role:nurse\n    \
             ^\n",
        ),
        (
            "role:nurse hospital:H1",
            "error: --attrs: at byte 11: expected ',' or the end of the list but found an \
             attribute\n    \
             role:nurse hospital:H1\n               \
             ^\n",
        ),
        (
            "unit:ward 3",
            "error: --attrs: at byte 10: expected ',' or the end of the list but found a number\n    \
             unit:ward 3\n              \
             ^\n",
        ),
        (
            "",
            "error: --attrs: at byte 0: the list is empty\n    \
             \n    \
             ^\n",
        ),
    ] {
        assert_run(&keygen(attrs), 2, "", &format!("{error}{ATTRIBUTES_HINT}"));
    }
    assert!(!dir.exists("new.key"));
}

#[test]
fn keygen_usage_errors() {
    let dir = TempDir::new("keygen-usage");
    assert_run(
        &dir.credkit(&[
            "abe",
            "keygen",
            "--authority",
            "authority.key",
            "--attrs",
            "role:nurse",
            "-o",
            "-",
        ]),
        2,
        "",
        "error: refusing to write a user's key to standard output\n\
         hint: give a file with `-o FILE`, and hand it to the user\n",
    );
    assert_run(
        &dir.credkit(&[
            "abe",
            "keygen",
            "--authority",
            "authority.key",
            "-o",
            "x.key",
        ]),
        2,
        "",
        "error: the following required arguments were not provided:\n  \
         --attrs <LIST>\n\n\
         Usage: credkit abe keygen --authority <FILE> --attrs <LIST> --output <FILE>\n\n\
         For more information, try '--help'.\n",
    );
}

// ---- wrong and malformed key files ----

#[test]
fn wrong_key_types_are_named() {
    let dir = TempDir::new("wrong-type");
    let bbs_key = fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/TEST-ONLY-issuer-sha256.key"),
    )
    .expect("the BBS test key");
    dir.write("bbs.key", bbs_key);
    let keygen = |authority: &str| {
        dir.credkit(&[
            "abe",
            "keygen",
            "--authority",
            authority,
            "--attrs",
            "role:nurse",
            "-o",
            "new.key",
        ])
    };
    assert_run(
        &keygen("authority.pub"),
        2,
        "",
        "error: authority.pub: expected an `abe-authority-key` document, found `abe-public-key`\n\
         hint: this needs the authority's secret key, as `credkit abe setup -o FILE` writes it, \
         not its public key\n",
    );
    assert_run(
        &keygen("bbs.key"),
        2,
        "",
        "error: bbs.key: expected an `abe-authority-key` document, found `secret-key`\n\
         hint: this is a BBS issuer key (`credkit keygen`); give the key that `credkit abe \
         setup -o FILE` writes\n",
    );
    assert_run(
        &keygen("nurse.key"),
        2,
        "",
        "error: nurse.key: expected an `abe-authority-key` document, found `abe-user-key`\n\
         hint: give the authority key file that `credkit abe setup -o FILE` writes\n",
    );
    assert!(!dir.exists("new.key"));

    let encrypt = |public: &str| {
        dir.credkit(&[
            "abe",
            "encrypt",
            "--public",
            public,
            "--policy",
            "role:nurse",
            "record.txt",
            "-o",
            "out.abe",
        ])
    };
    assert_run(
        &encrypt("authority.key"),
        2,
        "",
        "error: authority.key: expected an `abe-public-key` document, found \
         `abe-authority-key`\n\
         hint: encrypting needs only the public key: export it with `credkit abe pubkey \
         authority.key`\n",
    );
    assert_run(
        &encrypt("bbs.key"),
        2,
        "",
        "error: bbs.key: expected an `abe-public-key` document, found `secret-key`\n\
         hint: --public takes the public key that `credkit abe setup` or `credkit abe pubkey` \
         prints\n",
    );
    assert!(!dir.exists("out.abe"));

    assert_run(
        &dir.decrypt("authority.key", "record.abe", "out.txt"),
        2,
        "",
        "error: authority.key: expected an `abe-user-key` document, found `abe-authority-key`\n\
         hint: decrypting needs a user's key: the authority makes one with `credkit abe keygen \
         --authority authority.key --attrs ... -o USER.key`\n",
    );
    assert_run(
        &dir.decrypt("authority.pub", "record.abe", "out.txt"),
        2,
        "",
        "error: authority.pub: expected an `abe-user-key` document, found `abe-public-key`\n\
         hint: --key takes a user's key file, as `credkit abe keygen` writes it\n",
    );
    assert_run(
        &dir.decrypt("record.abe", "record.abe", "out.txt"),
        2,
        "",
        "error: record.abe: not UTF-8 text (invalid byte at offset 9)\n\
         hint: the file was altered or truncated; write it anew with credkit rather than \
         editing it\n",
    );
    assert!(!dir.exists("out.txt"));
}

#[test]
fn malformed_key_files_are_refused_by_field() {
    let dir = TempDir::new("malformed");
    let pubkey = |file: &str| dir.credkit(&["abe", "pubkey", file]);
    let authority = text("authority.key");
    let secret = field(&authority, "secret_key");

    assert_run(
        &pubkey("missing.key"),
        2,
        "",
        "error: missing.key: cannot read the authority key: no such file or folder\n\
         hint: create one with `credkit abe setup -o missing.key`\n",
    );
    dir.write_edited("comma.key", "authority.key", "\"kid\":", "\"kid\"");
    assert_run(
        &pubkey("comma.key"),
        2,
        "",
        &format!("error: comma.key: expected `:` at line 4 column 9\n{FORMAT_HINT}"),
    );
    dir.write_edited(
        "version.key",
        "authority.key",
        "\"version\": 1",
        "\"version\": 2",
    );
    assert_run(
        &pubkey("version.key"),
        2,
        "",
        "error: version.key: unsupported `abe-authority-key` document version 2 (this build \
         reads version 1)\n\
         hint: the file was written by another version of credkit\n",
    );
    dir.write_edited("extra.key", "authority.key", "{", "{\n  \"note\": \"x\",");
    assert_run(
        &pubkey("extra.key"),
        2,
        "",
        &format!(
            "error: extra.key: unknown field `note`, expected one of `version`, `type`, `kid`, \
             `public_key`, `secret_key` at line 2 column 8\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited(
        "padded.key",
        "authority.key",
        &secret,
        &format!("{secret}="),
    );
    assert_run(
        &pubkey("padded.key"),
        2,
        "",
        &format!(
            "error: padded.key: field `secret_key` is not base64url without padding\n\
             {FORMAT_HINT}"
        ),
    );
    dir.write_edited("short.key", "authority.key", &secret, "AAAA");
    assert_run(
        &pubkey("short.key"),
        2,
        "",
        &format!(
            "error: short.key: field `secret_key`: malformed encoding: wrong length: expected \
             32 bytes, found 3\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited("zero.key", "authority.key", &secret, &"A".repeat(43));
    assert_run(
        &pubkey("zero.key"),
        2,
        "",
        &format!(
            "error: zero.key: field `secret_key`: malformed encoding: scalar is zero where a nonzero scalar is required\n\
             {FORMAT_HINT}"
        ),
    );
    // A secret that is not the one of its public key (the message quotes neither).
    let other = "QdoSyNhJhZ16ylE7i79pk6FVJtKtE2irrj4yFAPtDJ8";
    dir.write_edited("mismatch.key", "authority.key", &secret, other);
    assert_run(
        &pubkey("mismatch.key"),
        2,
        "",
        &format!(
            "error: mismatch.key: field `public_key` contradicts the rest of the document\n\
             {ALTERED_HINT}"
        ),
    );
    dir.write_edited("kid.key", "authority.key", KID, OTHER_KID);
    assert_run(
        &pubkey("kid.key"),
        2,
        "",
        &format!(
            "error: kid.key: field `kid` contradicts the rest of the document\n{ALTERED_HINT}"
        ),
    );

    // Public keys.
    let encrypt = |public: &str| {
        dir.credkit(&[
            "abe",
            "encrypt",
            "--public",
            public,
            "--policy",
            "role:nurse",
            "record.txt",
            "-o",
            "out.abe",
        ])
    };
    let public_key = field(&text("authority.pub"), "public_key");
    dir.write_edited("cut.pub", "authority.pub", &public_key, &public_key[..380]);
    assert_run(
        &encrypt("cut.pub"),
        2,
        "",
        &format!(
            "error: cut.pub: field `public_key`: malformed master public key: length is not \
             288 bytes\n{FORMAT_HINT}"
        ),
    );
    let mut flipped = public_key.clone().into_bytes();
    flipped[10] = if flipped[10] == b'A' { b'B' } else { b'A' };
    let flipped = String::from_utf8(flipped).expect("ASCII");
    dir.write_edited("flipped.pub", "authority.pub", &public_key, &flipped);
    assert_run(
        &encrypt("flipped.pub"),
        2,
        "",
        &format!(
            "error: flipped.pub: field `public_key`: malformed master public key: not a GT \
             element\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited("kid.pub", "authority.pub", KID, OTHER_KID);
    assert_run(
        &encrypt("kid.pub"),
        2,
        "",
        &format!(
            "error: kid.pub: field `kid` contradicts the rest of the document\n{ALTERED_HINT}"
        ),
    );
    dir.write_edited("short-kid.pub", "authority.pub", KID, "AAAA");
    assert_run(
        &encrypt("short-kid.pub"),
        2,
        "",
        &format!(
            "error: short-kid.pub: field `kid` is not an authority id (32 bytes)\n{FORMAT_HINT}"
        ),
    );
    assert!(!dir.exists("out.abe"));

    // User keys.
    let decrypt = |key: &str| dir.decrypt(key, "record.abe", "out.txt");
    dir.write_edited(
        "attributes.key",
        "nurse.key",
        "\"role:nurse\"",
        "\"role:cardiologist\"",
    );
    assert_run(
        &decrypt("attributes.key"),
        2,
        "",
        &format!(
            "error: attributes.key: field `attributes` contradicts the rest of the document\n\
             {ALTERED_HINT}"
        ),
    );
    let key = field(&text("cardiologist.key"), "key");
    dir.write_edited("cut.key", "cardiologist.key", &key, &key[..300]);
    assert_run(
        &decrypt("cut.key"),
        2,
        "",
        &format!("error: cut.key: field `key`: malformed user key: truncated\n{FORMAT_HINT}"),
    );
    dir.write_edited("version.key", "cardiologist.key", &key[..4], "Ao");
    assert_run(
        &decrypt("version.key"),
        2,
        "",
        &format!("error: version.key: field `key` is not base64url without padding\n{FORMAT_HINT}"),
    );
    dir.write_edited("v2.key", "cardiologist.key", &key[..2], "Ag");
    assert_run(
        &decrypt("v2.key"),
        2,
        "",
        &format!("error: v2.key: field `key`: malformed user key: unknown version\n{FORMAT_HINT}"),
    );
    dir.write_edited(
        "list.key",
        "cardiologist.key",
        "\"attributes\": [",
        "\"attributes\": 7, \"x\": [",
    );
    assert_run(
        &decrypt("list.key"),
        2,
        "",
        &format!(
            "error: list.key: invalid type: integer `7`, expected a sequence at line 5 column \
             17\n{FORMAT_HINT}"
        ),
    );
    dir.write("array.key", "[1, \"abe-user-key\"]\n");
    assert_run(
        &decrypt("array.key"),
        2,
        "",
        &format!(
            "error: array.key: invalid type: sequence, expected a JSON object at line 1 column \
             0\n{FORMAT_HINT}"
        ),
    );
    assert_run(
        &decrypt("missing.key"),
        2,
        "",
        "error: missing.key: cannot read the user key: no such file or folder\n\
         hint: the authority writes one with `credkit abe keygen --authority AUTHORITY.key \
         --attrs ... -o missing.key`\n",
    );
    assert!(!dir.exists("out.txt"));
}

// ---- encrypt and decrypt ----

#[test]
fn the_cardiologist_opens_the_record_and_the_nurse_does_not() {
    let dir = TempDir::new("round-trip");
    let run = dir.encrypt("role:cardiologist and hospital:H1", "record.txt", "new.abe");
    assert_run(&run, 0, "", "");
    let envelope = dir.read_bytes("new.abe");
    assert_eq!(&envelope[..9], b"CKABEENV\x01");
    // Same policy, same file: the same length as the test envelope, other bytes.
    assert_eq!(envelope.len(), data("record.abe").len());
    assert_ne!(envelope, data("record.abe"));

    assert_run(
        &dir.decrypt("cardiologist.key", "new.abe", "out.txt"),
        0,
        "",
        "",
    );
    assert_eq!(dir.read("out.txt"), RECORD);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("out.txt")), 0o600);
    assert_run(
        &dir.decrypt("cardiologist.key", "new.abe", "-"),
        0,
        RECORD,
        "",
    );

    let run = dir.decrypt("nurse.key", "new.abe", "nurse.txt");
    assert_run(
        &run,
        1,
        "",
        "error: new.abe: policy not satisfied: the key's attributes do not satisfy the \
         envelope's policy\n\
         hint: the envelope's policy is `role:cardiologist and hospital:H1`; nurse.key has the \
         attributes hospital:H1, role:nurse\n",
    );
    assert!(!dir.exists("nurse.txt"));
}

#[test]
fn the_test_envelopes_open_as_they_always_did() {
    let dir = TempDir::new("pinned");
    assert_run(
        &dir.decrypt("cardiologist.key", "record.abe", "-"),
        0,
        RECORD,
        "",
    );
    assert_run(
        &dir.decrypt("cardiologist.key", "ward.abe", "-"),
        0,
        RECORD,
        "",
    );
    assert_run(&dir.decrypt("nurse.key", "ward.abe", "-"), 0, RECORD, "");
    assert_run(
        &dir.decrypt("nurse.key", "record.abe", "-"),
        1,
        "",
        &format!(
            "{NOT_SATISFIED}hint: the envelope's policy is `role:cardiologist and hospital:H1`; \
             nurse.key has the attributes hospital:H1, role:nurse\n"
        ),
    );
    // A key of another authority is named as such.
    assert_run(
        &dir.decrypt("other-cardiologist.key", "record.abe", "-"),
        1,
        "",
        &format!(
            "error: record.abe: sealed for the authority {KID}, and the key is from the \
             authority {OTHER_KID}\n\
             hint: other-cardiologist.key cannot open it: ask the authority {KID} for a key, or \
             the sender to encrypt with your authority's public key\n"
        ),
    );
    // Both from standard input.
    let run = credkit_with_stdin(
        dir.path(),
        &[
            "abe",
            "decrypt",
            "--key",
            "cardiologist.key",
            "-",
            "-o",
            "-",
        ],
        Some(&data("record.abe")),
    );
    assert_run(&run, 0, RECORD, "");
}

#[test]
fn encrypt_from_standard_input_to_standard_output() {
    let dir = TempDir::new("stdio");
    let run = credkit_with_stdin(
        dir.path(),
        &[
            "abe",
            "encrypt",
            "--public",
            "authority.pub",
            "--policy",
            "2 of (role:nurse, hospital:H1, unit:icu)",
            "-",
            "-o",
            "-",
        ],
        Some(b"any bytes: \x00\xff"),
    );
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    dir.write("stdin.abe", &run.stdout);
    let run = dir.decrypt("nurse.key", "stdin.abe", "out.bin");
    assert_run(&run, 0, "", "");
    assert_eq!(dir.read_bytes("out.bin"), b"any bytes: \x00\xff");
    // An empty file too.
    dir.write("empty.txt", "");
    assert_run(
        &dir.encrypt("role:nurse", "empty.txt", "empty.abe"),
        0,
        "",
        "",
    );
    assert_run(&dir.decrypt("nurse.key", "empty.abe", "-"), 0, "", "");
}

#[test]
fn policies_that_do_not_parse_show_where() {
    let dir = TempDir::new("policy");
    for (policy, error) in [
        (
            "role:cardiologist and (hospital:H1 or)",
            "at byte 37: expected an attribute, '(' or 'K of (...)' but found ')'\n    \
             role:cardiologist and (hospital:H1 or)\n                                         \
             ^",
        ),
        (
            "role:nurse and role:nurse",
            "at byte 15: attribute role:nurse is used twice (first at byte 0); a policy may use \
             each attribute only once\n    \
             role:nurse and role:nurse\n                   \
             ^",
        ),
        (
            "role:nurse AND hospital:H1",
            "at byte 11: expected 'and', 'or' or the end of the policy but found a word that is \
             no keyword, number or attribute (keywords are lowercase; attributes are \
             namespace:value)\n    \
             role:nurse AND hospital:H1\n               \
             ^",
        ),
        (
            "unit:\"ward 3",
            "at byte 5: unterminated quoted value\n    \
             unit:\"ward 3\n         \
             ^",
        ),
        (
            "3 of (role:nurse, unit:icu)",
            "at byte 0: threshold 3 of 2: K must be between 1 and the number of children, 2\n    \
             3 of (role:nurse, unit:icu)\n    \
             ^",
        ),
        (
            "(role:nurse\n or unit:icu",
            "at byte 24: expected 'and', 'or' or ')' but the text ended\n     \
             or unit:icu\n                \
             ^",
        ),
        ("  ", "at byte 2: the policy is empty\n      \n      ^"),
    ] {
        let run = dir.encrypt(policy, "record.txt", "out.abe");
        assert_run(
            &run,
            2,
            "",
            &format!("error: --policy: {error}\n{POLICY_HINT}"),
        );
    }
    assert!(!dir.exists("out.abe"));
}

#[test]
fn tampered_envelopes_are_refused() {
    let dir = TempDir::new("tampered");
    // record.abe: magic 0..8, version 8, authority 9..41, nonce 41..65, ABE ciphertext length
    // 65..69 (328), the ciphertext 69..397 (version, policy length, the 33-byte policy at
    // 74..107, C0 at 107..203, C0' at 203..299, 2 C_i at 301..397), then 44 bytes of
    // encrypted record and the 16-byte tag.
    let bytes = data("record.abe");
    assert_eq!(bytes.len(), 457);
    assert_eq!(&bytes[74..107], b"role:cardiologist and hospital:H1");
    let decrypt = |file: &str| dir.decrypt("cardiologist.key", file, "out.txt");

    // The nonce, the encrypted record, the tag: the tag does not verify.
    for (offset, file) in [(50, "nonce.abe"), (420, "body.abe"), (456, "tag.abe")] {
        dir.write_altered(file, offset, 0x01);
        assert_run(
            &decrypt(file),
            1,
            "",
            &format!("error: {file}: {AUTHENTICATION}"),
        );
    }
    // A point of the ABE ciphertext that stays on the curve changes the key: the same.
    dir.write_altered("c0.abe", 107, 0x20);
    assert_run(
        &decrypt("c0.abe"),
        1,
        "",
        &format!("error: c0.abe: {AUTHENTICATION}"),
    );
    // One that leaves it is refused as such.
    dir.write_altered("point.abe", 150, 0x01);
    assert_run(
        &decrypt("point.abe"),
        2,
        "",
        "error: point.abe: the ABE ciphertext: malformed encoding: point encoding is malformed or not on the \
         curve\n\
         hint: the envelope was altered; ask its sender for it again\n",
    );
    // The policy: another attribute, or no policy at all.
    dir.write_altered("policy.abe", 106, 0x01);
    assert_run(
        &decrypt("policy.abe"),
        1,
        "",
        "error: policy.abe: policy not satisfied: the key's attributes do not satisfy the \
         envelope's policy\n\
         hint: the envelope's policy is `role:cardiologist and hospital:H0`; cardiologist.key \
         has the attributes hospital:H1, role:cardiologist\n",
    );
    dir.write_altered("syntax.abe", 92, 0x01);
    assert_run(
        &decrypt("syntax.abe"),
        2,
        "",
        "error: syntax.abe: the ABE ciphertext: at byte 18: unexpected character '`'\n\
         hint: the envelope was altered; ask its sender for it again\n",
    );
    // The authority, the version, the magic.
    dir.write_altered("authority.abe", 9, 0x01);
    let run = decrypt("authority.abe");
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("error: authority.abe: sealed for the authority"),
        "{}",
        run.stderr
    );
    dir.write_altered("version.abe", 8, 0x03);
    assert_run(
        &decrypt("version.abe"),
        2,
        "",
        "error: version.abe: unsupported ABE envelope version 2 (this build reads version 1)\n\
         hint: the file was written by another version of credkit\n",
    );
    dir.write_altered("magic.abe", 0, 0x01);
    assert_run(
        &decrypt("magic.abe"),
        2,
        "",
        "error: magic.abe: not an ABE envelope (it does not start with `CKABEENV`)\n\
         hint: give a file that `credkit abe encrypt` wrote\n",
    );
    assert_run(
        &decrypt("record.txt"),
        2,
        "",
        "error: record.txt: not an ABE envelope (it does not start with `CKABEENV`)\n\
         hint: give a file that `credkit abe encrypt` wrote\n",
    );
    assert!(!dir.exists("out.txt"));
}

#[test]
fn truncated_envelopes_are_refused() {
    let dir = TempDir::new("truncated");
    let bytes = data("record.abe");
    let decrypt = |file: &str| dir.decrypt("cardiologist.key", file, "out.txt");
    for (length, what) in [
        (0, "header"),
        (5, "header"),
        (68, "header"),
        (69, "ABE ciphertext"),
        (396, "ABE ciphertext"),
        (412, "authentication tag"),
    ] {
        dir.write("cut.abe", &bytes[..length]);
        assert_run(
            &decrypt("cut.abe"),
            2,
            "",
            &format!(
                "error: cut.abe: truncated: the file ends before the end of the envelope's \
                 {what}\n\
                 hint: the file was cut short; ask its sender for it again\n"
            ),
        );
    }
    // Cut inside the encrypted record, but a tag's worth left: the tag does not verify.
    for length in [413, 456] {
        dir.write("cut.abe", &bytes[..length]);
        assert_run(
            &decrypt("cut.abe"),
            1,
            "",
            &format!("error: cut.abe: {AUTHENTICATION}"),
        );
    }
    // One byte too many: the same.
    let mut long = bytes.clone();
    long.push(0);
    dir.write("long.abe", long);
    assert_run(
        &decrypt("long.abe"),
        1,
        "",
        &format!("error: long.abe: {AUTHENTICATION}"),
    );
    assert!(!dir.exists("out.txt"));
}

#[test]
fn outputs_are_never_overwritten_without_force() {
    let dir = TempDir::new("overwrite");
    dir.write("old.txt", "old\n");
    let refused = "error: old.txt: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n";
    assert_run(
        &dir.decrypt("cardiologist.key", "record.abe", "old.txt"),
        2,
        "",
        refused,
    );
    assert_run(
        &dir.encrypt("role:nurse", "record.txt", "old.txt"),
        2,
        "",
        refused,
    );
    assert_eq!(dir.read("old.txt"), "old\n");
    let run = dir.credkit(&[
        "abe",
        "decrypt",
        "--key",
        "cardiologist.key",
        "record.abe",
        "-o",
        "old.txt",
        "--force",
    ]);
    assert_run(&run, 0, "", "");
    assert_eq!(dir.read("old.txt"), RECORD);
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("old.txt")), 0o600);
    // A failed decryption leaves an existing output alone, even with --force.
    let run = dir.credkit(&[
        "abe",
        "decrypt",
        "--key",
        "nurse.key",
        "record.abe",
        "-o",
        "old.txt",
        "--force",
    ]);
    assert_eq!(run.code, Some(1));
    assert_eq!(dir.read("old.txt"), RECORD);
}

#[test]
fn help_lists_the_abe_commands() {
    let dir = TempDir::new("help");
    let run = dir.credkit(&["--help"]);
    assert_eq!(run.code, Some(0));
    assert!(
        run.stdout()
            .lines()
            .any(|l| l.trim_start().starts_with("abe ")),
        "{}",
        run.stdout()
    );
    let run = dir.credkit(&["abe", "--help"]);
    assert_eq!(run.code, Some(0));
    for command in ["setup", "pubkey", "keygen", "encrypt", "decrypt"] {
        assert!(
            run.stdout()
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} is not in:\n{}",
            run.stdout()
        );
    }
    let run = dir.credkit(&["abe", "encrypt", "--help"]);
    assert!(
        run.stdout().contains(
            "Usage: credkit abe encrypt [OPTIONS] --public <FILE> --policy <POLICY> --output \
             <OUT> <IN>"
        ),
        "{}",
        run.stdout()
    );
}
