//! `credkit group deal`, `sign`, `combine`, `verify`, `pop` and `dkg`, run as processes on the
//! TEST ONLY group of `tests/data/TEST-ONLY-group` (see its README) and on groups made here.
//! Expected outputs, failures included, are written out in full: stdout, stderr and exit
//! status.
//!
//! BLS signing is deterministic and a group signature does not depend on who signed: partial
//! signatures and signatures of the test group are pinned byte for byte. Dealing and key
//! generation are random: for them the file names, modes and shapes are pinned, the group
//! ids checked across files, and what the other commands make of the result.

use std::fs;
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

/// The id of the TEST ONLY group: the SHA-256 of its public key.
const GROUP_ID: &str = "1ab6d2ed0ac3595b5c21e40f4a01d7e797204ab699812ec5ce1ad23f1e5035d3";

/// The SHA-256 of `reading.txt`.
const READING_SHA256: &str = "bba085de4033940f831cb64d27225aca20296ac529536a26efc671ebc7d1d93b";

const VALID: &str = "valid: signed by at least 3 of the 5 members of group \
     1ab6d2ed0ac3595b5c21e40f4a01d7e797204ab699812ec5ce1ad23f1e5035d3\n";

const FORMAT_HINT: &str =
    "hint: the file was altered or truncated; write it anew with credkit rather than editing it\n";

/// A string field of a JSON document.
fn field(document: &str, name: &str) -> String {
    let doc: Value = serde_json::from_str(document).expect("a JSON document");
    doc[name]
        .as_str()
        .unwrap_or_else(|| panic!("no string `{name}` in {document}"))
        .to_owned()
}

/// The keys of a JSON object, in the file's order.
fn keys_in_order(document: &str) -> Vec<String> {
    document
        .lines()
        .filter_map(|l| l.strip_prefix("  \""))
        .filter_map(|l| l.split('"').next())
        .map(str::to_owned)
        .collect()
}

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

/// Runs `credkit` with `args` in `cwd`, with `stdin` as its standard input (else none), and
/// checks that neither output shows a member's secret share of the test group.
fn credkit_with_stdin(cwd: &Path, args: &[&str], stdin: Option<&[u8]>) -> Run {
    use std::io::Write;
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

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).expect("stat").permissions().mode() & 0o777
}

/// A fresh folder under the system's temporary folder, removed on drop, holding copies of
/// the TEST ONLY group's files (`group.json`, `member-<i>.key`, `partial-<i>.json`,
/// `signature.json`) and of `reading.txt` and `other-reading.txt`.
struct TempDir(PathBuf);

impl TempDir {
    fn new(test: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!(
            "credkit-cli-group-{test}-{}-{nanos}-{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        fs::create_dir_all(&path).expect("create a temporary folder");
        let dir = TempDir(path);
        for entry in fs::read_dir(data_dir().join("TEST-ONLY-group")).expect("list the group") {
            let entry = entry.expect("a file of the group");
            fs::copy(entry.path(), dir.0.join(entry.file_name())).expect("copy a group file");
        }
        dir.write("reading.txt", data("reading.txt"));
        dir.write("other-reading.txt", data("other-reading.txt"));
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
        credkit_with_stdin(&self.0, args, None)
    }

    /// `credkit group combine --group group.json --message reading.txt PARTIALS -o OUT`.
    fn combine(&self, partials: &[&str], out: &str) -> Run {
        let mut args = vec![
            "group",
            "combine",
            "--group",
            "group.json",
            "--message",
            "reading.txt",
        ];
        args.extend_from_slice(partials);
        args.extend_from_slice(&["-o", out]);
        self.credkit(&args)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

// ---- deal ----

#[test]
fn deal_writes_the_group_and_member_keys_0600() {
    let dir = TempDir::new("deal");
    let run = dir.credkit(&[
        "group",
        "deal",
        "--min-signers",
        "2",
        "--max-signers",
        "3",
        "--out",
        "new",
    ]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    let group = dir.read("new/group.json");
    let first = run.stdout.lines().next().expect("a first line");
    let group_id = first
        .strip_prefix("group ")
        .and_then(|l| l.strip_suffix(": any 2 of 3 members sign"))
        .expect("the first line names the group");
    assert_eq!(group_id.len(), 64);
    assert_eq!(
        run.stdout,
        format!(
            "group {group_id}: any 2 of 3 members sign\n\
             new/group.json: the group's public key (publish it)\n\
             new/member-1.key: member 1's secret key (mode 0600; give it to member 1 only)\n\
             new/member-2.key: member 2's secret key (mode 0600; give it to member 2 only)\n\
             new/member-3.key: member 3's secret key (mode 0600; give it to member 3 only)\n"
        )
    );

    assert_eq!(
        keys_in_order(&group),
        [
            "version",
            "type",
            "min_signers",
            "max_signers",
            "public_key",
            "commitments",
            "verifying_shares",
            "proof_of_possession"
        ]
    );
    let doc: Value = serde_json::from_str(&group).expect("group.json is JSON");
    assert_eq!(doc["type"], "threshold-group");
    assert_eq!(
        (doc["min_signers"].as_u64(), doc["max_signers"].as_u64()),
        (Some(2), Some(3))
    );
    assert_eq!(doc["commitments"][0], doc["public_key"]);
    assert_eq!(doc["commitments"].as_array().map(Vec::len), Some(2));
    assert_eq!(doc["verifying_shares"].as_array().map(Vec::len), Some(3));
    assert_eq!(doc["public_key"].as_str().map(str::len), Some(96));
    assert_eq!(doc["proof_of_possession"].as_str().map(str::len), Some(192));

    for i in 1..=3u64 {
        let path = format!("new/member-{i}.key");
        #[cfg(unix)]
        assert_eq!(mode(&dir.path().join(&path)), 0o600);
        let key = dir.read(&path);
        assert_eq!(
            keys_in_order(&key),
            [
                "version",
                "type",
                "identifier",
                "min_signers",
                "max_signers",
                "public_key",
                "verifying_share",
                "signing_share"
            ]
        );
        let key: Value = serde_json::from_str(&key).expect("a member key is JSON");
        assert_eq!(key["type"], "member-key");
        assert_eq!(key["identifier"].as_u64(), Some(i));
        assert_eq!(key["public_key"], doc["public_key"]);
        let index = usize::try_from(i - 1).expect("small");
        assert_eq!(
            key["verifying_share"],
            doc["verifying_shares"][index]["verifying_share"]
        );
        assert_eq!(key["signing_share"].as_str().map(str::len), Some(64));
        let secret = key["signing_share"].as_str().expect("a share");
        assert!(!run.stdout.contains(secret));
    }

    // The new keys sign, and their signature verifies under the new group.
    for i in ["1", "3"] {
        let run = dir.credkit(&[
            "group",
            "sign",
            "--share",
            &format!("new/member-{i}.key"),
            "reading.txt",
            "-o",
            &format!("new-{i}.json"),
        ]);
        assert_run(&run, 0, "", "");
        assert_eq!(
            field(&dir.read(&format!("new-{i}.json")), "group_id"),
            group_id
        );
    }
    let run = dir.credkit(&[
        "group",
        "combine",
        "--group",
        "new/group.json",
        "--message",
        "reading.txt",
        "new-1.json",
        "new-3.json",
        "-o",
        "new-signature.json",
    ]);
    assert_run(&run, 0, "", "");
    let run = dir.credkit(&[
        "group",
        "verify",
        "--group",
        "new/group.json",
        "reading.txt",
        "new-signature.json",
    ]);
    assert_run(
        &run,
        0,
        &format!("valid: signed by at least 2 of the 3 members of group {group_id}\n"),
        "",
    );
}

#[test]
fn deal_never_overwrites_without_force() {
    let dir = TempDir::new("deal-exists");
    fs::create_dir(dir.path().join("g")).expect("mkdir");
    dir.write("g/member-2.key", "the old key\n");
    let deal = |extra: &[&str]| {
        let mut args = vec![
            "group",
            "deal",
            "--min-signers",
            "2",
            "--max-signers",
            "3",
            "--out",
            "g",
        ];
        args.extend_from_slice(extra);
        dir.credkit(&args)
    };
    assert_run(
        &deal(&[]),
        2,
        "",
        "error: g/member-2.key: already exists; not overwriting it\n\
         hint: pass --force to overwrite it\n\
         hint: a member key that is overwritten cannot be recovered\n",
    );
    // Nothing was written: the check comes before the first file.
    assert_eq!(dir.read("g/member-2.key"), "the old key\n");
    assert!(!dir.exists("g/group.json"));
    assert!(!dir.exists("g/member-1.key"));

    // With --force the file is replaced, and made private even if it was not.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let path = dir.path().join("g/member-2.key");
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).expect("chmod");
    }
    let run = deal(&["--force"]);
    assert_eq!((run.code, run.stderr.as_str()), (Some(0), ""));
    assert!(dir
        .read("g/member-2.key")
        .contains("\"type\": \"member-key\""));
    #[cfg(unix)]
    assert_eq!(mode(&dir.path().join("g/member-2.key")), 0o600);
}

#[test]
fn deal_usage_errors() {
    let dir = TempDir::new("deal-usage");
    let deal = |min: &str, max: &str| {
        dir.credkit(&[
            "group",
            "deal",
            "--min-signers",
            min,
            "--max-signers",
            max,
            "--out",
            "g",
        ])
    };
    assert_run(
        &deal("4", "3"),
        2,
        "",
        "error: --min-signers 4 is more than --max-signers 3\n\
         hint: a group cannot need more signers than it has members\n",
    );
    assert_run(
        &deal("1", "3"),
        2,
        "",
        "error: invalid value '1' for '--min-signers <T>': 1 is not in 2..=65535\n\n\
         For more information, try '--help'.\n",
    );
    assert!(!dir.exists("g"));
}

// ---- sign ----

#[test]
fn sign_is_byte_exact() {
    let dir = TempDir::new("sign");
    for i in 1..=5 {
        let run = dir.credkit(&[
            "group",
            "sign",
            "--share",
            &format!("member-{i}.key"),
            "reading.txt",
            "-o",
            &format!("new-{i}.json"),
        ]);
        assert_run(&run, 0, "", "");
        assert_eq!(
            dir.read(&format!("new-{i}.json")),
            data(&format!("TEST-ONLY-group/partial-{i}.json"))
        );
    }
    let partial = data("TEST-ONLY-group/partial-1.json");
    assert_eq!(
        keys_in_order(&partial),
        [
            "version",
            "type",
            "group_id",
            "identifier",
            "message_sha256",
            "signature"
        ]
    );
    assert_eq!(field(&partial, "group_id"), GROUP_ID);
    assert_eq!(field(&partial, "message_sha256"), READING_SHA256);
    assert_eq!(field(&partial, "signature").len(), 192);

    // To standard output, the message from standard input.
    let run = credkit_with_stdin(
        dir.path(),
        &["group", "sign", "--share", "member-1.key", "-", "-o", "-"],
        Some(data("reading.txt").as_bytes()),
    );
    assert_run(&run, 0, &partial, "");
}

#[test]
fn sign_errors() {
    let dir = TempDir::new("sign-errors");
    let sign = |key: &str, message: &str| {
        dir.credkit(&["group", "sign", "--share", key, message, "-o", "out.json"])
    };
    assert_run(
        &sign("member-9.key", "reading.txt"),
        2,
        "",
        "error: member-9.key: cannot read the member key: no such file or folder\n\
         hint: the dealer writes member keys with `credkit group deal`, each member of a key \
         generation with `credkit group dkg finish`\n",
    );
    assert_run(
        &sign("group.json", "reading.txt"),
        2,
        "",
        "error: group.json: expected a `member-key` document, found `threshold-group`\n\
         hint: --share takes a member key file, member-<i>.key, as `credkit group deal` or \
         `credkit group dkg finish` writes it\n",
    );
    assert_run(
        &sign("member-1.key", "missing.txt"),
        2,
        "",
        "error: missing.txt: cannot read the message: no such file or folder\n\
         hint: give the path of a readable file\n",
    );
    // Another member's share under member 1's verifying share (the message quotes neither).
    let theirs = field(&dir.read("member-2.key"), "signing_share");
    let mine = field(&dir.read("member-1.key"), "signing_share");
    dir.write_edited("swapped.key", "member-1.key", &mine, &theirs);
    assert_run(
        &sign("swapped.key", "reading.txt"),
        2,
        "",
        &format!(
            "error: swapped.key: field `verifying_share` contradicts the rest of the \
             document\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited("short.key", "member-1.key", &mine, &mine[..62]);
    assert_run(
        &sign("short.key", "reading.txt"),
        2,
        "",
        &format!(
            "error: short.key: field `signing_share` is not lowercase hex of the right \
             length\n{FORMAT_HINT}"
        ),
    );
    dir.write_edited(
        "version.key",
        "member-1.key",
        "\"version\": 1",
        "\"version\": 2",
    );
    assert_run(
        &sign("version.key", "reading.txt"),
        2,
        "",
        "error: version.key: unsupported `member-key` document version 2 (this build reads \
         version 1)\n\
         hint: the file was written by another version of credkit\n",
    );
    assert!(!dir.exists("out.json"));
}

// ---- combine ----

#[test]
fn combine_is_byte_exact_whoever_signed() {
    let dir = TempDir::new("combine");
    let signature = data("TEST-ONLY-group/signature.json");
    assert_eq!(
        keys_in_order(&signature),
        ["version", "type", "group_id", "message_sha256", "signature"]
    );
    assert_eq!(field(&signature, "group_id"), GROUP_ID);
    assert_eq!(field(&signature, "message_sha256"), READING_SHA256);
    assert_eq!(field(&signature, "signature").len(), 192);
    for (set, out) in [
        (
            ["partial-1.json", "partial-2.json", "partial-3.json"],
            "a.json",
        ),
        (
            ["partial-5.json", "partial-3.json", "partial-4.json"],
            "b.json",
        ),
    ] {
        assert_run(&dir.combine(&set, out), 0, "", "");
        assert_eq!(dir.read(out), signature);
    }
    // More than min_signers: the first three by member are used.
    let all = [
        "partial-4.json",
        "partial-2.json",
        "partial-5.json",
        "partial-1.json",
        "partial-3.json",
    ];
    assert_run(&dir.combine(&all, "-"), 0, &signature, "");
}

/// Writes `bad-other.json`, member 2's partial signature of `other-reading.txt`, and
/// `bad-forged.json`, member 4's partial signature with member 5's signature in it.
fn write_bad_partials(dir: &TempDir) {
    let run = dir.credkit(&[
        "group",
        "sign",
        "--share",
        "member-2.key",
        "other-reading.txt",
        "-o",
        "bad-other.json",
    ]);
    assert_run(&run, 0, "", "");
    let fifth = field(&dir.read("partial-5.json"), "signature");
    let fourth = field(&dir.read("partial-4.json"), "signature");
    dir.write_edited("bad-forged.json", "partial-4.json", &fourth, &fifth);
}

#[test]
fn combine_names_bad_partials_and_goes_on_with_enough() {
    let dir = TempDir::new("combine-bad");
    write_bad_partials(&dir);
    let run = dir.combine(
        &[
            "partial-1.json",
            "bad-forged.json",
            "bad-other.json",
            "partial-3.json",
            "partial-5.json",
        ],
        "out.json",
    );
    assert_run(
        &run,
        0,
        "",
        "warning: bad-other.json: member 2 signed another message than reading.txt; left out\n\
         warning: bad-forged.json: the partial signature of member 4 does not verify; left \
         out\n",
    );
    assert_eq!(dir.read("out.json"), data("TEST-ONLY-group/signature.json"));
}

#[test]
fn combine_too_few_good_partials() {
    let dir = TempDir::new("combine-few");
    write_bad_partials(&dir);
    let run = dir.combine(
        &["bad-other.json", "partial-1.json", "bad-forged.json"],
        "out.json",
    );
    assert_run(
        &run,
        1,
        "",
        "warning: bad-other.json: member 2 signed another message than reading.txt; left out\n\
         warning: bad-forged.json: the partial signature of member 4 does not verify; left \
         out\n\
         error: too few valid partial signatures: 1, the group needs 3\n\
         hint: ask more members of the group to sign with `credkit group sign`\n",
    );
    assert!(!dir.exists("out.json"));
    // Good ones, but too few of them.
    let run = dir.combine(&["partial-1.json", "partial-2.json"], "out.json");
    assert_run(
        &run,
        1,
        "",
        "error: too few valid partial signatures: 2, the group needs 3\n\
         hint: ask more members of the group to sign with `credkit group sign`\n",
    );
    assert!(!dir.exists("out.json"));
}

#[test]
fn combine_refuses_misrouted_partials() {
    let dir = TempDir::new("combine-misrouted");
    // Member 1 twice (the same file copied), before anything is checked.
    fs::copy(
        dir.path().join("partial-1.json"),
        dir.path().join("copy-1.json"),
    )
    .expect("copy");
    assert_run(
        &dir.combine(
            &["partial-1.json", "partial-2.json", "copy-1.json"],
            "out.json",
        ),
        2,
        "",
        "error: partial-1.json and copy-1.json are both from member 1\n\
         hint: give one file per member\n",
    );
    // A member the group does not have.
    dir.write_edited(
        "member-9.json",
        "partial-1.json",
        "\"identifier\": 1",
        "\"identifier\": 9",
    );
    assert_run(
        &dir.combine(
            &["member-9.json", "partial-2.json", "partial-3.json"],
            "out.json",
        ),
        2,
        "",
        "error: member-9.json: member 9 is not a member of the group in group.json\n\
         hint: the group's members are 1-5\n",
    );
    // A partial signature for another group.
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
    let run = dir.credkit(&[
        "group",
        "sign",
        "--share",
        "other/member-1.key",
        "reading.txt",
        "-o",
        "other-1.json",
    ]);
    assert_run(&run, 0, "", "");
    let other_id = field(&dir.read("other-1.json"), "group_id");
    assert_run(
        &dir.combine(
            &["partial-1.json", "other-1.json", "partial-3.json"],
            "out.json",
        ),
        2,
        "",
        &format!(
            "error: other-1.json: signed for group {other_id}, not for the group in group.json \
             ({GROUP_ID})\n\
             hint: give the files of this group's members only\n"
        ),
    );
    assert!(!dir.exists("out.json"));
}

#[test]
fn combine_refuses_malformed_partials() {
    let dir = TempDir::new("combine-malformed");
    let partials = |bad: &str| dir.combine(&["partial-1.json", bad, "partial-3.json"], "out.json");
    let signature = field(&dir.read("partial-2.json"), "signature");
    dir.write_edited(
        "hex.json",
        "partial-2.json",
        &signature,
        &signature.to_uppercase(),
    );
    assert_run(
        &partials("hex.json"),
        2,
        "",
        &format!(
            "error: hex.json: field `signature` is not lowercase hex of the right length\n\
             {FORMAT_HINT}"
        ),
    );
    // A point that is not on the curve: flip the last digit of the x-coordinate.
    let last = signature.chars().last().expect("a digit");
    let flipped = format!(
        "{}{}",
        &signature[..191],
        if last == '0' { '1' } else { '0' }
    );
    dir.write_edited("point.json", "partial-2.json", &signature, &flipped);
    let run = partials("point.json");
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .starts_with("error: point.json: field `signature`: malformed encoding: "),
        "{}",
        run.stderr
    );
    dir.write_edited(
        "extra.json",
        "partial-2.json",
        "\"identifier\"",
        "\"comment\": \"hi\",\n  \"identifier\"",
    );
    assert_run(
        &partials("extra.json"),
        2,
        "",
        &format!(
            "error: extra.json: unknown field `comment`, expected one of `version`, `type`, \
             `group_id`, `identifier`, `message_sha256`, `signature` at line 5 column 11\n\
             {FORMAT_HINT}"
        ),
    );
    dir.write_edited(
        "zero.json",
        "partial-2.json",
        "\"identifier\": 2",
        "\"identifier\": 0",
    );
    assert_run(
        &partials("zero.json"),
        2,
        "",
        &format!(
            "error: zero.json: field `identifier` holds the member identifier 0\n{FORMAT_HINT}"
        ),
    );
    assert_run(
        &partials("signature.json"),
        2,
        "",
        "error: signature.json: expected a `partial-signature` document, found \
         `group-signature`\n\
         hint: give the partial signatures that `credkit group sign` or `credkit upload sign` \
         write\n",
    );
    dir.write("array.json", "[1, \"partial-signature\"]");
    assert_run(
        &partials("array.json"),
        2,
        "",
        &format!(
            "error: array.json: invalid type: sequence, expected a JSON object at line 1 \
             column 0\n{FORMAT_HINT}"
        ),
    );
}

// ---- verify ----

#[test]
fn verify_valid_and_invalid_signatures() {
    let dir = TempDir::new("verify");
    let verify = |message: &str, signature: &str| {
        dir.credkit(&[
            "group",
            "verify",
            "--group",
            "group.json",
            message,
            signature,
        ])
    };
    assert_run(&verify("reading.txt", "signature.json"), 0, VALID, "");
    let run = credkit_with_stdin(
        dir.path(),
        &[
            "group",
            "verify",
            "--group",
            "group.json",
            "-",
            "signature.json",
        ],
        Some(data("reading.txt").as_bytes()),
    );
    assert_run(&run, 0, VALID, "");

    assert_run(
        &verify("other-reading.txt", "signature.json"),
        1,
        "",
        &format!(
            "error: signature.json: a signature of another message than other-reading.txt \
             (message_sha256 is {READING_SHA256}, the message's SHA-256 is \
             db90a3763ae2cd804db273f1e0928c6993b09155f8951a3312715bd82502a54c)\n\
             hint: give the message exactly as it was signed\n"
        ),
    );
    // The right digest, another signature: member 1's partial signature.
    let partial = field(&dir.read("partial-1.json"), "signature");
    let signature = field(&dir.read("signature.json"), "signature");
    dir.write_edited("forged.json", "signature.json", &signature, &partial);
    assert_run(
        &verify("reading.txt", "forged.json"),
        1,
        "",
        "error: forged.json: the signature does not verify\n\
         hint: the signature or the message was altered, or the group in group.json did not \
         sign it\n",
    );
    // A message altered in the file, with its digest edited to match.
    dir.write("altered.txt", "glucose 5.5 mmol/L at 2025-03-14T08:00Z\n");
    let altered = {
        let run = dir.credkit(&[
            "group",
            "sign",
            "--share",
            "member-1.key",
            "altered.txt",
            "-o",
            "-",
        ]);
        field(&run.stdout, "message_sha256")
    };
    dir.write_edited("digest.json", "signature.json", READING_SHA256, &altered);
    assert_run(
        &verify("altered.txt", "digest.json"),
        1,
        "",
        "error: digest.json: the signature does not verify\n\
         hint: the signature or the message was altered, or the group in group.json did not \
         sign it\n",
    );
    // A signature of another group.
    let other = "00".repeat(32);
    dir.write_edited("group-id.json", "signature.json", GROUP_ID, &other);
    assert_run(
        &verify("reading.txt", "group-id.json"),
        1,
        "",
        &format!(
            "error: group-id.json: a signature of group {other}, not of the group in \
             group.json ({GROUP_ID})\n\
             hint: verify it with the group.json of the group that signed it\n"
        ),
    );
}

#[test]
fn verify_input_errors() {
    let dir = TempDir::new("verify-input");
    let verify = |group: &str, signature: &str| {
        dir.credkit(&[
            "group",
            "verify",
            "--group",
            group,
            "reading.txt",
            signature,
        ])
    };
    assert_run(
        &verify("group.json", "missing.json"),
        2,
        "",
        "error: missing.json: cannot read the group signature: no such file or folder\n\
         hint: the combiner writes it with `credkit group combine`\n",
    );
    assert_run(
        &verify("member-1.key", "signature.json"),
        2,
        "",
        "error: member-1.key: expected a `threshold-group` document, found `member-key`\n\
         hint: --group takes the group's public file, group.json, not a member's secret key\n",
    );
    // group.json altered: a commitment replaced by another point.
    let group = dir.read("group.json");
    let doc: Value = serde_json::from_str(&group).expect("JSON");
    let c1 = doc["commitments"][1].as_str().expect("a commitment");
    let c2 = doc["commitments"][2].as_str().expect("a commitment");
    dir.write("swapped.json", group.replacen(c1, c2, 1));
    assert_run(
        &verify("swapped.json", "signature.json"),
        2,
        "",
        &format!(
            "error: swapped.json: field `verifying_shares` contradicts the rest of the \
             document\n{FORMAT_HINT}"
        ),
    );
    let pop = doc["proof_of_possession"].as_str().expect("a proof");
    let partial = field(&dir.read("partial-1.json"), "signature");
    dir.write("pop.json", group.replacen(pop, &partial, 1));
    assert_run(
        &verify("pop.json", "signature.json"),
        2,
        "",
        "error: pop.json: field `proof_of_possession`: the proof of possession does not \
         verify\n\
         hint: the group's key was altered or replaced; get group.json again from the dealer \
         or the members\n",
    );
}

// ---- pop ----

#[test]
fn pop_combine_completes_a_group_without_a_proof() {
    let dir = TempDir::new("pop");
    let group = dir.read("group.json");
    let doc: Value = serde_json::from_str(&group).expect("JSON");
    let pop = doc["proof_of_possession"].as_str().expect("a proof");
    dir.write(
        "pending.json",
        group.replacen(&format!("\"{pop}\""), "null", 1),
    );
    // Without its proof, the group is refused where it is trusted.
    let run = dir.credkit(&[
        "group",
        "verify",
        "--group",
        "pending.json",
        "reading.txt",
        "signature.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: pending.json: the group has no proof of possession yet\n\
         hint: after a key generation, any min_signers members run `credkit group pop sign`, \
         and `credkit group pop combine` writes the group.json to publish\n",
    );

    for i in 1..=5 {
        let run = dir.credkit(&[
            "group",
            "pop",
            "sign",
            "--share",
            &format!("member-{i}.key"),
            "-o",
            &format!("pop-{i}.json"),
        ]);
        assert_run(&run, 0, "", "");
    }
    assert_eq!(
        keys_in_order(&dir.read("pop-1.json")),
        ["version", "type", "group_id", "identifier", "signature"]
    );
    // The proof is deterministic: the completed group is the dealt one, byte for byte.
    let run = dir.credkit(&[
        "group",
        "pop",
        "combine",
        "--group",
        "pending.json",
        "pop-4.json",
        "pop-2.json",
        "pop-5.json",
        "-o",
        "pending.json",
        "--force",
    ]);
    assert_run(&run, 0, "", "");
    assert_eq!(dir.read("pending.json"), group);

    // A bad share is named and replaced by the next good one.
    let second = field(&dir.read("pop-2.json"), "signature");
    let third = field(&dir.read("pop-3.json"), "signature");
    dir.write_edited("bad-2.json", "pop-2.json", &second, &third);
    let combine = |shares: &[&str]| {
        let mut args = vec!["group", "pop", "combine", "--group", "group.json"];
        args.extend_from_slice(shares);
        args.extend_from_slice(&["-o", "-"]);
        dir.credkit(&args)
    };
    assert_run(
        &combine(&["pop-1.json", "bad-2.json", "pop-3.json", "pop-4.json"]),
        0,
        &group,
        "warning: bad-2.json: the share of member 2 does not verify; left out\n",
    );
    assert_run(
        &combine(&["pop-1.json", "bad-2.json", "pop-3.json"]),
        1,
        "",
        "warning: bad-2.json: the share of member 2 does not verify; left out\n\
         error: too few valid shares of the proof of possession: 2, the group needs 3\n\
         hint: ask more members of the group to run `credkit group pop sign`\n",
    );
    assert_run(
        &combine(&["pop-1.json", "partial-2.json", "pop-3.json"]),
        2,
        "",
        "error: partial-2.json: expected a `partial-proof-of-possession` document, found \
         `partial-signature`\n\
         hint: give the files that `credkit group pop sign` writes\n",
    );
}

// ---- dkg ----

/// Runs `credkit group dkg ARGS` in `dir` and checks that it succeeds with nothing on
/// stderr; returns its stdout.
fn dkg(dir: &TempDir, args: &[&str]) -> String {
    let mut all = vec!["group", "dkg"];
    all.extend_from_slice(args);
    let run = dir.credkit(&all);
    assert_eq!(
        (run.code, run.stderr.as_str()),
        (Some(0), ""),
        "credkit {all:?}: {}",
        run.stdout
    );
    run.stdout
}

/// Round 1 of a 2-of-3 key generation of session `s`, member `i`'s state in `m<i>`.
fn dkg_round1(dir: &TempDir, session: &str) {
    for i in ["1", "2", "3"] {
        let out = dkg(
            dir,
            &[
                "round1",
                "--id",
                i,
                "--min-signers",
                "2",
                "--participants",
                "1,2,3",
                "--session",
                session,
                "--state-dir",
                &format!("m{i}"),
            ],
        );
        let others = match i {
            "1" => "2, 3",
            "2" => "1, 3",
            _ => "1, 2",
        };
        assert_eq!(
            out,
            format!(
                "m{i}/dkg-state.json: the secret state of member {i} (mode 0600; never send \
                 it)\n\
                 round1-{i}.json: broadcast it to members {others}\n"
            )
        );
        #[cfg(unix)]
        {
            assert_eq!(mode(&dir.path().join(format!("m{i}"))), 0o700);
            assert_eq!(
                mode(&dir.path().join(format!("m{i}/dkg-state.json"))),
                0o600
            );
        }
    }
}

#[test]
fn dkg_two_of_three_through_the_cli() {
    let dir = TempDir::new("dkg");
    dkg_round1(&dir, "ward 7, run 1");
    let others = |i: u16| match i {
        1 => (2, 3),
        2 => (1, 3),
        _ => (1, 2),
    };
    for i in 1..=3u16 {
        let (a, b) = others(i);
        let out = dkg(
            &dir,
            &[
                "round2",
                "--state-dir",
                &format!("m{i}"),
                "round1-1.json",
                "round1-2.json",
                "round1-3.json",
            ],
        );
        assert_eq!(
            out,
            format!(
                "round2-{i}-to-{a}.json: secret; send it to member {a} only, over a private \
                 channel\n\
                 round2-{i}-to-{b}.json: secret; send it to member {b} only, over a private \
                 channel\n"
            )
        );
        #[cfg(unix)]
        assert_eq!(
            mode(&dir.path().join(format!("round2-{i}-to-{a}.json"))),
            0o600
        );
    }
    // A round runs once: the state has moved on.
    let run = dir.credkit(&[
        "group",
        "dkg",
        "round2",
        "--state-dir",
        "m1",
        "round1-2.json",
        "round1-3.json",
    ]);
    assert_run(
        &run,
        2,
        "",
        "error: m1/dkg-state.json: the key generation in this folder is ready for `round3`, \
         not `round2`\n\
         hint: run `credkit group dkg round3`; a round runs once, and its state moves on\n",
    );
    for i in 1..=3u16 {
        let (a, b) = others(i);
        let out = dkg(
            &dir,
            &[
                "round3",
                "--state-dir",
                &format!("m{i}"),
                &format!("round2-{a}-to-{i}.json"),
                &format!("round2-{b}-to-{i}.json"),
            ],
        );
        assert_eq!(
            out,
            format!("round3-{i}.json: broadcast it to members {a}, {b} (no complaints)\n")
        );
    }
    for i in 1..=3u16 {
        let out = dkg(
            &dir,
            &[
                "round4",
                "--state-dir",
                &format!("m{i}"),
                "round3-1.json",
                "round3-2.json",
                "round3-3.json",
            ],
        );
        assert_eq!(
            out,
            format!(
                "nothing to send: no complaint against member {i}\n\
                 round5 needs no round-4 package: nobody was accused\n"
            )
        );
    }
    for i in 1..=3u16 {
        let (a, b) = others(i);
        let out = dkg(&dir, &["round5", "--state-dir", &format!("m{i}")]);
        assert_eq!(
            out,
            format!("round5-{i}.json: broadcast it to members {a}, {b}\n")
        );
    }
    let mut group_id = String::new();
    for i in 1..=3u16 {
        let out = dkg(
            &dir,
            &[
                "finish",
                "--state-dir",
                &format!("m{i}"),
                "--out",
                &format!("m{i}"),
                "round5-1.json",
                "round5-2.json",
                "round5-3.json",
            ],
        );
        let id = out
            .lines()
            .nth(1)
            .and_then(|l| l.strip_prefix(&format!("m{i}/group.json: group ")))
            .and_then(|l| l.split(',').next())
            .expect("the group line")
            .to_owned();
        assert_eq!(
            out,
            format!(
                "m{i}/member-{i}.key: the secret key of member {i} (mode 0600)\n\
                 m{i}/group.json: group {id}, any 2 of 3 members sign; no proof of possession \
                 yet\n\
                 next: any 2 members run `credkit group pop sign`, and `credkit group pop \
                 combine` writes the group.json to publish\n"
            )
        );
        if i == 1 {
            group_id = id;
        } else {
            assert_eq!(id, group_id);
        }
        assert!(!dir.exists(&format!("m{i}/dkg-state.json")));
        #[cfg(unix)]
        assert_eq!(
            mode(&dir.path().join(format!("m{i}/member-{i}.key"))),
            0o600
        );
        let key = dir.read(&format!("m{i}/member-{i}.key"));
        assert!(!out.contains(&field(&key, "signing_share")));
    }
    // Every member holds the same group.json, in the format of `group deal`.
    let group = dir.read("m1/group.json");
    assert_eq!(dir.read("m2/group.json"), group);
    assert_eq!(dir.read("m3/group.json"), group);
    assert!(group.contains("\"proof_of_possession\": null"));
    assert_eq!(
        keys_in_order(&group),
        keys_in_order(&data("TEST-ONLY-group/group.json"))
    );

    // Members 1 and 3 complete it with the proof of possession, then members 2 and 3 sign.
    for i in [1, 3] {
        let run = dir.credkit(&[
            "group",
            "pop",
            "sign",
            "--share",
            &format!("m{i}/member-{i}.key"),
            "-o",
            &format!("pop-{i}.json"),
        ]);
        assert_run(&run, 0, "", "");
    }
    let run = dir.credkit(&[
        "group",
        "pop",
        "combine",
        "--group",
        "m1/group.json",
        "pop-1.json",
        "pop-3.json",
        "-o",
        "group.json",
        "--force",
    ]);
    assert_run(&run, 0, "", "");
    for i in [2, 3] {
        let run = dir.credkit(&[
            "group",
            "sign",
            "--share",
            &format!("m{i}/member-{i}.key"),
            "reading.txt",
            "-o",
            &format!("s-{i}.json"),
        ]);
        assert_run(&run, 0, "", "");
    }
    assert_run(
        &dir.combine(&["s-2.json", "s-3.json"], "dkg-signature.json"),
        0,
        "",
        "",
    );
    let run = dir.credkit(&[
        "group",
        "verify",
        "--group",
        "group.json",
        "reading.txt",
        "dkg-signature.json",
    ]);
    assert_run(
        &run,
        0,
        &format!("valid: signed by at least 2 of the 3 members of group {group_id}\n"),
        "",
    );
}

#[test]
fn dkg_rejects_bad_packages() {
    let dir = TempDir::new("dkg-bad");
    dkg_round1(&dir, "ward 7, run 2");
    let round2 = |packages: &[&str]| {
        let mut args = vec!["group", "dkg", "round2", "--state-dir", "m1"];
        args.extend_from_slice(packages);
        dir.credkit(&args)
    };
    // Malformed: bad hex in the proof.
    let package = dir.read("round1-2.json");
    let doc: Value = serde_json::from_str(&package).expect("JSON");
    let response = doc["proof"]["response"].as_str().expect("a response");
    dir.write_edited("hex.json", "round1-2.json", response, &response[..63]);
    assert_run(
        &round2(&["round1-1.json", "hex.json", "round1-3.json"]),
        2,
        "",
        "error: hex.json: malformed dkg-round1 document: field `proof.response` is not \
         lowercase hex of the right length\n\
         hint: the file was altered or truncated; ask its sender for it again\n",
    );
    // A secret state passed as a package.
    assert_run(
        &round2(&["round1-1.json", "m2/dkg-state.json"]),
        2,
        "",
        "error: m2/dkg-state.json: malformed dkg-round1 document: the document is of another \
         type: dkg-state-1\n\
         hint: this is a participant's secret state, never to be sent; give the `dkg-round1` \
         packages that `credkit group dkg round1` wrote\n",
    );
    // A package of another session.
    let other = TempDir::new("dkg-other");
    dkg_round1(&other, "ward 7, run 3");
    fs::copy(
        other.path().join("round1-3.json"),
        dir.path().join("stray-3.json"),
    )
    .expect("copy");
    assert_run(
        &round2(&["round1-1.json", "round1-2.json", "stray-3.json"]),
        2,
        "",
        "error: stray-3.json: the package of member 3 belongs to another key generation \
         session\n\
         hint: every participant runs round1 with the same --session, --min-signers and \
         --participants\n",
    );
    // Two different packages from member 3 in this session: it ran round1 twice.
    let run = dir.credkit(&[
        "group",
        "dkg",
        "round1",
        "--id",
        "3",
        "--min-signers",
        "2",
        "--participants",
        "1,2,3",
        "--session",
        "ward 7, run 2",
        "--state-dir",
        "m3-again",
        "--out",
        "again",
    ]);
    assert_eq!(run.code, Some(0));
    assert_run(
        &round2(&["round1-3.json", "round1-2.json", "again/round1-3.json"]),
        2,
        "",
        "error: round1-3.json, again/round1-3.json: two different packages from member 3\n\
         hint: give each participant's package of this round once; a participant that sent \
         two has equivocated\n",
    );
    // Nothing was consumed: the state is still round 1's.
    assert!(dir
        .read("m1/dkg-state.json")
        .contains("\"type\": \"dkg-state-1\""));

    // A well-formed package whose proof does not verify disqualifies its sender; two leave
    // too few participants.
    let proof_of = |file: &str| {
        let doc: Value = serde_json::from_str(&dir.read(file)).expect("JSON");
        serde_json::to_string_pretty(&doc["proof"]).expect("JSON")
    };
    let mut forged: Value = serde_json::from_str(&dir.read("round1-2.json")).expect("JSON");
    forged["proof"] = serde_json::from_str(&proof_of("round1-3.json")).expect("JSON");
    dir.write(
        "forged-2.json",
        serde_json::to_string_pretty(&forged).expect("JSON"),
    );
    let mut forged: Value = serde_json::from_str(&dir.read("round1-3.json")).expect("JSON");
    forged["proof"] = serde_json::from_str(&proof_of("round1-2.json")).expect("JSON");
    dir.write(
        "forged-3.json",
        serde_json::to_string_pretty(&forged).expect("JSON"),
    );
    let run = dir.credkit(&[
        "group",
        "dkg",
        "round2",
        "--state-dir",
        "m2",
        "round1-1.json",
        "round1-2.json",
        "forged-3.json",
    ]);
    assert_run(
        &run,
        0,
        "disqualified: the proof of knowledge of member 3 does not verify\n\
         round2-2-to-1.json: secret; send it to member 1 only, over a private channel\n",
        "",
    );
    assert_run(
        &round2(&["round1-1.json", "forged-2.json", "forged-3.json"]),
        1,
        "",
        "error: the key generation cannot complete: too few qualified participants remain: 1, \
         2 are needed (disqualified: members 2, 3)\n\
         hint: start a new key generation with another --session, without the disqualified\n",
    );
}

#[test]
fn dkg_round1_usage_errors() {
    let dir = TempDir::new("dkg-usage");
    let round1 = |id: &str, min: &str, participants: &str, state: &str| {
        dir.credkit(&[
            "group",
            "dkg",
            "round1",
            "--id",
            id,
            "--min-signers",
            min,
            "--participants",
            participants,
            "--session",
            "s",
            "--state-dir",
            state,
        ])
    };
    assert_run(
        &round1("4", "2", "1,2,3", "m4"),
        2,
        "",
        "error: --id 4: member 4 is not among --participants 1-3\n\
         hint: list every participant, this one included, in --participants\n",
    );
    assert_run(
        &round1("1", "4", "1,2,3", "m1"),
        2,
        "",
        "error: --min-signers 4 is more than the 3 participants\n",
    );
    assert_run(
        &round1("1", "2", "1,2,2", "m1"),
        2,
        "",
        "error: --participants: lists member 2 twice\n",
    );
    assert!(!dir.exists("m1"));
    assert_eq!(round1("1", "2", "1,2,3", "m1").code, Some(0));
    assert_run(
        &round1("1", "2", "1,2,3", "m1"),
        2,
        "",
        "error: m1/dkg-state.json: a key generation is in progress in this folder\n\
         hint: give each key generation its own --state-dir; run round1 once per session (a \
         second round-1 package would be an equivocation)\n",
    );
    let run = dir.credkit(&["group", "dkg", "round3", "--state-dir", "m2", "x.json"]);
    assert_run(
        &run,
        2,
        "",
        "error: m2/dkg-state.json: cannot read the key generation state: no such file or \
         folder\n\
         hint: start a key generation in this folder with `credkit group dkg round1`\n",
    );
}

#[test]
fn help_lists_the_group_and_upload_commands() {
    let dir = TempDir::new("help");
    let run = dir.credkit(&["--help"]);
    assert_eq!(run.code, Some(0));
    for command in ["group", "upload"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} is not in:\n{}",
            run.stdout
        );
    }
    let run = dir.credkit(&["group", "--help"]);
    assert_eq!(run.code, Some(0));
    for command in ["deal", "dkg", "pop", "sign", "combine", "verify"] {
        assert!(
            run.stdout
                .lines()
                .any(|l| l.trim_start().starts_with(command)),
            "{command} is not in:\n{}",
            run.stdout
        );
    }
    let run = dir.credkit(&["group", "combine", "--help"]);
    assert!(
        run.stdout.contains(
            "Usage: credkit group combine [OPTIONS] --group <FILE> --message <FILE> --output \
             <FILE> <PARTIAL>..."
        ),
        "{}",
        run.stdout
    );
}
