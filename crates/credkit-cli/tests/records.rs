//! `credkit record seal|open|shred|inspect` against three real key servers (`credkit epoch
//! serve` processes on loopback ports, 2 of 3), all reading one test clock file
//! (`CREDKIT_EPOCH_TEST_CLOCK`). The ABE keys are the TEST ONLY ones of
//! `tests/data/TEST-ONLY-abe`.
//!
//! One scenario, in order: seal, inspect, open, a nurse refused, too early, a server stopped
//! (2 of 3 still open, the stopped one named), two stopped (not enough servers, both named),
//! a server restarted (its state survived: it answers for a record stored before), one record
//! shredded (only that one is gone), then the clock moved past the window: every server erases
//! the window's node files, and opening says "expired".

use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use credkit_abe::epoch::messages::{PartialRequest, PartialResponse, ShredRequest, StoreRequest};
use credkit_abe::epoch::{DeletionStatement, KeyServerTransport, TransportError};
use credkit_threshold::Identifier;
use serde_json::Value;

/// A fixed hour for the test clock: 2030-01-01T00 UTC.
const H0: u64 = 525_960;

fn abe_data(file: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/TEST-ONLY-abe")
        .join(file)
}

/// `YYYY-MM-DDTHH` of an epoch (H. Hinnant's civil-from-days).
fn hour(epoch: u64) -> String {
    let z = (epoch / 24) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}T{:02}", epoch % 24)
}

struct Run {
    code: Option<i32>,
    stdout: Vec<u8>,
    stderr: String,
}

impl Run {
    fn ok(self) -> Self {
        assert_eq!(self.code, Some(0), "stderr: {}", self.stderr);
        self
    }

    fn stdout_text(&self) -> String {
        String::from_utf8(self.stdout.clone()).expect("UTF-8")
    }
}

/// A key server process, killed when dropped.
struct Server {
    child: Child,
    url: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Lab {
    dir: PathBuf,
    clock: PathBuf,
    servers: Vec<Option<Server>>,
}

impl Lab {
    fn new(name: &str) -> Self {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
            .join(format!("records-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).expect("create the test folder");
        let clock = dir.join("clock");
        let lab = Lab {
            dir,
            clock,
            servers: Vec::new(),
        };
        lab.set_clock(H0 + 2);
        lab
    }

    fn set_clock(&self, epoch: u64) {
        fs::write(&self.clock, format!("{epoch}\n")).expect("write the clock");
    }

    fn credkit(&self, args: &[&str]) -> Run {
        let output = Command::new(env!("CARGO_BIN_EXE_credkit"))
            .args(args)
            .current_dir(&self.dir)
            .env("CREDKIT_EPOCH_TEST_CLOCK", &self.clock)
            .stdin(Stdio::null())
            .output()
            .expect("run credkit");
        Run {
            code: output.status.code(),
            stdout: output.stdout,
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn state(&self, id: usize) -> PathBuf {
        self.dir.join("keys").join(format!("server-{id}"))
    }

    /// Starts server `id` (1-based) on a free loopback port and rewrites servers.json.
    fn start(&mut self, id: usize) {
        let mut child = Command::new(env!("CARGO_BIN_EXE_credkit"))
            .args(["epoch", "serve", "--listen", "127.0.0.1:0", "--state"])
            .arg(self.state(id))
            .env("CREDKIT_EPOCH_TEST_CLOCK", &self.clock)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start a key server");
        let stdout = child.stdout.take().expect("stdout");
        let mut server = Server {
            child,
            url: String::new(),
        };
        let mut line = String::new();
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("read `listening on`");
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("server {id} said {line:?}"));
        server.url = format!("http://{addr}");
        while self.servers.len() < id {
            self.servers.push(None);
        }
        self.servers[id - 1] = Some(server);
        self.write_servers_json();
    }

    fn stop(&mut self, id: usize) {
        self.servers[id - 1] = None;
    }

    /// servers.json with the ports the servers listen on (a stopped server keeps its URL).
    fn write_servers_json(&self) {
        let path = self.dir.join("keys/servers.json");
        let mut doc: Value =
            serde_json::from_str(&fs::read_to_string(&path).expect("read servers.json"))
                .expect("JSON");
        for (i, server) in self.servers.iter().enumerate() {
            if let Some(server) = server {
                doc["servers"][i]["url"] = Value::String(server.url.clone());
            }
        }
        fs::write(&path, serde_json::to_string_pretty(&doc).expect("JSON")).expect("write");
    }

    fn url(&self, id: usize) -> String {
        let doc: Value = serde_json::from_str(
            &fs::read_to_string(self.dir.join("keys/servers.json")).expect("read"),
        )
        .expect("JSON");
        doc["servers"][id - 1]["url"]
            .as_str()
            .expect("url")
            .to_owned()
    }

    fn open(&self, key: &str, record: &str) -> Run {
        let key = abe_data(key);
        self.credkit(&[
            "record",
            "open",
            "--key",
            key.to_str().expect("UTF-8 path"),
            "--servers",
            "keys/servers.json",
            record,
            "-o",
            "-",
        ])
    }

    fn seal(&self, first: u64, last: u64, input: &str, out: &str) -> Run {
        let authority = abe_data("authority.pub");
        self.credkit(&[
            "record",
            "seal",
            "--authority",
            authority.to_str().expect("UTF-8 path"),
            "--policy",
            "role:cardiologist and hospital:H1",
            "--not-before",
            &hour(first),
            "--not-after",
            &hour(last),
            "--servers",
            "keys/servers.json",
            input,
            "-o",
            out,
        ])
    }
}

/// The node files of a window's cover: lower-case hex of `level (1) || index (8)`.
fn cover_files(inspect_json: &str) -> Vec<String> {
    let doc: Value = serde_json::from_str(inspect_json).expect("inspect --json");
    doc["cover"]
        .as_array()
        .expect("cover")
        .iter()
        .map(|n| {
            let name = n["node"].as_str().expect("node");
            let (level, index) = name
                .strip_prefix("node ")
                .and_then(|n| n.split_once('/'))
                .expect("node L/I");
            let level: u8 = level.parse().expect("level");
            let index: u64 = index.parse().expect("index");
            format!("{level:02x}{index:016x}.share")
        })
        .collect()
}

#[test]
fn records_live_and_die_with_their_key_servers() {
    let started = Instant::now();
    let mut lab = Lab::new("scenario");
    let placeholder = "http://127.0.0.1:9,http://127.0.0.1:9,http://127.0.0.1:9";
    lab.credkit(&[
        "epoch",
        "init",
        "--servers",
        "3",
        "--threshold",
        "2",
        "--depth",
        "8",
        "--from",
        &hour(H0),
        "--hours",
        "16",
        "--urls",
        placeholder,
        "--out",
        "keys",
    ])
    .ok();
    for id in 1..=3 {
        lab.start(id);
    }
    fs::write(lab.dir.join("ecg.txt"), b"ECG 2030-01-01: sinus rhythm\n").expect("write");

    // Two records for hours H0+1 ..= H0+4, one for later.
    let sealed = lab.seal(H0 + 1, H0 + 4, "ecg.txt", "ecg.rec").ok();
    assert!(sealed.stdout_text().starts_with("sealed record "));
    lab.seal(H0 + 1, H0 + 4, "ecg.txt", "ecg2.rec").ok();
    lab.seal(H0 + 6, H0 + 7, "ecg.txt", "later.rec").ok();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(lab.dir.join("ecg.rec.shred"))
            .expect("token")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    // The token is never overwritten without --force.
    let again = lab.seal(H0 + 1, H0 + 4, "ecg.txt", "ecg.rec");
    assert_eq!(again.code, Some(2));
    assert!(again.stderr.contains("already exists"), "{}", again.stderr);

    // Inspect needs no key.
    let inspect = lab.credkit(&["record", "inspect", "ecg.rec"]).ok();
    let text = inspect.stdout_text();
    assert!(
        text.contains("policy: role:cardiologist and hospital:H1"),
        "{text}"
    );
    assert!(
        text.contains(&format!("window: {} .. {} UTC", hour(H0 + 1), hour(H0 + 4))),
        "{text}"
    );
    assert!(text.contains("threshold: 2 key servers"), "{text}");
    let json = lab
        .credkit(&["record", "inspect", "--json", "ecg.rec"])
        .ok()
        .stdout_text();
    let cover = cover_files(&json);
    assert!(!cover.is_empty());

    // A cardiologist opens it; a nurse does not; nobody opens the later one yet.
    let opened = lab.open("cardiologist.key", "ecg.rec").ok();
    assert_eq!(opened.stdout, b"ECG 2030-01-01: sinus rhythm\n");
    assert!(opened.stderr.is_empty(), "{}", opened.stderr);
    let nurse = lab.open("nurse.key", "ecg.rec");
    assert_eq!(nurse.code, Some(1));
    assert!(
        nurse.stderr.contains("policy not satisfied"),
        "{}",
        nurse.stderr
    );
    assert!(nurse.stdout.is_empty());
    let early = lab.open("cardiologist.key", "later.rec");
    assert_eq!(early.code, Some(1));
    assert!(early.stderr.contains("not yet valid"), "{}", early.stderr);

    // Server 1 down: 2 of 3 still open it, and server 1 is named.
    let url1 = lab.url(1);
    lab.stop(1);
    let two = lab.open("cardiologist.key", "ecg.rec").ok();
    assert_eq!(two.stdout, b"ECG 2030-01-01: sinus rhythm\n");
    assert!(
        two.stderr.contains("warning:") && two.stderr.contains(&format!("server 1 ({url1})")),
        "{}",
        two.stderr
    );
    // Servers 1 and 2 down: not enough, both named.
    let url2 = lab.url(2);
    lab.stop(2);
    let one = lab.open("cardiologist.key", "ecg.rec");
    assert_eq!(one.code, Some(1));
    assert!(one.stderr.contains("not enough servers"), "{}", one.stderr);
    assert!(
        one.stderr.contains(&format!("server 1 ({url1})"))
            && one.stderr.contains(&format!("server 2 ({url2})")),
        "{}",
        one.stderr
    );
    assert!(one.stdout.is_empty());

    // Server 1 restarted from its state directory: with 2 still down it must answer for a
    // record stored before it stopped.
    lab.start(1);
    let restarted = lab.open("cardiologist.key", "ecg.rec").ok();
    assert_eq!(restarted.stdout, b"ECG 2030-01-01: sinus rhythm\n");
    assert!(
        !restarted.stderr.contains("server 1"),
        "{}",
        restarted.stderr
    );
    assert!(
        restarted.stderr.contains("server 2"),
        "{}",
        restarted.stderr
    );
    lab.start(2);

    // Shred one record: only it is gone.
    let shred = lab
        .credkit(&[
            "record",
            "shred",
            "--servers",
            "keys/servers.json",
            "ecg2.rec",
        ])
        .ok();
    assert!(
        shred.stdout_text().contains("confirmed by 3 of 3 servers"),
        "{}",
        shred.stdout_text()
    );
    let shredded = lab.open("cardiologist.key", "ecg2.rec");
    assert_eq!(shredded.code, Some(1));
    assert!(shredded.stderr.contains("shredded"), "{}", shredded.stderr);
    lab.open("cardiologist.key", "ecg.rec").ok();

    // Past the window: every server erases the cover's node files, and the record is gone.
    lab.set_clock(H0 + 5);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let left: Vec<PathBuf> = (1..=3)
            .flat_map(|id| cover.iter().map(move |f| (id, f)))
            .map(|(id, f)| lab.state(id).join("nodes").join(f))
            .filter(|p| p.exists())
            .collect();
        if left.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "node files not erased: {left:?}");
        std::thread::sleep(Duration::from_millis(100));
    }
    let expired = lab.open("cardiologist.key", "ecg.rec");
    assert_eq!(expired.code, Some(1));
    assert!(expired.stderr.contains("expired"), "{}", expired.stderr);
    assert!(expired.stdout.is_empty());
    // Even a reader whose clock is behind: the servers have erased the node.
    lab.set_clock(H0 + 4);
    let behind = lab.open("cardiologist.key", "ecg.rec");
    assert_eq!(behind.code, Some(1));
    assert!(behind.stderr.contains("expired"), "{}", behind.stderr);

    assert!(
        started.elapsed() < Duration::from_secs(30),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn servers_files_are_checked() {
    let lab = Lab::new("bad-servers");
    fs::write(
        lab.dir.join("servers.json"),
        r#"{"version": 1, "type": "group"}"#,
    )
    .expect("w");
    fs::write(lab.dir.join("in.txt"), b"x").expect("w");
    let authority = abe_data("authority.pub");
    let run = lab.credkit(&[
        "record",
        "seal",
        "--authority",
        authority.to_str().expect("UTF-8"),
        "--policy",
        "role:cardiologist",
        "--not-after",
        &hour(H0 + 3),
        "--servers",
        "servers.json",
        "in.txt",
        "-o",
        "out.rec",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(
        run.stderr
            .contains("servers.json: the file is of type `group`"),
        "{}",
        run.stderr
    );
    assert!(!lab.dir.join("out.rec").exists() && !lab.dir.join("out.rec.shred").exists());

    let run = lab.credkit(&[
        "record",
        "seal",
        "--authority",
        authority.to_str().expect("UTF-8"),
        "--policy",
        "role:cardiologist",
        "--not-after",
        "2030-02-30T00",
        "--servers",
        "servers.json",
        "in.txt",
        "-o",
        "out.rec",
    ]);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("is not an hour"), "{}", run.stderr);
}

/// The client's side of `record open` against three local servers, in process (no process
/// start, no file reading): `cargo test -p credkit-cli --test records -- --ignored
/// --nocapture`. Prints the median of 50 opens; benches/README.md records it.
#[test]
#[ignore = "a timing, not a test: run it by hand"]
fn record_open_timing() {
    use credkit_abe::record::{open_record, SealedRecord};
    use credkit_cli::abe_files::UserKeyFile;
    use credkit_cli::http_transport::ServersFile;

    let mut lab = Lab::new("timing");
    lab.credkit(&[
        "epoch",
        "init",
        "--servers",
        "3",
        "--threshold",
        "2",
        "--depth",
        "20",
        "--from",
        &hour(H0),
        "--hours",
        "336",
        "--urls",
        "http://127.0.0.1:9,http://127.0.0.1:9,http://127.0.0.1:9",
        "--out",
        "keys",
    ])
    .ok();
    for id in 1..=3 {
        lab.start(id);
    }
    fs::write(lab.dir.join("ecg.txt"), vec![7u8; 4096]).expect("write");
    lab.seal(H0 + 1, H0 + 200, "ecg.txt", "ecg.rec").ok();
    let servers =
        ServersFile::from_json(&fs::read_to_string(lab.dir.join("keys/servers.json")).expect("r"))
            .expect("servers.json");
    let key = UserKeyFile::from_json(&fs::read_to_string(abe_data("cardiologist.key")).expect("r"))
        .expect("key");
    let record =
        SealedRecord::from_bytes(&fs::read(lab.dir.join("ecg.rec")).expect("r")).expect("record");
    let transport = Timed {
        inner: servers.transport(),
        waited: std::cell::Cell::new(Duration::ZERO),
    };
    let now = credkit_abe::epoch::Epoch(H0 + 2);
    let mut times = Vec::new();
    let mut client = Vec::new();
    for _ in 0..50 {
        transport.waited.set(Duration::ZERO);
        let start = Instant::now();
        let plain =
            open_record(key.key(), servers.schedule(), &transport, &record, now).expect("opens");
        let total = start.elapsed();
        times.push(total);
        client.push(total - transport.waited.get());
        assert_eq!(plain.len(), 4096);
    }
    times.sort();
    client.sort();
    println!(
        "record open, 2 of 3 local servers, 4 KiB: median {:?} (min {:?}, max {:?}); \
         at the client, without the time waiting for the servers: median {:?} (max {:?})",
        times[25], times[0], times[49], client[25], client[49]
    );
}

/// A transport that adds up the time spent waiting for the servers.
struct Timed<T> {
    inner: T,
    waited: std::cell::Cell<Duration>,
}

impl<T: KeyServerTransport> KeyServerTransport for Timed<T> {
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError> {
        let start = Instant::now();
        let answer = self.inner.partial_decrypt(server, request);
        self.waited.set(self.waited.get() + start.elapsed());
        answer
    }

    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError> {
        self.inner.store_record_share(server, request)
    }

    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError> {
        self.inner.shred(server, request)
    }
}

/// The load test of issue 6: one key server process answering partial decryptions from
/// several client threads at once, for a few seconds, with the request replayed (each answer
/// is a fresh constant-time multiplication and DLEQ proof). Client threads share the 2 cores
/// with the server, so the rate is a lower bound. Ignored by default; run it with:
///
/// ```text
/// cargo test --release -p credkit-cli --test records -- --ignored --nocapture partial_decrypt_load
/// ```
#[test]
#[ignore = "a load test: run by hand, numbers in benches/README.md"]
fn partial_decrypt_load() {
    use credkit_abe::record::{open_record, SealedRecord};
    use credkit_cli::abe_files::UserKeyFile;
    use credkit_cli::http_transport::ServersFile;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    let mut lab = Lab::new("load");
    lab.credkit(&[
        "epoch",
        "init",
        "--servers",
        "3",
        "--threshold",
        "2",
        "--depth",
        "20",
        "--from",
        &hour(H0),
        "--hours",
        "336",
        "--urls",
        "http://127.0.0.1:9,http://127.0.0.1:9,http://127.0.0.1:9",
        "--out",
        "keys",
    ])
    .ok();
    for id in 1..=3 {
        lab.start(id);
    }
    fs::write(lab.dir.join("ecg.txt"), b"load").expect("write");
    lab.seal(H0 + 1, H0 + 200, "ecg.txt", "ecg.rec").ok();
    let servers =
        ServersFile::from_json(&fs::read_to_string(lab.dir.join("keys/servers.json")).expect("r"))
            .expect("servers.json");
    let key = UserKeyFile::from_json(&fs::read_to_string(abe_data("cardiologist.key")).expect("r"))
        .expect("key");
    let record =
        SealedRecord::from_bytes(&fs::read(lab.dir.join("ecg.rec")).expect("r")).expect("record");
    // Capture one real partial-decryption request while opening the record.
    let capture = Capture {
        inner: servers.transport(),
        request: Mutex::new(None),
    };
    open_record(
        key.key(),
        servers.schedule(),
        &capture,
        &record,
        credkit_abe::epoch::Epoch(H0 + 2),
    )
    .expect("opens");
    let request = capture
        .request
        .lock()
        .unwrap()
        .clone()
        .expect("a request was sent");
    let target = Identifier::new(1).expect("id");

    for threads in [2usize, 4, 8] {
        let done = Arc::new(AtomicU64::new(0));
        let failed = Arc::new(AtomicU64::new(0));
        let deadline = Instant::now() + Duration::from_secs(3);
        let started = Instant::now();
        std::thread::scope(|scope| {
            for _ in 0..threads {
                let (done, failed, request) = (done.clone(), failed.clone(), request.clone());
                let transport = servers.transport();
                scope.spawn(move || {
                    while Instant::now() < deadline {
                        match transport.partial_decrypt(target, &request) {
                            Ok(_) => done.fetch_add(1, Ordering::Relaxed),
                            Err(_) => failed.fetch_add(1, Ordering::Relaxed),
                        };
                    }
                });
            }
        });
        let elapsed = started.elapsed().as_secs_f64();
        let ok = done.load(Ordering::Relaxed);
        println!(
            "{threads} client threads: {ok} partial decryptions in {elapsed:.2} s = {:.0}/s ({} failed)",
            ok as f64 / elapsed,
            failed.load(Ordering::Relaxed)
        );
        assert_eq!(failed.load(Ordering::Relaxed), 0);
    }
}

/// A transport that keeps the first partial-decryption request it sends.
struct Capture<T> {
    inner: T,
    request: std::sync::Mutex<Option<PartialRequest>>,
}

impl<T: KeyServerTransport> KeyServerTransport for Capture<T> {
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError> {
        self.request
            .lock()
            .unwrap()
            .get_or_insert_with(|| request.clone());
        self.inner.partial_decrypt(server, request)
    }

    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError> {
        self.inner.store_record_share(server, request)
    }

    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError> {
        self.inner.shred(server, request)
    }
}
