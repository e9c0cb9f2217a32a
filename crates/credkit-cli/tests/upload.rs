//! `credkit upload prepare`, `sign`, `seal` and `verify`, run as processes on the TEST ONLY
//! group of `tests/data/TEST-ONLY-group` (see its README). Expected outputs, failures
//! included, are written out in full: stdout, stderr and exit status.
//!
//! An envelope's nonce and timestamp are fresh in every run: the tests read them from the
//! files written and put them into the expected outputs, which are otherwise fixed.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::Value;

/// `tests/data` of this crate.
fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data")
}

fn data(file: &str) -> String {
    fs::read_to_string(data_dir().join(file)).expect("read a file of tests/data")
}

/// The id of the TEST ONLY group.
const GROUP_ID: &str = "1ab6d2ed0ac3595b5c21e40f4a01d7e797204ab699812ec5ce1ad23f1e5035d3";

/// The SHA-256 of `payload.json`.
const PAYLOAD_SHA256: &str = "2a268389808036d9017ee9c4cfed7c8646eb54a1a7b44ecee5e5f4a0a9f51c0d";

const TASK: &str = "study-S/visit-3";

const ENVELOPE_HINT: &str =
    "hint: the envelope was altered or truncated; ask the combiner for it again\n";

/// A field of a JSON document, as text (strings without their quotes).
fn field(document: &str, name: &str) -> String {
    let doc: Value = serde_json::from_str(document).expect("a JSON document");
    match &doc[name] {
        Value::String(s) => s.clone(),
        Value::Null => panic!("no `{name}` in {document}"),
        other => other.to_string(),
    }
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `credkit` with `args` in `cwd`, and checks that neither output shows a member's
/// secret share of the test group.
fn credkit(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_credkit"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("the credkit binary runs");
    let run = Run {
        code: output.status.code(),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    };
    for i in 1..=5 {
        let secret = field(
            &data(&format!("TEST-ONLY-group/member-{i}.key")),
            "signing_share",
        );
        assert!(
            !run.stdout.contains(&secret) && !run.stderr.contains(&secret),
            "credkit {args:?} printed the secret share of member {i}"
        );
    }
    run
}

/// Asserts a run's exit status, stdout and stderr at once, so a failure shows all three.
#[track_caller]
fn assert_run(run: &Run, code: i32, stdout: &str, stderr: &str) {
    assert_eq!(
        (run.code, run.stdout.as_str(), run.stderr.as_str()),
        (Some(code), stdout, stderr)
    );
}

/// A fresh folder under the system's temporary folder, removed on drop, holding copies of
/// the TEST ONLY group's `group.json` and `member-<i>.key`, and of `payload.json`.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "credkit-cli-upload-{test}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).expect("create a temporary folder");
        let dir = TempDir(path);
        dir.write("group.json", data("TEST-ONLY-group/group.json"));
        for i in 1..=5 {
            let key = format!("member-{i}.key");
            dir.write(&key, data(&format!("TEST-ONLY-group/{key}")));
        }
        dir.write("payload.json", data("payload.json"));
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

    /// Writes `relative` as the file `original` with `from` replaced by `to` (which must
    /// occur).
    fn write_edited(&self, relative: &str, original: &str, from: &str, to: &str) {
        let text = self.read(original);
        assert!(text.contains(from), "{from:?} is not in {original}");
        self.write(relative, text.replacen(from, to, 1));
    }

    fn credkit(&self, args: &[&str]) -> Run {
        credkit(&self.0, args)
    }

    /// `upload prepare` of `payload.json` for task `study-S/visit-3` into `unsigned.json`,
    /// then `upload sign` by `members` into `partial-<i>.json`.
    fn prepare_and_sign(&self, members: &[u16]) {
        let run = self.credkit(&[
            "upload",
            "prepare",
            "--group",
            "group.json",
            "--task",
            TASK,
            "payload.json",
            "-o",
            "unsigned.json",
        ]);
        assert_run(&run, 0, "", "");
        for i in members {
            let run = self.credkit(&[
                "upload",
                "sign",
                "--share",
                &format!("member-{i}.key"),
                "unsigned.json",
                "--payload",
                "payload.json",
                "-o",
                &format!("partial-{i}.json"),
            ]);
            assert_run(&run, 0, "", "");
        }
    }

    /// `upload seal` of `partials` into `out`.
    fn seal(&self, partials: &[&str], out: &str) -> Run {
        let mut args = vec![
            "upload",
            "seal",
            "--group",
            "group.json",
            "--unsigned",
            "unsigned.json",
        ];
        args.extend_from_slice(partials);
        args.extend_from_slice(&["-o", out]);
        self.credkit(&args)
    }

    /// `upload verify` of `envelope` and `payload`, with `extra` arguments.
    fn verify(&self, envelope: &str, payload: &str, extra: &[&str]) -> Run {
        let mut args = vec![
            "upload",
            "verify",
            "--group",
            "group.json",
            envelope,
            payload,
        ];
        args.extend_from_slice(extra);
        self.credkit(&args)
    }

    /// A prepared, signed by members 1, 3 and 5, and sealed `envelope.json`.
    fn sealed(&self) {
        self.prepare_and_sign(&[1, 3, 5]);
        let run = self.seal(
            &["partial-1.json", "partial-3.json", "partial-5.json"],
            "envelope.json",
        );
        assert_run(&run, 0, "", "");
    }

    /// What `upload verify` prints for `envelope.json`.
    fn accepted(&self) -> String {
        let envelope = self.read("envelope.json");
        format!(
            "task_id: {TASK}\ntimestamp: {}\npayload_sha256: {PAYLOAD_SHA256}\n",
            field(&envelope, "timestamp")
        )
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

#[test]
fn prepare_writes_the_fields_and_signing_bytes() {
    let dir = TempDir::new("prepare");
    dir.prepare_and_sign(&[2]);
    let unsigned = dir.read("unsigned.json");
    let doc: Value = serde_json::from_str(&unsigned).expect("JSON");
    let keys: Vec<&str> = unsigned
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split('"').next())
        .collect();
    assert_eq!(
        keys,
        [
            "version",
            "type",
            "group_id",
            "task_id",
            "nonce",
            "timestamp",
            "payload_sha256",
            "signing_bytes"
        ]
    );
    assert_eq!(doc["type"], "unsigned-upload");
    assert_eq!(doc["group_id"], GROUP_ID);
    assert_eq!(doc["task_id"], TASK);
    assert_eq!(doc["payload_sha256"], PAYLOAD_SHA256);
    let nonce = field(&unsigned, "nonce");
    assert_eq!(nonce.len(), 64);
    // The signing bytes: the tag, then every field with its 2-byte length.
    let timestamp: u64 = field(&unsigned, "timestamp").parse().expect("a number");
    let expected = format!(
        "0011{}0020{GROUP_ID}{:04x}{}0020{nonce}0008{timestamp:016x}0020{PAYLOAD_SHA256}",
        hex_of(b"credkit-upload-v1"),
        TASK.len(),
        hex_of(TASK.as_bytes())
    );
    assert_eq!(doc["signing_bytes"], expected.as_str());
    // A member's partial signature is of the signing bytes, for the group.
    let partial = dir.read("partial-2.json");
    assert_eq!(field(&partial, "type"), "partial-signature");
    assert_eq!(field(&partial, "group_id"), GROUP_ID);
    assert_eq!(field(&partial, "identifier"), "2");
    // A second envelope of the same payload has another nonce.
    let run = dir.credkit(&[
        "upload",
        "prepare",
        "--group",
        "group.json",
        "--task",
        TASK,
        "payload.json",
        "-o",
        "-",
    ]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    assert_ne!(field(&run.stdout, "nonce"), nonce);
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn seal_then_verify_and_refuse_a_replay_across_runs() {
    let dir = TempDir::new("replay");
    dir.sealed();
    let envelope = dir.read("envelope.json");
    assert!(envelope.starts_with("{\"version\":1,\"type\":\"upload\",\"group_id\":\""));
    assert!(envelope.ends_with("\"}\n"));
    assert_eq!(envelope.lines().count(), 1);
    assert_eq!(field(&envelope, "group_id"), GROUP_ID);
    assert_eq!(field(&envelope, "signature").len(), 192);
    let unsigned = dir.read("unsigned.json");
    for name in ["nonce", "timestamp", "payload_sha256", "task_id"] {
        assert_eq!(field(&envelope, name), field(&unsigned, name));
    }

    let accepted = dir.accepted();
    assert_run(
        &dir.verify("envelope.json", "payload.json", &["--store", "nonces"]),
        0,
        &accepted,
        "",
    );
    // The same envelope again, in another run with the same store: a replay.
    let nonce = field(&envelope, "nonce");
    assert_run(
        &dir.verify("envelope.json", "payload.json", &["--store", "nonces"]),
        1,
        "",
        &format!(
            "error: envelope.json: replayed upload: its nonce {nonce} was accepted before in \
             nonces\n\
             hint: every upload is accepted once; a new upload needs a new envelope\n"
        ),
    );
    // Without a store nothing is remembered; with a new store it is accepted once more.
    assert_run(
        &dir.verify("envelope.json", "payload.json", &[]),
        0,
        &accepted,
        "",
    );
    assert_run(
        &dir.verify(
            "envelope.json",
            "payload.json",
            &["--store", "other-nonces"],
        ),
        0,
        &accepted,
        "",
    );
}

#[test]
fn verify_refuses_a_tampered_payload_or_envelope() {
    let dir = TempDir::new("tampered");
    dir.sealed();
    dir.write("tampered.json", "{\"heart_rate\": 180, \"spo2\": 97}\n");
    let store = ["--store", "nonces"];
    assert_run(
        &dir.verify("envelope.json", "tampered.json", &store),
        1,
        "",
        "error: envelope.json: tampered.json is not the payload the envelope was sealed for \
         (its SHA-256 differs from payload_sha256)\n\
         hint: the payload was altered, or belongs to another envelope\n",
    );
    // Another task id: the signature no longer verifies.
    dir.write_edited(
        "task.json",
        "envelope.json",
        "\"study-S/visit-3\"",
        "\"study-S/visit-4\"",
    );
    assert_run(
        &dir.verify("task.json", "payload.json", &store),
        1,
        "",
        "error: task.json: the group signature does not verify\n\
         hint: the envelope was altered after it was sealed, or the group did not sign it\n",
    );
    // Refused uploads burn no nonce: the genuine one is still accepted.
    assert_run(
        &dir.verify("envelope.json", "payload.json", &store),
        0,
        &dir.accepted(),
        "",
    );
    // An envelope of another group.
    let other = "00".repeat(32);
    dir.write_edited("group-id.json", "envelope.json", GROUP_ID, &other);
    assert_run(
        &dir.verify("group-id.json", "payload.json", &store),
        1,
        "",
        &format!(
            "error: group-id.json: the upload is for group {other}, not for the group in \
             group.json ({GROUP_ID})\n\
             hint: give the group.json of the group the envelope names\n"
        ),
    );
    // Too old: a day and more ago (the signature is checked after the time).
    let timestamp = field(&dir.read("envelope.json"), "timestamp");
    dir.write_edited(
        "old.json",
        "envelope.json",
        &format!("\"timestamp\":{timestamp}"),
        "\"timestamp\":1000",
    );
    let run = dir.verify("old.json", "payload.json", &store);
    assert_eq!(run.code, Some(1));
    assert!(
        run.stderr
            .starts_with("error: old.json: the upload is too old: made at 1000, "),
        "{}",
        run.stderr
    );
    assert!(
        run.stderr
            .ends_with(" seconds ago; at most 86400 are accepted\nhint: ask for a new upload\n"),
        "{}",
        run.stderr
    );
}

#[test]
fn verify_refuses_malformed_envelopes() {
    let dir = TempDir::new("malformed");
    dir.sealed();
    let nonce = field(&dir.read("envelope.json"), "nonce");
    dir.write_edited("nonce.json", "envelope.json", &nonce, &nonce[..62]);
    assert_run(
        &dir.verify("nonce.json", "payload.json", &[]),
        2,
        "",
        &format!(
            "error: nonce.json: malformed upload envelope: field `nonce` is not hex of the \
             right length\n{ENVELOPE_HINT}"
        ),
    );
    dir.write_edited(
        "extra.json",
        "envelope.json",
        "\"nonce\"",
        "\"device\":\"d7\",\"nonce\"",
    );
    // credkit-threshold names no field here; the CLI asks serde_json which one is wrong.
    assert_run(
        &dir.verify("extra.json", "payload.json", &[]),
        2,
        "",
        &format!(
            "error: extra.json: malformed upload envelope: unknown field `device`, expected one \
             of `version`, `type`, `group_id`, `task_id`, `nonce`, `timestamp`, \
             `payload_sha256`, `signature` at line 1 column 143\n{ENVELOPE_HINT}"
        ),
    );
    let signature = field(&dir.read("envelope.json"), "signature");
    dir.write_edited(
        "identity.json",
        "envelope.json",
        &signature,
        &format!("c0{}", "00".repeat(95)),
    );
    assert_run(
        &dir.verify("identity.json", "payload.json", &[]),
        2,
        "",
        &format!(
            "error: identity.json: field `signature`: malformed encoding: point is the \
             identity\n{ENVELOPE_HINT}"
        ),
    );
    assert_run(
        &dir.verify("unsigned.json", "payload.json", &[]),
        2,
        "",
        "error: unsigned.json: malformed upload envelope: the JSON \"type\" is not \"upload\"\n\
         hint: give the envelope that `credkit upload seal` writes (an unsigned envelope must \
         be signed and sealed first)\n",
    );
    dir.write("text.json", "heart rate 72\n");
    assert_run(
        &dir.verify("text.json", "payload.json", &[]),
        2,
        "",
        &format!(
            "error: text.json: malformed upload envelope: expected value at line 1 column 1\n\
             {ENVELOPE_HINT}"
        ),
    );
    assert_run(
        &dir.verify("missing.json", "payload.json", &[]),
        2,
        "",
        "error: missing.json: cannot read the upload envelope: no such file or folder\n\
         hint: the combiner writes it with `credkit upload seal`\n",
    );
    // A damaged nonce store is left alone.
    dir.write("nonces", "not a nonce store");
    assert_run(
        &dir.verify("envelope.json", "payload.json", &["--store", "nonces"]),
        2,
        "",
        "error: nonces: the nonce store is damaged at byte 0\n\
         hint: it is left as it is: a damaged store could readmit replays; restore it from a \
         backup, or inspect it\n",
    );
    assert_eq!(dir.read("nonces"), "not a nonce store");
}

#[test]
fn seal_names_bad_partials() {
    let dir = TempDir::new("seal-bad");
    dir.prepare_and_sign(&[1, 2, 3, 4]);
    // Member 2 signed another upload of the same payload.
    let run = dir.credkit(&[
        "upload",
        "prepare",
        "--group",
        "group.json",
        "--task",
        TASK,
        "payload.json",
        "-o",
        "second.json",
    ]);
    assert_run(&run, 0, "", "");
    let run = dir.credkit(&[
        "upload",
        "sign",
        "--share",
        "member-2.key",
        "second.json",
        "-o",
        "partial-2.json",
        "--force",
    ]);
    assert_run(&run, 0, "", "");
    // Member 4's partial signature carries member 3's signature.
    let third = field(&dir.read("partial-3.json"), "signature");
    let fourth = field(&dir.read("partial-4.json"), "signature");
    dir.write_edited("forged-4.json", "partial-4.json", &fourth, &third);
    let warnings = "warning: partial-2.json: member 2 signed another message than the upload in \
         unsigned.json; left out\n\
         warning: forged-4.json: the partial signature of member 4 does not verify; left out\n";
    assert_run(
        &dir.seal(
            &[
                "partial-1.json",
                "partial-2.json",
                "partial-3.json",
                "forged-4.json",
            ],
            "envelope.json",
        ),
        1,
        "",
        &format!(
            "{warnings}error: too few valid partial signatures: 2, the group needs 3\n\
             hint: ask more members of the group to sign with `credkit upload sign`\n"
        ),
    );
    assert!(!dir.exists("envelope.json"));
    let run = dir.credkit(&[
        "upload",
        "sign",
        "--share",
        "member-5.key",
        "unsigned.json",
        "-o",
        "partial-5.json",
    ]);
    assert_run(&run, 0, "", "");
    assert_run(
        &dir.seal(
            &[
                "partial-1.json",
                "partial-2.json",
                "partial-3.json",
                "forged-4.json",
                "partial-5.json",
            ],
            "envelope.json",
        ),
        0,
        "",
        warnings,
    );
    assert_run(
        &dir.verify("envelope.json", "payload.json", &[]),
        0,
        &dir.accepted(),
        "",
    );
}

#[test]
fn sign_and_prepare_errors() {
    let dir = TempDir::new("sign-errors");
    dir.prepare_and_sign(&[]);
    dir.write("tampered.json", "{\"heart_rate\": 180, \"spo2\": 97}\n");
    let run = dir.credkit(&[
        "upload",
        "sign",
        "--share",
        "member-1.key",
        "unsigned.json",
        "--payload",
        "tampered.json",
        "-o",
        "partial-1.json",
    ]);
    assert_run(
        &run,
        1,
        "",
        "error: tampered.json: not the payload of unsigned.json; not signing\n\
         hint: the payload was altered, or belongs to another upload\n",
    );
    assert!(!dir.exists("partial-1.json"));
    // The fields edited without the signing bytes.
    dir.write_edited(
        "edited.json",
        "unsigned.json",
        "\"study-S/visit-3\"",
        "\"study-S/visit-4\"",
    );
    let run = dir.credkit(&[
        "upload",
        "sign",
        "--share",
        "member-1.key",
        "edited.json",
        "-o",
        "partial-1.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: edited.json: field `signing_bytes` contradicts the rest of the document\n\
         hint: the file was altered or truncated; write it anew with credkit rather than \
         editing it\n",
    );
    // A key of another group.
    let run = dir.credkit(&[
        "group",
        "deal",
        "--min-signers",
        "2",
        "--max-signers",
        "2",
        "--out",
        "other",
    ]);
    assert_eq!(run.code, Some(0));
    let other_id = run
        .stdout
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("group "))
        .and_then(|l| l.split(':').next())
        .expect("the group id")
        .to_owned();
    let run = dir.credkit(&[
        "upload",
        "sign",
        "--share",
        "other/member-1.key",
        "unsigned.json",
        "-o",
        "partial-1.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        &format!(
            "error: unsigned.json: an upload for group {GROUP_ID}, but other/member-1.key is a \
             key of group {other_id}\n\
             hint: sign with this member's key of the group the upload is for\n"
        ),
    );
    let run = dir.credkit(&[
        "upload",
        "seal",
        "--group",
        "other/group.json",
        "--unsigned",
        "unsigned.json",
        "x.json",
        "-o",
        "envelope.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        &format!(
            "error: unsigned.json: an upload for group {GROUP_ID}, not for the group in \
             other/group.json ({other_id})\n\
             hint: seal it with the group.json of the group it names\n"
        ),
    );
    // A task id too long, a payload that is not there.
    let long = "t".repeat(256);
    let prepare = |task: &str, payload: &str| {
        dir.credkit(&[
            "upload",
            "prepare",
            "--group",
            "group.json",
            "--task",
            task,
            payload,
            "-o",
            "u.json",
        ])
    };
    assert_run(
        &prepare(&long, "payload.json"),
        2,
        "",
        "error: --task: 256 bytes, a task id is 1 to 255 bytes\n",
    );
    assert_run(
        &prepare(TASK, "missing.bin"),
        2,
        "",
        "error: missing.bin: cannot read the payload: no such file or folder\n\
         hint: give the path of a readable file\n",
    );
    assert!(!dir.exists("u.json"));
    assert!(dir.path().join("other").is_dir());
}
