//! Key-server state on disk (`epoch::StateDir`): records survive a restart, erasure deletes
//! files and logs signed statements, shredding removes exactly one record, damaged files are
//! refused with typed errors, secret files are private.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

use credkit_abe::epoch::messages::{PartialRequest, PartialResponse, ShredRequest, StoreRequest};
use credkit_abe::epoch::{
    deal_schedule, open, seal, shred, DeletionReason, DeletionStatement, DeletionSubject, Epoch,
    KeyServer, KeyServerTransport, LocalServers, NodeId, Schedule, Sealed, StateDir,
    TransportError, TreeParams, Window,
};
use credkit_abe::Error;
use credkit_threshold::Identifier;
use rand::rngs::StdRng;
use rand::SeedableRng;

fn window(first: u64, last: u64) -> Window {
    Window::new(Epoch(first), Epoch(last)).unwrap()
}

/// A directory under the system's temporary directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let path =
            std::env::temp_dir().join(format!("credkit-epoch-store-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// Servers that persist every change before answering, as a server process would.
struct DurableServers {
    servers: Vec<Mutex<(KeyServer, StateDir)>>,
    now: AtomicU64,
}

impl DurableServers {
    fn open(dirs: &[PathBuf], now: u64) -> Self {
        let servers = dirs
            .iter()
            .map(|dir| Mutex::new(StateDir::open(dir).unwrap()))
            .collect();
        DurableServers {
            servers,
            now: AtomicU64::new(now),
        }
    }

    fn now(&self) -> Epoch {
        Epoch(self.now.load(Ordering::SeqCst))
    }

    fn set_now(&self, now: u64) {
        self.now.store(now, Ordering::SeqCst);
    }

    fn erase_expired(&self) -> Vec<DeletionStatement> {
        let now = self.now();
        self.servers
            .iter()
            .flat_map(|s| {
                let mut guard = s.lock().unwrap();
                let (server, state) = &mut *guard;
                state.erase_expired(server, now).unwrap()
            })
            .collect()
    }

    fn find(&self, id: Identifier) -> Result<&Mutex<(KeyServer, StateDir)>, TransportError> {
        self.servers
            .iter()
            .find(|s| s.lock().unwrap().0.identifier() == id)
            .ok_or(TransportError::Unreachable)
    }
}

impl KeyServerTransport for DurableServers {
    fn partial_decrypt(
        &self,
        server: Identifier,
        request: &PartialRequest,
    ) -> Result<PartialResponse, TransportError> {
        let guard = self.find(server)?.lock().unwrap();
        guard
            .0
            .partial_decrypt(request, self.now())
            .map_err(TransportError::Refused)
    }

    fn store_record_share(
        &self,
        server: Identifier,
        request: &StoreRequest,
    ) -> Result<(), TransportError> {
        let mut guard = self.find(server)?.lock().unwrap();
        let (server, state) = &mut *guard;
        server
            .store_record_share(request, self.now())
            .map_err(TransportError::Refused)?;
        state
            .persist_record(server, request)
            .map_err(|_| TransportError::Unreachable)
    }

    fn shred(
        &self,
        server: Identifier,
        request: &ShredRequest,
    ) -> Result<DeletionStatement, TransportError> {
        let mut guard = self.find(server)?.lock().unwrap();
        let (server, state) = &mut *guard;
        let statement = server
            .shred(request, self.now())
            .map_err(TransportError::Refused)?;
        state
            .persist_shred(server, request.record_id())
            .map_err(|_| TransportError::Unreachable)?;
        Ok(statement)
    }
}

/// A depth-6 tree from epoch 1000, keys for 1000..=1031 (63 nodes), 2 of 3 servers, each
/// written to its own state directory under `tmp`.
fn setup(seed: u64, tmp: &TempDir) -> (StdRng, Schedule, Vec<PathBuf>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let params = TreeParams::new(6, Epoch(1000)).unwrap();
    let (schedule, servers) = deal_schedule(&mut rng, params, window(1000, 1031), 2, 3).unwrap();
    let dirs: Vec<PathBuf> = servers
        .iter()
        .map(|server| {
            let dir = tmp.join(&format!("server-{}", server.identifier().get()));
            StateDir::init(&dir, &schedule, server).unwrap();
            dir
        })
        .collect();
    (rng, schedule, dirs)
}

fn seal_at(
    rng: &mut StdRng,
    schedule: &Schedule,
    servers: &DurableServers,
    record: u8,
    first: u64,
    last: u64,
) -> Sealed {
    seal(rng, schedule, servers, [record; 16], window(first, last)).unwrap()
}

/// The servers reopened from disk, in memory, with their clock at `now`.
fn reopen_local(dirs: &[PathBuf], now: u64) -> LocalServers {
    let servers = dirs
        .iter()
        .map(|dir| StateDir::open(dir).unwrap().0)
        .collect();
    LocalServers::new(servers, Epoch(now))
}

fn node_file(dir: &Path, node: NodeId) -> PathBuf {
    dir.join("nodes")
        .join(format!("{}.share", hex::encode(node.to_bytes())))
}

fn record_file(dir: &Path, id: [u8; 16]) -> PathBuf {
    dir.join("records")
        .join(format!("{}.share", hex::encode(id)))
}

fn count(dir: &Path) -> usize {
    fs::read_dir(dir).unwrap().count()
}

/// A snapshot of a server's public state, to compare before and after a restart.
fn summary(server: &KeyServer) -> (Vec<NodeId>, Vec<[u8; 16]>, Vec<DeletionStatement>, [u8; 32]) {
    (
        server.held_nodes().collect(),
        server.held_records().copied().collect(),
        server.deletion_log().to_vec(),
        *server.schedule_digest(),
    )
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn records_survive_a_restart_and_open_from_the_reopened_servers() {
    let tmp = TempDir::new("restart");
    let (mut rng, schedule, dirs) = setup(1, &tmp);
    let servers = DurableServers::open(&dirs, 1000);
    let a = seal_at(&mut rng, &schedule, &servers, 1, 1003, 1020);
    let b = seal_at(&mut rng, &schedule, &servers, 2, 1001, 1031);
    let before: Vec<_> = servers
        .servers
        .iter()
        .map(|s| summary(&s.lock().unwrap().0))
        .collect();
    drop(servers);
    for dir in &dirs {
        assert_eq!(count(&dir.join("nodes")), 63);
        assert_eq!(count(&dir.join("records")), 2);
    }

    let reopened: Vec<_> = dirs
        .iter()
        .map(|dir| summary(&StateDir::open(dir).unwrap().0))
        .collect();
    assert_eq!(reopened, before);

    let local = reopen_local(&dirs, 1005);
    let opened = open(&schedule, &local, &a.header, Epoch(1005)).unwrap();
    assert_eq!(opened.secrets, a.secrets);
    let opened = open(&schedule, &local, &b.header, Epoch(1005)).unwrap();
    assert_eq!(opened.secrets, b.secrets);
}

#[test]
fn erasure_deletes_the_files_and_logs_verifiable_statements() {
    let tmp = TempDir::new("erase");
    let (mut rng, schedule, dirs) = setup(2, &tmp);
    let servers = DurableServers::open(&dirs, 1000);
    let sealed = seal_at(&mut rng, &schedule, &servers, 1, 1003, 1010);
    let later = seal_at(&mut rng, &schedule, &servers, 2, 1003, 1020);
    let before_erasure = tmp.join("before-erasure");
    copy_dir(&dirs[0], &before_erasure);

    servers.set_now(1011);
    let statements = servers.erase_expired();
    // Leaves 1000..=1010 relative to the origin are 0..=10: nodes 0..7 | 8..9 | 10 and all
    // below them end before 1011, for each of the three servers; and the record.
    let params = *schedule.params();
    let erased: Vec<NodeId> = schedule
        .nodes()
        .filter(|node| node.range(&params).unwrap().last() < Epoch(1011))
        .collect();
    assert!(!erased.is_empty());
    assert_eq!(statements.len(), 3 * (erased.len() + 1));
    drop(servers);

    for dir in &dirs {
        for node in &erased {
            assert!(!node_file(dir, *node).exists());
        }
        assert_eq!(count(&dir.join("nodes")), 63 - erased.len());
        assert!(!record_file(dir, [1; 16]).exists());
        assert!(record_file(dir, [2; 16]).exists());

        let (server, _) = StateDir::open(dir).unwrap();
        assert_eq!(server.deletion_log().len(), erased.len() + 1);
        for statement in server.deletion_log() {
            schedule.verify_statement(statement).unwrap();
            assert_eq!(statement.reason(), DeletionReason::Expired);
            assert_eq!(statement.epoch(), Epoch(1011));
        }
        for node in &erased {
            assert!(!server.holds_node(*node));
        }
        assert!(!server.holds_record(&[1; 16]));
    }

    // Even a reader whose clock is behind gets nothing from the reopened servers.
    let local = reopen_local(&dirs, 1010);
    assert_eq!(
        open(&schedule, &local, &sealed.header, Epoch(1010)).unwrap_err(),
        Error::Expired { last: Epoch(1010) }
    );
    local.set_now(Epoch(1012));
    assert!(open(&schedule, &local, &later.header, Epoch(1012)).is_ok());

    // An erasure a crash interrupted (the statement logged, the file still there) is
    // finished at start-up: the stale file is deleted, not loaded.
    let stale = node_file(&before_erasure, erased[0]);
    fs::copy(&stale, node_file(&dirs[0], erased[0])).unwrap();
    fs::copy(
        record_file(&before_erasure, [1; 16]),
        record_file(&dirs[0], [1; 16]),
    )
    .unwrap();
    let (server, _) = StateDir::open(&dirs[0]).unwrap();
    assert!(!server.holds_node(erased[0]));
    assert!(!server.holds_record(&[1; 16]));
    assert!(!node_file(&dirs[0], erased[0]).exists());
    assert!(!record_file(&dirs[0], [1; 16]).exists());

    // Erasure that fell due while a server was down runs after it is reopened.
    let (mut server, mut state) = StateDir::open(&dirs[1]).unwrap();
    let overdue = state.erase_expired(&mut server, Epoch(1021)).unwrap();
    assert!(overdue
        .iter()
        .any(|s| s.subject() == DeletionSubject::Record([2; 16])));
    assert!(!record_file(&dirs[1], [2; 16]).exists());
    assert_eq!(
        StateDir::open(&dirs[1]).unwrap().0.deletion_log().len(),
        erased.len() + 1 + overdue.len()
    );
}

#[test]
fn shredding_deletes_exactly_that_record() {
    let tmp = TempDir::new("shred");
    let (mut rng, schedule, dirs) = setup(3, &tmp);
    let servers = DurableServers::open(&dirs, 1000);
    let a = seal_at(&mut rng, &schedule, &servers, 1, 1003, 1020);
    let b = seal_at(&mut rng, &schedule, &servers, 2, 1003, 1020);
    servers.set_now(1004);
    let statements = shred(&schedule, &servers, [1; 16], &a.shred_token).unwrap();
    assert_eq!(statements.len(), 3);
    // A retry answers the same statements and changes nothing.
    assert_eq!(
        shred(&schedule, &servers, [1; 16], &a.shred_token).unwrap(),
        statements
    );
    drop(servers);

    for dir in &dirs {
        assert!(!record_file(dir, [1; 16]).exists());
        assert!(record_file(dir, [2; 16]).exists());
        assert_eq!(count(&dir.join("shredded")), 1);
        let (server, _) = StateDir::open(dir).unwrap();
        assert_eq!(server.deletion_log().len(), 1);
        assert_eq!(
            server.deletion_log()[0].subject(),
            DeletionSubject::Record([1; 16])
        );
        assert_eq!(server.deletion_log()[0].reason(), DeletionReason::Shredded);
    }
    let local = reopen_local(&dirs, 1005);
    assert_eq!(
        open(&schedule, &local, &a.header, Epoch(1005)).unwrap_err(),
        Error::Shredded
    );
    assert_eq!(
        open(&schedule, &local, &b.header, Epoch(1005))
            .unwrap()
            .secrets,
        b.secrets
    );
    // The reopened servers still return the first statement on a retry.
    assert_eq!(
        shred(&schedule, &local, [1; 16], &a.shred_token).unwrap(),
        statements
    );

    // Once the window has ended the marker goes too.
    let servers = DurableServers::open(&dirs, 1021);
    servers.erase_expired();
    for dir in &dirs {
        assert_eq!(count(&dir.join("shredded")), 0);
        assert_eq!(count(&dir.join("records")), 0);
    }
}

#[test]
fn secret_files_are_private() {
    let tmp = TempDir::new("modes");
    let (mut rng, schedule, dirs) = setup(4, &tmp);
    let servers = DurableServers::open(&dirs, 1000);
    seal_at(&mut rng, &schedule, &servers, 1, 1003, 1020);
    drop(servers);
    let mode = |path: &Path| fs::metadata(path).unwrap().permissions().mode() & 0o777;
    for dir in &dirs {
        assert_eq!(mode(&dir.join("server.bin")), 0o600);
        for sub in ["nodes", "records"] {
            assert_eq!(mode(&dir.join(sub)) & 0o077, 0);
            for entry in fs::read_dir(dir.join(sub)).unwrap() {
                assert_eq!(mode(&entry.unwrap().path()), 0o600);
            }
        }
    }
}

#[test]
fn init_refuses_a_non_empty_directory_and_another_schedule() {
    let tmp = TempDir::new("init");
    let mut rng = StdRng::seed_from_u64(5);
    let params = TreeParams::new(6, Epoch(1000)).unwrap();
    let (schedule, servers) = deal_schedule(&mut rng, params, window(1000, 1015), 2, 3).unwrap();
    let (other, _) = deal_schedule(&mut rng, params, window(1000, 1015), 2, 3).unwrap();
    let dir = tmp.join("a");
    assert!(matches!(
        StateDir::init(&dir, &other, &servers[0]),
        Err(Error::StateMismatch(_))
    ));
    StateDir::init(&dir, &schedule, &servers[0]).unwrap();
    assert_eq!(
        StateDir::init(&dir, &schedule, &servers[0]).unwrap_err(),
        Error::StateDirNotEmpty
    );
    // A state directory persists only its own server.
    let (mut server, mut state) = StateDir::open(&dir).unwrap();
    let mut second = StateDir::init(tmp.join("b"), &schedule, &servers[1]).unwrap();
    assert!(matches!(
        second.erase_expired(&mut server, Epoch(1016)),
        Err(Error::StateMismatch(_))
    ));
    assert!(state.erase_expired(&mut server, Epoch(1016)).is_ok());
    // Every node ended: the node directory is empty, the log holds 31 statements.
    assert_eq!(count(&dir.join("nodes")), 0);
    assert_eq!(StateDir::open(&dir).unwrap().0.deletion_log().len(), 31);
}

/// Runs `damage` on a fresh copy of `template` and opens it.
fn open_damaged(template: &Path, case: &Path, damage: impl FnOnce(&Path)) -> Result<(), Error> {
    let _ = fs::remove_dir_all(case);
    copy_dir(template, case);
    damage(case);
    StateDir::open(case).map(|_| ())
}

fn first_file(dir: &Path) -> PathBuf {
    let mut names: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    names.sort();
    names.remove(0)
}

fn truncate(path: &Path, len: usize) {
    let bytes = fs::read(path).unwrap();
    fs::write(path, &bytes[..len.min(bytes.len())]).unwrap();
}

fn flip(path: &Path, at: usize) {
    let mut bytes = fs::read(path).unwrap();
    let at = at.min(bytes.len() - 1);
    bytes[at] ^= 0x01;
    fs::write(path, bytes).unwrap();
}

fn is_corrupt(result: Result<(), Error>, file: &str) -> bool {
    matches!(result, Err(Error::CorruptState { file: f, .. }) if f == file)
}

#[test]
fn damaged_files_are_refused_with_typed_errors() {
    let tmp = TempDir::new("damage");
    let (mut rng, schedule, dirs) = setup(6, &tmp);
    let servers = DurableServers::open(&dirs, 1000);
    seal_at(&mut rng, &schedule, &servers, 1, 1003, 1010);
    let b = seal_at(&mut rng, &schedule, &servers, 2, 1003, 1020);
    seal_at(&mut rng, &schedule, &servers, 3, 1003, 1020);
    servers.set_now(1004);
    shred(&schedule, &servers, [2; 16], &b.shred_token).unwrap();
    servers.set_now(1011);
    servers.erase_expired();
    drop(servers);
    let template = &dirs[0];
    let case = tmp.join("case");
    StateDir::open(template).unwrap();

    // Every truncation of every file is refused, never a panic (the log's are cut back).
    let files: Vec<PathBuf> = ["server.bin", "schedule.bin"]
        .iter()
        .map(|f| template.join(f))
        .chain([
            first_file(&template.join("nodes")),
            first_file(&template.join("records")),
        ])
        .collect();
    for file in &files {
        let relative = file.strip_prefix(template).unwrap().to_path_buf();
        let len = fs::metadata(file).unwrap().len() as usize;
        for cut in (0..len).step_by((len / 25).max(1)) {
            let result = open_damaged(template, &case, |dir| truncate(&dir.join(&relative), cut));
            assert!(
                matches!(result, Err(Error::CorruptState { .. })),
                "{relative:?} cut at {cut}: {result:?}"
            );
        }
    }

    // Flipped bits.
    assert!(is_corrupt(
        open_damaged(template, &case, |d| flip(&d.join("server.bin"), 10)),
        "server.bin"
    ));
    assert!(is_corrupt(
        open_damaged(template, &case, |d| flip(&d.join("schedule.bin"), 200)),
        "schedule.bin"
    ));
    // A node share off by one bit: the batched check against the schedule catches it.
    assert!(is_corrupt(
        open_damaged(template, &case, |d| flip(&first_file(&d.join("nodes")), 40)),
        "node share"
    ));
    // A record share off by one bit: it no longer matches its commitments.
    assert!(is_corrupt(
        open_damaged(template, &case, |d| flip(
            &first_file(&d.join("records")),
            113
        )),
        "record share"
    ));
    // A statement in the log whose signature no longer verifies.
    assert!(is_corrupt(
        open_damaged(template, &case, |d| flip(&d.join("deletions.log"), 40)),
        "deletions.log"
    ));

    // A share file for a node outside the schedule, or under another node's name.
    let root = NodeId::new(0, 0).unwrap();
    assert!(schedule.node_keys(root).is_none());
    for rename_only in [false, true] {
        assert!(is_corrupt(
            open_damaged(template, &case, |d| {
                let file = first_file(&d.join("nodes"));
                let mut bytes = fs::read(&file).unwrap();
                if !rename_only {
                    bytes[5..14].copy_from_slice(&root.to_bytes());
                }
                fs::write(node_file(d, root), bytes).unwrap();
            }),
            "node share"
        ));
    }
    // A damaged shredded marker.
    assert!(is_corrupt(
        open_damaged(template, &case, |d| flip(
            &first_file(&d.join("shredded")),
            30
        )),
        "shredded marker"
    ));
    // Unexpected files.
    assert!(is_corrupt(
        open_damaged(template, &case, |d| fs::write(d.join("notes.txt"), b"hi")
            .unwrap()),
        "state directory"
    ));
    assert!(is_corrupt(
        open_damaged(template, &case, |d| fs::write(
            d.join("nodes").join("x"),
            b"hi"
        )
        .unwrap()),
        "node share"
    ));
    // Missing files.
    assert!(matches!(
        open_damaged(template, &case, |d| fs::remove_file(d.join("server.bin"))
            .unwrap()),
        Err(Error::StateIo { .. })
    ));

    // Leftover temporary files are removed; a log whose last entry is incomplete is cut back
    // to its last complete entry.
    let (server, _) = StateDir::open(template).unwrap();
    let logged = server.deletion_log().len();
    let last = server.deletion_log()[logged - 1].to_bytes().len();
    let _ = fs::remove_dir_all(&case);
    copy_dir(template, &case);
    fs::write(case.join(".tmp-server.bin"), b"partial").unwrap();
    fs::write(case.join("nodes").join(".tmp-x.share"), b"partial").unwrap();
    let log = case.join("deletions.log");
    let len = fs::metadata(&log).unwrap().len() as usize;
    truncate(&log, len - 20);
    let (server, _) = StateDir::open(&case).unwrap();
    assert_eq!(server.deletion_log().len(), logged - 1);
    assert!(!case.join(".tmp-server.bin").exists());
    assert!(!case.join("nodes").join(".tmp-x.share").exists());
    assert_eq!(fs::metadata(&log).unwrap().len() as usize, len - 2 - last);
}
