//! Durable state for one key server: a directory with one file per secret, so that erasing
//! a secret deletes exactly its file.
//!
//! ```text
//! <dir>/server.bin               secret, 0600: identifier, BLS signing key, schedule digest
//! <dir>/schedule.bin             public: the signed schedule (Schedule::to_bytes)
//! <dir>/deletions.log            public, append-only: every deletion statement, in order
//! <dir>/nodes/<node>.share       secret, 0600: one node share; <node> = hex of NodeId (9 bytes)
//! <dir>/records/<id>.share       secret, 0600: one record share (the store request as received)
//! <dir>/shredded/<id>.shredded   public: a shredded record's window and signed statement
//! ```
//!
//! Encodings (all integers big-endian; every file starts with a 4-byte kind and the version
//! byte `0x01`; each field is decoded with the epoch service's checked decoders):
//!
//! ```text
//! server.bin        "CKsv" || 0x01 || identifier (2) || BLS secret key (32) || schedule digest (32)
//! <node>.share      "CKnd" || 0x01 || node (9) || x_(N,i) (32)
//! <id>.share        "CKrc" || StoreRequest::to_bytes (165 + 48 t)
//! <id>.shredded     "CKsh" || 0x01 || first (8) || last (8) || DeletionStatement::to_bytes (157)
//! deletions.log     "CKdl" || 0x01 || { length (2) || DeletionStatement::to_bytes }*
//! ```
//!
//! **Writes.** A file is written to `.tmp-<name>` in the same directory (created new, mode
//! `0600` for secrets, `0644` before the umask otherwise), fsynced, renamed over its target,
//! and the directory is fsynced: after a crash the target holds either its old or its new
//! contents. The log is appended to and fsynced. The directories [`StateDir::init`] creates
//! get mode `0700` (an existing empty directory keeps its mode). Buffers holding secrets are
//! zeroized when dropped; copies the operating system makes (page cache) are not.
//!
//! **Order.** A server process handles a request in memory, persists it with this type, and
//! answers only when the call returned `Ok`:
//!
//! - [`StateDir::persist_record`] after [`KeyServer::store_record_share`];
//! - [`StateDir::persist_shred`] after [`KeyServer::shred`]: writes the shredded marker
//!   (window and statement), appends the statement to the log, then deletes the record file;
//! - [`StateDir::erase_expired`] instead of [`KeyServer::erase_expired`], at each epoch
//!   boundary and once after [`StateDir::open`] for anything overdue: erases in memory,
//!   appends the statements to the log, then deletes the files.
//!
//! Statements are logged before files are deleted, so a crash in between leaves a file whose
//! erasure is already logged; [`StateDir::open`] finishes it (deletes the file, does not load
//! the secret): a node file whose node has a statement in the log, a record file with a
//! shredded marker, a record file with an expiry statement made after its window ended (a
//! record stored later under the same id has a window ending at or after that statement, so
//! it is not confused with the erased one). A marker whose statement is missing from the log
//! has it appended.
//!
//! **Opening** validates everything: `server.bin` against the schedule (digest, the
//! identifier's public key), the schedule's signatures, every statement of the log (this
//! server, this schedule, its signature), every node share against the schedule's
//! verification shares (one batched check), every record share against its commitments and
//! the horizon, every marker's statement. A share file for a node outside the schedule, a
//! file name that does not match its contents, and any unexpected file or directory are
//! refused ([`Error::CorruptState`]); leftover `.tmp-*` files (interrupted writes, which may
//! hold secrets) are deleted. A log whose last entry is incomplete (a crash during an
//! append, before anything was deleted on its strength) is cut back to its last complete
//! entry; any other damage to the log is refused.
//!
//! **What deletion does and does not guarantee.** Erasing removes the file, fsyncs its
//! directory, and zeroizes the in-memory copy. Removing a file frees its blocks; it does not
//! overwrite them. On a journaling file system (ext4 with `data=journal`), a copy-on-write
//! one (btrfs, ZFS, APFS), under snapshots or backups, or on an SSD or other flash device
//! whose controller remaps writes, the old contents may persist in freed blocks, old
//! snapshots or unmapped flash pages until they happen to be reused, and overwriting the
//! file in place would not change that. Nor does anything here reach swap, core dumps or
//! copies made by the operating system. For erasure that holds against someone who later
//! reads the raw device, put the state directory on an encrypted file system or volume whose
//! key is itself destroyed or rotated (or on tmpfs without swap, accepting loss at reboot).
//! As everywhere in the epoch service, a deletion statement proves that the server *said* it
//! erased (SPEC.md §6.3.8).
//!
//! **Limits.** One process per directory: nothing here locks it (the caller must). On an
//! error the directory and the in-memory server may disagree (a record stored in memory but
//! not on disk, a node erased in memory but still on disk): the caller must not answer the
//! request, and should drop the server and [`StateDir::open`] the directory again. Unix only
//! (file modes).

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, DirBuilder, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};

use credkit_core::encoding::scalar_to_bytes;
use credkit_core::SecretScalar;
use credkit_threshold::bls::SecretKey;
use credkit_threshold::Identifier;
use rand_core::OsRng;
use zeroize::Zeroizing;

use super::codec::{Reader, VERSION};
use super::deletion::{DeletionReason, DeletionStatement, DeletionSubject, RecordId};
use super::messages::StoreRequest;
use super::schedule::Schedule;
use super::server::KeyServer;
use super::tree::{Epoch, NodeId, Window};
use crate::Error;

const SERVER_FILE: &str = "server.bin";
const SCHEDULE_FILE: &str = "schedule.bin";
const LOG_FILE: &str = "deletions.log";
const NODES_DIR: &str = "nodes";
const RECORDS_DIR: &str = "records";
const SHREDDED_DIR: &str = "shredded";
const TMP_PREFIX: &str = ".tmp-";
const SHARE_SUFFIX: &str = ".share";
const SHREDDED_SUFFIX: &str = ".shredded";

const SERVER_MAGIC: &[u8; 4] = b"CKsv";
const NODE_MAGIC: &[u8; 4] = b"CKnd";
const RECORD_MAGIC: &[u8; 4] = b"CKrc";
const SHREDDED_MAGIC: &[u8; 4] = b"CKsh";
const LOG_MAGIC: &[u8; 4] = b"CKdl";

/// Largest file read, except the log: a record share with 65535 commitments is ~3 MiB.
const MAX_FILE: u64 = 4 << 20;
/// Largest log read: ~7 million statements.
const MAX_LOG: u64 = 1 << 30;

const SECRET_MODE: u32 = 0o600;
const PUBLIC_MODE: u32 = 0o644;
const DIR_MODE: u32 = 0o700;

/// One key server's state directory (see the module documentation). Holds no secret: it
/// knows which files exist and how much of the server's deletion log is on disk.
#[derive(Debug)]
pub struct StateDir {
    root: PathBuf,
    identifier: Identifier,
    schedule: [u8; 32],
    nodes: BTreeSet<NodeId>,
    records: BTreeSet<RecordId>,
    shredded: BTreeSet<RecordId>,
    /// How many statements of the server's log are in `deletions.log`.
    logged: usize,
}

impl StateDir {
    /// Writes a freshly dealt server's state to `dir` (created if missing, mode `0700`),
    /// `server.bin` last: a directory without it was not fully written and is refused by
    /// [`StateDir::open`].
    ///
    /// # Errors
    /// [`Error::StateDirNotEmpty`]; [`Error::StateMismatch`] if `schedule` is not the
    /// server's or the server already holds records; [`Error::StateIo`].
    pub fn init(
        dir: impl AsRef<Path>,
        schedule: &Schedule,
        server: &KeyServer,
    ) -> Result<StateDir, Error> {
        let root = dir.as_ref().to_path_buf();
        if server.schedule_digest() != schedule.digest()
            || schedule.server_key(server.identifier()) != Some(server.public_key())
        {
            return Err(Error::StateMismatch("the schedule is not the server's"));
        }
        if server.held_records().next().is_some() || server.shredded_records().next().is_some() {
            return Err(Error::StateMismatch("the server already holds records"));
        }
        match fs::read_dir(&root) {
            Ok(mut entries) => {
                if entries.next().is_some() {
                    return Err(Error::StateDirNotEmpty);
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                create_dir(&root, true)?;
            }
            Err(e) => return Err(io_error("list", "state directory", &e)),
        }
        for sub in [NODES_DIR, RECORDS_DIR, SHREDDED_DIR] {
            create_dir(&root.join(sub), false)?;
        }
        sync_dir(&root, "state directory")?;
        write_file(
            &root,
            SCHEDULE_FILE,
            &schedule.to_bytes(),
            false,
            SCHEDULE_FILE,
        )?;
        let mut nodes = BTreeSet::new();
        for node in server.held_nodes() {
            let Some(secret) = server.node_secret(node) else {
                continue;
            };
            write_file(
                &root.join(NODES_DIR),
                &node_file_name(node),
                &encode_node(node, secret),
                true,
                "node share",
            )?;
            nodes.insert(node);
        }
        let mut log = log_header();
        for statement in server.deletion_log() {
            push_log_entry(&mut log, statement);
        }
        write_file(&root, LOG_FILE, &log, false, LOG_FILE)?;
        write_file(
            &root,
            SERVER_FILE,
            &encode_server(server),
            true,
            SERVER_FILE,
        )?;
        Ok(StateDir {
            root,
            identifier: server.identifier(),
            schedule: *server.schedule_digest(),
            nodes,
            records: BTreeSet::new(),
            shredded: BTreeSet::new(),
            logged: server.deletion_log().len(),
        })
    }

    /// Loads a server back from `dir`, validating every file, and finishes erasures a crash
    /// interrupted (see the module documentation). Call [`StateDir::erase_expired`] next,
    /// for anything that fell due while the server was down.
    ///
    /// # Errors
    /// [`Error::CorruptState`] (untrusted data: the files); [`Error::StateIo`].
    pub fn open(dir: impl AsRef<Path>) -> Result<(KeyServer, StateDir), Error> {
        let root = dir.as_ref().to_path_buf();
        check_top_level(&root)?;

        let server_bytes = read_file(&root.join(SERVER_FILE), SERVER_FILE, MAX_FILE)?;
        let (identifier, signing_key, digest) = decode_server(&server_bytes)?;
        let schedule_bytes = read_file(&root.join(SCHEDULE_FILE), SCHEDULE_FILE, MAX_FILE)?;
        let schedule = Schedule::from_bytes(&schedule_bytes)
            .map_err(|e| corrupt(SCHEDULE_FILE, decode_reason(&e)))?;
        if schedule.digest() != &digest {
            return Err(corrupt(
                SCHEDULE_FILE,
                "not the schedule named in server.bin",
            ));
        }
        if schedule.server_key(identifier) != Some(signing_key.public_key()) {
            return Err(corrupt(
                SERVER_FILE,
                "the key is not the schedule's for this server",
            ));
        }
        let mut server = KeyServer::new(
            identifier,
            signing_key,
            *schedule.params(),
            schedule.horizon(),
            schedule.min_signers(),
        );

        // The log, and what it says was erased.
        let statements = read_log(&root, &schedule, identifier)?;
        let erased_nodes: BTreeSet<NodeId> = statements
            .iter()
            .filter_map(|s| match s.subject() {
                DeletionSubject::Node(node) => Some(node),
                DeletionSubject::Record(_) => None,
            })
            .collect();
        let mut expired_records: BTreeMap<RecordId, Epoch> = BTreeMap::new();
        for statement in &statements {
            if let (DeletionSubject::Record(id), DeletionReason::Expired) =
                (statement.subject(), statement.reason())
            {
                let latest = expired_records.entry(id).or_insert(statement.epoch());
                *latest = (*latest).max(statement.epoch());
            }
        }
        let logged = statements.len();
        for statement in statements {
            server.restore_statement(statement);
        }

        // Node shares.
        let mut to_remove: Vec<(&'static str, String)> = Vec::new();
        let mut nodes = BTreeSet::new();
        for name in list_dir(&root.join(NODES_DIR), "node share")? {
            let node = name
                .strip_suffix(SHARE_SUFFIX)
                .and_then(from_hex::<{ NodeId::BYTES }>)
                .and_then(|bytes| NodeId::from_bytes(&bytes).ok())
                .ok_or(corrupt("node share", "unexpected file name"))?;
            let bytes = read_file(&root.join(NODES_DIR).join(&name), "node share", MAX_FILE)?;
            let (stored_node, secret) = decode_node(&bytes)?;
            if stored_node != node {
                return Err(corrupt("node share", "file name and contents differ"));
            }
            if schedule.node_keys(node).is_none() {
                return Err(corrupt("node share", "node not in the schedule"));
            }
            if erased_nodes.contains(&node) {
                to_remove.push((NODES_DIR, name));
            } else {
                server.insert_node_secret(node, secret);
                nodes.insert(node);
            }
        }
        server
            .adopt_schedule(&mut OsRng, &schedule, false)
            .map_err(|e| match e {
                Error::ScheduleMismatch => corrupt(SERVER_FILE, "does not match the schedule"),
                _ => corrupt("node share", "a share does not match the schedule"),
            })?;

        // Shredded markers, then record shares.
        let mut shredded = BTreeSet::new();
        for name in list_dir(&root.join(SHREDDED_DIR), "shredded marker")? {
            let id = name
                .strip_suffix(SHREDDED_SUFFIX)
                .and_then(from_hex::<16>)
                .ok_or(corrupt("shredded marker", "unexpected file name"))?;
            let bytes = read_file(
                &root.join(SHREDDED_DIR).join(&name),
                "shredded marker",
                MAX_FILE,
            )?;
            let (window, statement) = decode_marker(&bytes)?;
            if statement.subject() != DeletionSubject::Record(id)
                || statement.reason() != DeletionReason::Shredded
                || statement.server() != identifier
                || schedule.verify_statement(&statement).is_err()
            {
                return Err(corrupt("shredded marker", "invalid statement"));
            }
            server.restore_shredded(id, window);
            if !server.deletion_log().contains(&statement) {
                server.restore_statement(statement);
            }
            shredded.insert(id);
        }
        let mut records = BTreeSet::new();
        for name in list_dir(&root.join(RECORDS_DIR), "record share")? {
            let id = name
                .strip_suffix(SHARE_SUFFIX)
                .and_then(from_hex::<16>)
                .ok_or(corrupt("record share", "unexpected file name"))?;
            let bytes = read_file(
                &root.join(RECORDS_DIR).join(&name),
                "record share",
                MAX_FILE,
            )?;
            let request = decode_record(&bytes)?;
            if request.record_id() != &id {
                return Err(corrupt("record share", "file name and contents differ"));
            }
            let erased = shredded.contains(&id)
                || expired_records
                    .get(&id)
                    .is_some_and(|epoch| *epoch > request.window().last());
            if erased {
                to_remove.push((RECORDS_DIR, name));
                continue;
            }
            server
                .restore_record(&request)
                .map_err(|_| corrupt("record share", "does not match the server or schedule"))?;
            records.insert(id);
        }

        let mut state = StateDir {
            root,
            identifier,
            schedule: digest,
            nodes,
            records,
            shredded,
            logged,
        };
        state.sync_log(&server)?;
        for (sub, name) in &to_remove {
            remove_file(&state.root.join(sub).join(name), "erased share")?;
        }
        for sub in [NODES_DIR, RECORDS_DIR] {
            if to_remove.iter().any(|(s, _)| *s == sub) {
                sync_dir(&state.root.join(sub), "state directory")?;
            }
        }
        Ok((server, state))
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.root
    }

    /// Persists a record share the server has just stored ([`KeyServer::store_record_share`]
    /// returned `Ok` for `request`). A retry of a stored request writes nothing.
    ///
    /// # Errors
    /// [`Error::StateMismatch`] (another server, or the server does not store exactly this
    /// request); [`Error::StateIo`].
    pub fn persist_record(
        &mut self,
        server: &KeyServer,
        request: &StoreRequest,
    ) -> Result<(), Error> {
        self.check_server(server)?;
        if !server.stores_request(request) {
            return Err(Error::StateMismatch(
                "the server does not store this request",
            ));
        }
        let id = *request.record_id();
        if self.records.contains(&id) {
            return Ok(());
        }
        let mut bytes = Zeroizing::new(Vec::with_capacity(4 + 165 + 48 * 8));
        bytes.extend_from_slice(RECORD_MAGIC);
        bytes.extend_from_slice(&request.to_bytes());
        write_file(
            &self.root.join(RECORDS_DIR),
            &record_file_name(&id),
            &bytes,
            true,
            "record share",
        )?;
        self.records.insert(id);
        Ok(())
    }

    /// Persists a shred the server has just made ([`KeyServer::shred`] returned `Ok`):
    /// writes the shredded marker, appends the statement to the log, then deletes the record
    /// file and fsyncs its directory.
    ///
    /// # Errors
    /// [`Error::StateMismatch`] (another server, or the record is not shredded);
    /// [`Error::StateIo`].
    pub fn persist_shred(&mut self, server: &KeyServer, record_id: &RecordId) -> Result<(), Error> {
        self.check_server(server)?;
        let window = server
            .shredded_window(record_id)
            .ok_or(Error::StateMismatch("the record is not shredded"))?;
        let statement = server
            .deletion_log()
            .iter()
            .rev()
            .find(|s| {
                s.subject() == DeletionSubject::Record(*record_id)
                    && s.reason() == DeletionReason::Shredded
            })
            .ok_or(Error::StateMismatch("no shred statement in the log"))?;
        if !self.shredded.contains(record_id) {
            write_file(
                &self.root.join(SHREDDED_DIR),
                &marker_file_name(record_id),
                &encode_marker(window, statement),
                false,
                "shredded marker",
            )?;
            self.shredded.insert(*record_id);
        }
        self.sync_erasures(server)
    }

    /// Runs [`KeyServer::erase_expired`] at `now`, appends its statements to the log
    /// (fsynced), then deletes the erased shares' files and the markers of shredded records
    /// whose window ended, and fsyncs their directories. Returns the new statements. Run it
    /// at each epoch boundary and once after [`StateDir::open`].
    ///
    /// # Errors
    /// [`Error::StateMismatch`] (another server); [`Error::StateIo`]: the secrets are
    /// erased in memory but their files may remain; reopen to retry.
    pub fn erase_expired(
        &mut self,
        server: &mut KeyServer,
        now: Epoch,
    ) -> Result<Vec<DeletionStatement>, Error> {
        self.check_server(server)?;
        let statements = server.erase_expired(now);
        self.sync_erasures(server)?;
        Ok(statements)
    }

    /// Makes the directory follow the server: appends its new statements to the log, then
    /// deletes every share file the server no longer holds and every marker it forgot.
    fn sync_erasures(&mut self, server: &KeyServer) -> Result<(), Error> {
        self.sync_log(server)?;
        let nodes: Vec<NodeId> = self
            .nodes
            .iter()
            .filter(|node| !server.holds_node(**node))
            .copied()
            .collect();
        for node in &nodes {
            remove_file(
                &self.root.join(NODES_DIR).join(node_file_name(*node)),
                "node share",
            )?;
            self.nodes.remove(node);
        }
        let records: Vec<RecordId> = self
            .records
            .iter()
            .filter(|id| !server.holds_record(id))
            .copied()
            .collect();
        for id in &records {
            remove_file(
                &self.root.join(RECORDS_DIR).join(record_file_name(id)),
                "record share",
            )?;
            self.records.remove(id);
        }
        let markers: Vec<RecordId> = self
            .shredded
            .iter()
            .filter(|id| server.shredded_window(id).is_none())
            .copied()
            .collect();
        for id in &markers {
            remove_file(
                &self.root.join(SHREDDED_DIR).join(marker_file_name(id)),
                "shredded marker",
            )?;
            self.shredded.remove(id);
        }
        for (sub, changed) in [
            (NODES_DIR, !nodes.is_empty()),
            (RECORDS_DIR, !records.is_empty()),
            (SHREDDED_DIR, !markers.is_empty()),
        ] {
            if changed {
                sync_dir(&self.root.join(sub), "state directory")?;
            }
        }
        Ok(())
    }

    /// Appends the statements of the server's log not yet on disk, and fsyncs.
    fn sync_log(&mut self, server: &KeyServer) -> Result<(), Error> {
        let log = server.deletion_log();
        let Some(tail) = log.get(self.logged..) else {
            return Err(Error::StateMismatch(
                "the server's log is shorter than the file",
            ));
        };
        if tail.is_empty() {
            return Ok(());
        }
        let mut bytes = Vec::new();
        for statement in tail {
            push_log_entry(&mut bytes, statement);
        }
        let mut file = OpenOptions::new()
            .append(true)
            .open(self.root.join(LOG_FILE))
            .map_err(|e| io_error("open", LOG_FILE, &e))?;
        file.write_all(&bytes)
            .map_err(|e| io_error("write", LOG_FILE, &e))?;
        file.sync_all()
            .map_err(|e| io_error("sync", LOG_FILE, &e))?;
        self.logged = log.len();
        Ok(())
    }

    fn check_server(&self, server: &KeyServer) -> Result<(), Error> {
        if server.identifier() != self.identifier || server.schedule_digest() != &self.schedule {
            return Err(Error::StateMismatch("another server's state directory"));
        }
        Ok(())
    }
}

// ---- encodings ----

fn encode_server(server: &KeyServer) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(71));
    out.extend_from_slice(SERVER_MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&server.identifier().get().to_be_bytes());
    out.extend_from_slice(server.signing_key().to_bytes().as_ref());
    out.extend_from_slice(server.schedule_digest());
    out
}

fn decode_server(bytes: &[u8]) -> Result<(Identifier, SecretKey, [u8; 32]), Error> {
    const FILE: &str = SERVER_FILE;
    let mut r = reader(bytes, SERVER_MAGIC, FILE)?;
    let identifier = r
        .identifier()
        .map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    let key = r.take(32).map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    let signing_key =
        SecretKey::from_bytes(key).map_err(|_| corrupt(FILE, "invalid BLS secret key"))?;
    let digest = r.array().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    r.finish().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    Ok((identifier, signing_key, digest))
}

fn encode_node(node: NodeId, secret: &SecretScalar) -> Zeroizing<Vec<u8>> {
    let mut out = Zeroizing::new(Vec::with_capacity(46));
    out.extend_from_slice(NODE_MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&node.to_bytes());
    out.extend_from_slice(Zeroizing::new(scalar_to_bytes(&secret.expose())).as_ref());
    out
}

fn decode_node(bytes: &[u8]) -> Result<(NodeId, SecretScalar), Error> {
    const FILE: &str = "node share";
    let mut r = reader(bytes, NODE_MAGIC, FILE)?;
    let node = r.node().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    let secret = SecretScalar::new(r.scalar().map_err(|e| corrupt(FILE, decode_reason(&e)))?);
    r.finish().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    Ok((node, secret))
}

fn decode_record(bytes: &[u8]) -> Result<StoreRequest, Error> {
    const FILE: &str = "record share";
    let rest = bytes
        .strip_prefix(RECORD_MAGIC)
        .ok_or(corrupt(FILE, "wrong file kind"))?;
    StoreRequest::from_bytes(rest).map_err(|e| corrupt(FILE, decode_reason(&e)))
}

fn encode_marker(window: Window, statement: &DeletionStatement) -> Vec<u8> {
    let mut out = Vec::with_capacity(4 + 1 + 16 + 157);
    out.extend_from_slice(SHREDDED_MAGIC);
    out.push(VERSION);
    out.extend_from_slice(&window.first().0.to_be_bytes());
    out.extend_from_slice(&window.last().0.to_be_bytes());
    out.extend_from_slice(&statement.to_bytes());
    out
}

fn decode_marker(bytes: &[u8]) -> Result<(Window, DeletionStatement), Error> {
    const FILE: &str = "shredded marker";
    let mut r = reader(bytes, SHREDDED_MAGIC, FILE)?;
    let first = r.epoch().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    let last = r.epoch().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    let window = Window::new(first, last).map_err(|_| corrupt(FILE, "window runs backwards"))?;
    let rest = r
        .take(r.remaining())
        .map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    let statement =
        DeletionStatement::from_bytes(rest).map_err(|e| corrupt(FILE, decode_reason(&e)))?;
    Ok((window, statement))
}

fn log_header() -> Vec<u8> {
    let mut out = LOG_MAGIC.to_vec();
    out.push(VERSION);
    out
}

fn push_log_entry(out: &mut Vec<u8>, statement: &DeletionStatement) {
    let bytes = statement.to_bytes();
    // A statement is 150 or 157 bytes.
    out.extend_from_slice(&(bytes.len() as u16).to_be_bytes());
    out.extend_from_slice(&bytes);
}

/// Reads and checks the log; cuts an incomplete last entry off the file.
fn read_log(
    root: &Path,
    schedule: &Schedule,
    identifier: Identifier,
) -> Result<Vec<DeletionStatement>, Error> {
    const FILE: &str = LOG_FILE;
    let path = root.join(FILE);
    let bytes = read_file(&path, FILE, MAX_LOG)?;
    let mut r = reader(&bytes, LOG_MAGIC, FILE)?;
    let mut statements = Vec::new();
    let mut complete = LOG_MAGIC.len() + 1;
    while r.remaining() > 0 {
        let torn = r.remaining() < 2 || {
            let len = r.u16().map_err(|e| corrupt(FILE, decode_reason(&e)))?;
            usize::from(len) > r.remaining() || {
                let entry = r
                    .take(usize::from(len))
                    .map_err(|e| corrupt(FILE, decode_reason(&e)))?;
                let statement = DeletionStatement::from_bytes(entry)
                    .map_err(|e| corrupt(FILE, decode_reason(&e)))?;
                if statement.server() != identifier
                    || schedule.verify_statement(&statement).is_err()
                {
                    return Err(corrupt(FILE, "a statement does not verify"));
                }
                statements.push(statement);
                complete += 2 + usize::from(len);
                false
            }
        };
        if torn {
            let file = OpenOptions::new()
                .write(true)
                .open(&path)
                .map_err(|e| io_error("open", FILE, &e))?;
            file.set_len(complete as u64)
                .map_err(|e| io_error("truncate", FILE, &e))?;
            file.sync_all().map_err(|e| io_error("sync", FILE, &e))?;
            break;
        }
    }
    Ok(statements)
}

/// A reader after the 4-byte kind and the version byte.
fn reader<'a>(bytes: &'a [u8], magic: &[u8; 4], file: &'static str) -> Result<Reader<'a>, Error> {
    let rest = bytes
        .strip_prefix(magic.as_slice())
        .ok_or(corrupt(file, "wrong file kind"))?;
    Reader::versioned(rest, "truncated").map_err(|e| corrupt(file, decode_reason(&e)))
}

fn corrupt(file: &'static str, reason: &'static str) -> Error {
    Error::CorruptState { file, reason }
}

fn decode_reason(error: &Error) -> &'static str {
    match error {
        Error::MalformedEpochEncoding(reason) => reason,
        Error::Encoding(_) => "invalid point or scalar",
        Error::Threshold(_) => "invalid identifier or threshold",
        Error::InvalidScheduleSignature(_) => "a schedule signature does not verify",
        Error::InvalidNode { .. } => "invalid node",
        _ => "invalid encoding",
    }
}

// ---- file names ----

fn node_file_name(node: NodeId) -> String {
    format!("{}{SHARE_SUFFIX}", to_hex(&node.to_bytes()))
}

fn record_file_name(id: &RecordId) -> String {
    format!("{}{SHARE_SUFFIX}", to_hex(id))
}

fn marker_file_name(id: &RecordId) -> String {
    format!("{}{SHREDDED_SUFFIX}", to_hex(id))
}

fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    bytes
        .iter()
        .flat_map(|b| [DIGITS[usize::from(b >> 4)], DIGITS[usize::from(b & 15)]])
        .map(char::from)
        .collect()
}

/// Lower-case hex of exactly `N` bytes.
fn from_hex<const N: usize>(text: &str) -> Option<[u8; N]> {
    let digits = text.as_bytes();
    if digits.len() != 2 * N {
        return None;
    }
    let value = |d: u8| match d {
        b'0'..=b'9' => Some(d - b'0'),
        b'a'..=b'f' => Some(d - b'a' + 10),
        _ => None,
    };
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(digits.chunks_exact(2)) {
        *byte = value(pair[0])? << 4 | value(pair[1])?;
    }
    Some(out)
}

// ---- file system ----

fn io_error(op: &'static str, file: &'static str, error: &io::Error) -> Error {
    Error::StateIo {
        op,
        file,
        kind: error.kind(),
    }
}

fn create_dir(path: &Path, recursive: bool) -> Result<(), Error> {
    DirBuilder::new()
        .recursive(recursive)
        .mode(DIR_MODE)
        .create(path)
        .map_err(|e| io_error("create", "state directory", &e))
}

/// Writes `bytes` to `dir/name` atomically and durably (see the module documentation).
fn write_file(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    secret: bool,
    file: &'static str,
) -> Result<(), Error> {
    let tmp = dir.join(format!("{TMP_PREFIX}{name}"));
    remove_file(&tmp, file)?;
    let mut out = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(if secret { SECRET_MODE } else { PUBLIC_MODE })
        .open(&tmp)
        .map_err(|e| io_error("create", file, &e))?;
    out.write_all(bytes)
        .map_err(|e| io_error("write", file, &e))?;
    out.sync_all().map_err(|e| io_error("sync", file, &e))?;
    drop(out);
    fs::rename(&tmp, dir.join(name)).map_err(|e| io_error("rename", file, &e))?;
    sync_dir(dir, file)
}

fn sync_dir(dir: &Path, file: &'static str) -> Result<(), Error> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_error("sync directory of", file, &e))
}

/// Removes a file; one that does not exist is fine.
fn remove_file(path: &Path, file: &'static str) -> Result<(), Error> {
    match fs::remove_file(path) {
        Err(e) if e.kind() != io::ErrorKind::NotFound => Err(io_error("remove", file, &e)),
        _ => Ok(()),
    }
}

/// Reads a whole file into a buffer zeroized on drop, allocated once at the file's size.
fn read_file(path: &Path, file: &'static str, max: u64) -> Result<Zeroizing<Vec<u8>>, Error> {
    let mut input = File::open(path).map_err(|e| io_error("read", file, &e))?;
    let len = input
        .metadata()
        .map_err(|e| io_error("read", file, &e))?
        .len();
    if len > max {
        return Err(corrupt(file, "file too large"));
    }
    // Invariant: len <= max <= 2^30 fits in usize on the 32- and 64-bit targets we build for.
    let mut buf = Zeroizing::new(Vec::with_capacity(len as usize + 1));
    input
        .read_to_end(&mut buf)
        .map_err(|e| io_error("read", file, &e))?;
    Ok(buf)
}

/// The names in a share directory; removes leftover temporary files. A sub-directory or a
/// name that is not UTF-8 is refused.
fn list_dir(dir: &Path, file: &'static str) -> Result<Vec<String>, Error> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| io_error("list", file, &e))? {
        let entry = entry.map_err(|e| io_error("list", file, &e))?;
        let name = entry
            .file_name()
            .into_string()
            .map_err(|_| corrupt(file, "unexpected file name"))?;
        if name.starts_with(TMP_PREFIX) {
            remove_file(&entry.path(), file)?;
            continue;
        }
        let kind = entry.file_type().map_err(|e| io_error("list", file, &e))?;
        if !kind.is_file() {
            return Err(corrupt(file, "unexpected directory or link"));
        }
        names.push(name);
    }
    names.sort();
    Ok(names)
}

/// Refuses unexpected entries at the top level, and removes leftover temporary files.
fn check_top_level(root: &Path) -> Result<(), Error> {
    const FILE: &str = "state directory";
    for entry in fs::read_dir(root).map_err(|e| io_error("list", FILE, &e))? {
        let entry = entry.map_err(|e| io_error("list", FILE, &e))?;
        let name = entry.file_name();
        let name = name.to_str().ok_or(corrupt(FILE, "unexpected file"))?;
        let kind = entry.file_type().map_err(|e| io_error("list", FILE, &e))?;
        match name {
            SERVER_FILE | SCHEDULE_FILE | LOG_FILE if kind.is_file() => {}
            NODES_DIR | RECORDS_DIR | SHREDDED_DIR if kind.is_dir() => {}
            _ if name.starts_with(TMP_PREFIX) && kind.is_file() => {
                remove_file(&entry.path(), FILE)?;
            }
            _ => return Err(corrupt(FILE, "unexpected file")),
        }
    }
    for sub in [NODES_DIR, RECORDS_DIR, SHREDDED_DIR] {
        if !root.join(sub).is_dir() {
            return Err(corrupt(FILE, "missing share directory"));
        }
    }
    Ok(())
}
