//! The embedded persistent seen-nonce store: an append-only log file, synced before every
//! answer, reloaded on open, compacted by an atomic rename.
//!
//! File layout:
//!
//! ```text
//! offset  bytes  field
//! 0       16     magic "credkit-nonces" || 0x00 || 0x01 (format version 1)
//! 16      48*k   k records:
//!                  32  nonce
//!                   8  expires_at, big-endian Unix seconds
//!                   8  check = first 8 bytes of SHA-256(nonce || expires_at)
//! ```
//!
//! A nonce may appear in several records (recorded again after it was pruned); the largest
//! `expires_at` wins.

use core::fmt;
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use super::store::{NonceEntry, NonceStore};
use crate::Error;

/// The first 16 bytes of a store file.
const MAGIC: [u8; 16] = *b"credkit-nonces\x00\x01";
/// Length of one record.
const RECORD_LEN: usize = 48;
/// [`FileNonceStore::prune`] rewrites the file once it holds at least this many dead records
/// and at least as many dead records as live ones.
const COMPACT_MIN_DEAD: u64 = 1024;

/// A [`NonceStore`] that survives restarts: an append-only log of fixed-size, checksummed
/// records.
///
/// - **Durability.** Every insert (every batch, for
///   [`insert_all_if_absent`](NonceStore::insert_all_if_absent)) appends its records with one
///   write and `fsync`s before it answers, so a nonce reported new is on disk when the
///   collector accepts its upload.
/// - **Reload.** [`FileNonceStore::open`] reads the whole file into a hash map (48 bytes of
///   file and roughly 64 bytes of memory per nonce).
/// - **Torn tails.** A crash during an append can leave the last records partial or garbled.
///   Those records were never acknowledged, so `open` truncates the file at the first bad
///   record, provided no intact record follows it. A bad record *followed* by an intact one
///   is not a torn append but damage to acknowledged data: dropping it could readmit a
///   replay, so `open` fails with [`Error::CorruptNonceStore`] and leaves the file alone. A
///   file that does not start with the magic fails the same way (offset 0); an empty file is
///   a new store.
/// - **I/O errors.** After a failed write or sync the store refuses every new nonce with
///   [`Error::NonceStoreIo`] (the state of the file is unknown) until it is reopened or
///   [`compact`](FileNonceStore::compact)ed.
/// - **Compaction.** [`FileNonceStore::compact`] writes the live nonces to `<path>.tmp`,
///   syncs it, renames it over the log and syncs the directory: a crash leaves either the old
///   or the new log. [`NonceStore::prune`] compacts by itself once dead records are at least
///   1024 and at least as many as live ones.
/// - **One process.** The store is not locked against a second process opening the same
///   file: two collectors sharing a file would not see each other's nonces. Run one collector
///   per file.
pub struct FileNonceStore {
    path: PathBuf,
    file: File,
    seen: HashMap<[u8; 32], u64>,
    /// Records in the file, duplicates and expired ones included.
    records: u64,
    /// The error that poisoned the store, if any.
    failed: Option<io::ErrorKind>,
}

impl FileNonceStore {
    /// Opens the store at `path`, creating it if there is no file, and loads its nonces
    /// (truncating a torn tail, see the type's docs).
    ///
    /// # Errors
    /// [`Error::NonceStoreIo`]; [`Error::CorruptNonceStore`] with the byte offset of the
    /// damage.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, Error> {
        let path = path.as_ref().to_path_buf();
        let bytes = match fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => Vec::new(),
            Err(e) => return Err(io_error(&e)),
        };
        let mut seen = HashMap::new();
        let mut records = 0u64;
        if bytes.is_empty() {
            write_atomically(&path, &MAGIC)?;
        } else {
            let body = bytes
                .strip_prefix(&MAGIC[..])
                .ok_or(Error::CorruptNonceStore { offset: 0 })?;
            let good = load_records(body, &mut seen, &mut records)?;
            if good < body.len() {
                // A torn append: cut it off so later appends stay aligned.
                let file = OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .map_err(|e| io_error(&e))?;
                file.set_len((MAGIC.len() + good) as u64)
                    .and_then(|()| file.sync_all())
                    .map_err(|e| io_error(&e))?;
            }
        }
        let file = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| io_error(&e))?;
        Ok(FileNonceStore {
            path,
            file,
            seen,
            records,
            failed: None,
        })
    }

    /// The log file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Number of nonces recorded (pruned ones excluded).
    pub fn len(&self) -> usize {
        self.seen.len()
    }

    /// No nonce recorded.
    pub fn is_empty(&self) -> bool {
        self.seen.is_empty()
    }

    /// Whether `nonce` is recorded.
    pub fn contains(&self, nonce: &[u8; 32]) -> bool {
        self.seen.contains_key(nonce)
    }

    /// Rewrites the log with exactly the recorded nonces (dropping pruned, duplicate and
    /// torn records) through an atomic rename, and clears an I/O failure.
    ///
    /// # Errors
    /// [`Error::NonceStoreIo`]; the old log is then still in place.
    pub fn compact(&mut self) -> Result<(), Error> {
        let mut bytes = Vec::with_capacity(MAGIC.len() + RECORD_LEN * self.seen.len());
        bytes.extend_from_slice(&MAGIC);
        for (nonce, expires_at) in &self.seen {
            bytes.extend_from_slice(&record(nonce, *expires_at));
        }
        write_atomically(&self.path, &bytes)?;
        self.file = OpenOptions::new()
            .append(true)
            .open(&self.path)
            .map_err(|e| io_error(&e))?;
        self.records = self.seen.len() as u64;
        self.failed = None;
        Ok(())
    }

    /// Appends `bytes` and syncs, or poisons the store.
    fn append(&mut self, bytes: &[u8]) -> Result<(), Error> {
        if let Some(kind) = self.failed {
            return Err(Error::NonceStoreIo(kind));
        }
        if let Err(e) = self
            .file
            .write_all(bytes)
            .and_then(|()| self.file.sync_data())
        {
            self.failed = Some(e.kind());
            return Err(io_error(&e));
        }
        self.records += (bytes.len() / RECORD_LEN) as u64;
        Ok(())
    }
}

impl NonceStore for FileNonceStore {
    fn insert_if_absent(&mut self, nonce: &[u8; 32], expires_at: u64) -> Result<bool, Error> {
        if self.seen.contains_key(nonce) {
            return Ok(false);
        }
        self.append(&record(nonce, expires_at))?;
        self.seen.insert(*nonce, expires_at);
        Ok(true)
    }

    fn insert_all_if_absent(&mut self, entries: &[NonceEntry]) -> Result<Vec<bool>, Error> {
        let mut fresh = HashSet::new();
        let mut bytes = Vec::new();
        let inserted: Vec<bool> = entries
            .iter()
            .map(|(nonce, expires_at)| {
                let new = !self.seen.contains_key(nonce) && fresh.insert(*nonce);
                if new {
                    bytes.extend_from_slice(&record(nonce, *expires_at));
                }
                new
            })
            .collect();
        if !bytes.is_empty() {
            self.append(&bytes)?;
        }
        for ((nonce, expires_at), new) in entries.iter().zip(&inserted) {
            if *new {
                self.seen.insert(*nonce, *expires_at);
            }
        }
        Ok(inserted)
    }

    fn prune(&mut self, now: u64) -> Result<(), Error> {
        self.seen.retain(|_, expires_at| *expires_at >= now);
        let live = self.seen.len() as u64;
        let dead = self.records.saturating_sub(live);
        if dead >= COMPACT_MIN_DEAD && dead >= live {
            self.compact()?;
        }
        Ok(())
    }
}

impl fmt::Debug for FileNonceStore {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FileNonceStore")
            .field("path", &self.path)
            .field("nonces", &self.seen.len())
            .field("records", &self.records)
            .field("failed", &self.failed)
            .finish()
    }
}

fn io_error(e: &io::Error) -> Error {
    Error::NonceStoreIo(e.kind())
}

/// `nonce || expires_at || SHA-256(nonce || expires_at)[..8]`.
fn record(nonce: &[u8; 32], expires_at: u64) -> [u8; RECORD_LEN] {
    let mut out = [0u8; RECORD_LEN];
    out[..32].copy_from_slice(nonce);
    out[32..40].copy_from_slice(&expires_at.to_be_bytes());
    let check = Sha256::digest(&out[..40]);
    out[40..].copy_from_slice(&check[..8]);
    out
}

/// The nonce and expiry of an intact record; `None` for a short or garbled one.
fn parse_record(bytes: &[u8]) -> Option<NonceEntry> {
    let bytes: &[u8; RECORD_LEN] = bytes.try_into().ok()?;
    let check = Sha256::digest(&bytes[..40]);
    if check[..8] != bytes[40..] {
        return None;
    }
    let mut nonce = [0u8; 32];
    nonce.copy_from_slice(&bytes[..32]);
    let mut expires_at = [0u8; 8];
    expires_at.copy_from_slice(&bytes[32..40]);
    Some((nonce, u64::from_be_bytes(expires_at)))
}

/// Loads the records of `body` (the file after the magic) and returns the length of its
/// intact prefix; fails if an intact record follows a bad one.
fn load_records(
    body: &[u8],
    seen: &mut HashMap<[u8; 32], u64>,
    records: &mut u64,
) -> Result<usize, Error> {
    for (i, chunk) in body.chunks(RECORD_LEN).enumerate() {
        let start = i * RECORD_LEN;
        match parse_record(chunk) {
            Some((nonce, expires_at)) => {
                let entry = seen.entry(nonce).or_insert(expires_at);
                *entry = (*entry).max(expires_at);
                *records += 1;
            }
            None => {
                let after = body.get(start + RECORD_LEN..).unwrap_or_default();
                if after
                    .chunks_exact(RECORD_LEN)
                    .any(|c| parse_record(c).is_some())
                {
                    return Err(Error::CorruptNonceStore {
                        offset: (MAGIC.len() + start) as u64,
                    });
                }
                return Ok(start);
            }
        }
    }
    Ok(body.len())
}

/// Writes `bytes` to `<path>.tmp`, syncs it, renames it to `path` and syncs the directory.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), Error> {
    let mut tmp = OsString::from(path.as_os_str());
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let written = File::create(&tmp).and_then(|mut f| {
        f.write_all(bytes)?;
        f.sync_all()
    });
    written
        .and_then(|()| fs::rename(&tmp, path))
        .map_err(|e| io_error(&e))?;
    sync_parent_dir(path)
}

/// Makes a rename in `path`'s directory durable (Unix; elsewhere a no-op).
fn sync_parent_dir(path: &Path) -> Result<(), Error> {
    #[cfg(unix)]
    {
        let dir = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_error(&e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}
