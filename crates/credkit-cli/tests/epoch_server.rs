//! `credkit epoch init` and `credkit epoch serve`, run as processes: a dealt schedule, a key
//! server on a free loopback port with the test clock (`CREDKIT_EPOCH_TEST_CLOCK`), spoken to
//! with a minimal HTTP/1.1 client over `TcpStream`. Pins the protocol of `epoch_wire`: the
//! published schedule, the status, every error's status and JSON body, that state survives a
//! restart, and that erasure deletes a node's file when the clock passes its range.

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use credkit_abe::epoch::messages::{PartialRequest, ShredRequest};
use credkit_abe::epoch::{DeletionStatement, Epoch, NodeId, Schedule, ServerError};
use credkit_cli::epoch_wire::{
    b64, unb64, DeletionsBody, ErrorBody, RequestBody, ScheduleBody, ServersFile, StatusBody,
    DELETIONS_PATH, PARTIAL_PATH, RECORDS_PATH, SCHEDULE_PATH, SHRED_PATH, STATUS_PATH,
};

/// The first epoch of the test horizon: 2026-01-01T00 UTC.
const FROM: u64 = 490_896;
const HOURS: u64 = 8;

fn credkit() -> Command {
    Command::new(env!("CARGO_BIN_EXE_credkit"))
}

/// A fresh folder under the target directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("credkit-epoch-{name}-{}-{n}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// A running server, killed on drop.
struct Server {
    child: Child,
    addr: String,
}

impl Server {
    fn start(state: &Path, clock: &Path) -> Server {
        let mut child = credkit()
            .args(["epoch", "serve", "--listen", "127.0.0.1:0", "--state"])
            .arg(state)
            .env("CREDKIT_EPOCH_TEST_CLOCK", clock)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let mut line = String::new();
        BufReader::new(stdout).read_line(&mut line).unwrap();
        let addr = line
            .trim()
            .strip_prefix("listening on ")
            .unwrap_or_else(|| panic!("unexpected first line {line:?}"))
            .to_owned();
        Server { child, addr }
    }

    /// One request on a new connection: (status, body).
    fn request(&self, method: &str, path: &str, body: &[u8]) -> (u16, String) {
        self.raw(
            &format!(
                "{method} {path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n\
             Content-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            ),
            body,
        )
    }

    fn raw(&self, head: &str, body: &[u8]) -> (u16, String) {
        let mut stream = TcpStream::connect(&self.addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut response = Vec::new();
        stream.read_to_end(&mut response).unwrap();
        let text = String::from_utf8(response).unwrap();
        let (head, body) = text.split_once("\r\n\r\n").unwrap();
        let status = head.split(' ').nth(1).unwrap().parse().unwrap();
        (status, body.to_owned())
    }

    fn get(&self, path: &str) -> (u16, String) {
        self.request("GET", path, b"")
    }

    fn status(&self) -> StatusBody {
        let (code, body) = self.get(STATUS_PATH);
        assert_eq!(code, 200, "{body}");
        serde_json::from_str(&body).unwrap()
    }

    fn deletions(&self) -> Vec<DeletionStatement> {
        let (code, body) = self.get(DELETIONS_PATH);
        assert_eq!(code, 200, "{body}");
        let body: DeletionsBody = serde_json::from_str(&body).unwrap();
        body.statements
            .iter()
            .map(|s| DeletionStatement::from_bytes(&unb64(s).unwrap()).unwrap())
            .collect()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The JSON error body of an answer, checked to be one.
fn error(body: &str) -> ErrorBody {
    serde_json::from_str(body).unwrap_or_else(|e| panic!("not an error body ({e}): {body}"))
}

/// Deals 2-of-3 servers for [`HOURS`] hours from [`FROM`] into `dir/keys`.
fn init(dir: &Path) -> PathBuf {
    let out = dir.join("keys");
    let run = credkit()
        .args([
            "epoch",
            "init",
            "--servers",
            "3",
            "--threshold",
            "2",
            "--depth",
            "6",
            "--from",
            "2026-01-01T00",
            "--hours",
        ])
        .arg(HOURS.to_string())
        .args([
            "--urls",
            "http://127.0.0.1:7801,http://127.0.0.1:7802,http://127.0.0.1:7803",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let stdout = String::from_utf8(run.stdout).unwrap();
    assert!(
        stdout.starts_with("dealt 2 of 3 key servers, epochs 490896..=490903"),
        "{stdout}"
    );
    out
}

fn node_file(state: &Path, node: NodeId) -> PathBuf {
    let hex: String = node.to_bytes().iter().map(|b| format!("{b:02x}")).collect();
    state.join("nodes").join(format!("{hex}.share"))
}

fn set_clock(clock: &Path, epoch: u64) {
    fs::write(clock, format!("{epoch}\n")).unwrap();
}

#[test]
fn init_writes_private_state_and_refuses_a_used_folder() {
    let dir = TempDir::new("init");
    let out = init(&dir.0);
    let servers =
        ServersFile::parse(&fs::read_to_string(out.join("servers.json")).unwrap()).unwrap();
    assert_eq!(
        servers.servers.iter().map(|s| s.id).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    let schedule = Schedule::from_bytes(&servers.schedule_bytes().unwrap()).unwrap();
    assert_eq!((schedule.min_signers(), schedule.max_signers()), (2, 3));
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(out.join("server-2"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o700);
        let mode = fs::metadata(out.join("server-2/server.bin"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }
    let again = credkit()
        .args([
            "epoch",
            "init",
            "--servers",
            "2",
            "--threshold",
            "2",
            "--hours",
            "2",
        ])
        .args(["--urls", "http://127.0.0.1:1,http://127.0.0.1:2", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("the folder is not empty"));
    let urls = credkit()
        .args([
            "epoch",
            "init",
            "--servers",
            "3",
            "--threshold",
            "2",
            "--hours",
            "2",
        ])
        .args(["--urls", "http://127.0.0.1:1", "--out"])
        .arg(dir.0.join("other"))
        .output()
        .unwrap();
    assert_eq!(urls.status.code(), Some(2));
}

#[test]
fn a_server_answers_refuses_keeps_state_and_erases_on_time() {
    let dir = TempDir::new("serve");
    let out = init(&dir.0);
    let clock = dir.0.join("clock");
    set_clock(&clock, FROM + 1);
    let state = out.join("server-1");
    let servers =
        ServersFile::parse(&fs::read_to_string(out.join("servers.json")).unwrap()).unwrap();
    let schedule = Schedule::from_bytes(&servers.schedule_bytes().unwrap()).unwrap();
    let params = *schedule.params();
    let leaf = |e: u64| params.leaf(Epoch(e)).unwrap();

    let server = Server::start(&state, &clock);

    // The published schedule is the dealt one.
    let (code, body) = server.get(SCHEDULE_PATH);
    assert_eq!(code, 200);
    let published: ScheduleBody = serde_json::from_str(&body).unwrap();
    assert_eq!(published.schedule, servers.schedule);

    // Start-up erased the leaf of FROM (its range ended before FROM + 1).
    assert!(!node_file(&state, leaf(FROM)).exists());
    assert!(node_file(&state, leaf(FROM + 1)).exists());
    let status = server.status();
    assert_eq!(
        (status.identifier, status.now, status.records),
        (1, FROM + 1, 0)
    );
    let files = fs::read_dir(state.join("nodes")).unwrap().count() as u64;
    assert_eq!(status.nodes, files);
    let erased_at_start = server.deletions();
    assert!(!erased_at_start.is_empty());
    for statement in &erased_at_start {
        schedule.verify_statement(statement).unwrap();
    }

    // Malformed bodies, too large, unknown paths, wrong methods: JSON errors.
    for bad in [
        &b"not json"[..],
        br#"{"request": 1}"#,
        br#"{"request": "a"}"#,
        br#"{"request": "AAAA"}"#,
    ] {
        let (code, body) = server.request("POST", PARTIAL_PATH, bad);
        assert_eq!(code, 400, "{body}");
        assert_eq!(error(&body).error, "malformed-request");
    }
    let (code, body) = server.raw(
        "POST /v1/partial HTTP/1.1\r\nHost: test\r\nContent-Length: 100000\r\n\
         Connection: close\r\n\r\n",
        b"",
    );
    assert_eq!(code, 413, "{body}");
    assert_eq!(error(&body).error, "too-large");
    let (code, body) = server.get("/v1/nothing");
    assert_eq!(code, 404);
    assert_eq!(error(&body).error, "not-found");
    let (code, body) = server.request("POST", STATUS_PATH, b"{}");
    assert_eq!(code, 405);
    assert_eq!(error(&body).error, "method-not-allowed");

    // A node whose range has not started: 422 with its code.
    let future = leaf(FROM + 5);
    let u = schedule.node_keys(future).unwrap().public_key();
    let request = PartialRequest::new(*schedule.digest(), [7; 16], [0; 32], future, u).unwrap();
    let body = serde_json::to_vec(&RequestBody {
        request: b64(&request.to_bytes()),
    })
    .unwrap();
    let (code, text) = server.request("POST", PARTIAL_PATH, &body);
    assert_eq!(code, 422, "{text}");
    let refusal = error(&text);
    assert_eq!(refusal.error, "node-not-yet-valid");
    assert_eq!(refusal.code, Some(ServerError::NodeNotYetValid.code()));
    assert_eq!(refusal.server_error(), Some(ServerError::NodeNotYetValid));

    // Shredding a record the server never stored: 422 `unknown-record`.
    let shred = ShredRequest::new(*schedule.digest(), [7; 16], &[1; 32]);
    let shred_body = serde_json::to_vec(&RequestBody {
        request: b64(&shred.to_bytes()),
    })
    .unwrap();
    let (code, text) = server.request("POST", SHRED_PATH, &shred_body);
    assert_eq!(code, 422, "{text}");
    assert_eq!(
        error(&text).server_error(),
        Some(ServerError::UnknownRecord)
    );
    let (code, text) = server.request("POST", RECORDS_PATH, &shred_body);
    assert_eq!(code, 400, "{text}");

    // Concurrent requests are all answered.
    std::thread::scope(|scope| {
        for _ in 0..6 {
            scope.spawn(|| {
                for _ in 0..5 {
                    assert_eq!(server.request("POST", PARTIAL_PATH, &body).0, 422);
                    assert_eq!(server.get(STATUS_PATH).0, 200);
                }
            });
        }
    });

    // A restart keeps the state.
    drop(server);
    let server = Server::start(&state, &clock);
    assert_eq!(server.status(), status);
    assert_eq!(server.deletions(), erased_at_start);

    // The clock passes the leaf of FROM + 1: its file goes, and a statement says so.
    let doomed = node_file(&state, leaf(FROM + 1));
    assert!(doomed.exists());
    set_clock(&clock, FROM + 3);
    let deadline = Instant::now() + Duration::from_secs(5);
    while doomed.exists() {
        assert!(Instant::now() < deadline, "the node's share was not erased");
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!node_file(&state, leaf(FROM + 2)).exists());
    assert!(node_file(&state, leaf(FROM + 3)).exists());
    let statements = server.deletions();
    assert!(statements.len() > erased_at_start.len());
    assert_eq!(&statements[..erased_at_start.len()], &erased_at_start[..]);
    for statement in &statements {
        schedule.verify_statement(statement).unwrap();
    }
    assert!(statements
        .iter()
        .any(|s| { s.subject() == credkit_abe::epoch::DeletionSubject::Node(leaf(FROM + 1)) }));
    assert_eq!(server.status().now, FROM + 3);
}
