//! `upload::FileNonceStore::open` on a store file holding the input: never panics, and does
//! what the file format documents. A file without the magic is corrupt at offset 0; a bad
//! record followed by an intact one is corrupt at that record's offset, and the file is left
//! alone; otherwise the store opens with the nonces of the intact records (the largest expiry
//! winning), the file cut after the last of them. An opened store records a fresh nonce once,
//! and after reopening still holds every nonce.
//!
//! Random bytes almost never hold an intact (checksummed) record, so inputs starting with `@`
//! are instead a real store file of up to 8 records (some nonces repeated), cut or extended
//! at its end, and XORed with a mask from an offset. The file lives in `std::env::temp_dir()`
//! under a name unique to the process.
#![no_main]

use std::collections::HashMap;
use std::fs;
use std::path::PathBuf;
use std::sync::OnceLock;

use credkit_threshold::upload::{FileNonceStore, NonceStore};
use credkit_threshold::Error;
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};

const MAGIC: &[u8; 16] = b"credkit-nonces\x00\x01";
const RECORD_LEN: usize = 48;

fn path() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        std::env::temp_dir().join(format!("credkit-fuzz-nonces-{}", std::process::id()))
    })
}

fn remove_files() {
    let tmp = {
        let mut name = path().clone().into_os_string();
        name.push(".tmp");
        PathBuf::from(name)
    };
    let _ = fs::remove_file(path());
    let _ = fs::remove_file(tmp);
}

/// `nonce || expires_at || SHA-256(nonce || expires_at)[..8]`, as the format says.
fn record(nonce: &[u8; 32], expires_at: u64) -> [u8; RECORD_LEN] {
    let mut out = [0u8; RECORD_LEN];
    out[..32].copy_from_slice(nonce);
    out[32..40].copy_from_slice(&expires_at.to_be_bytes());
    let check = Sha256::digest(&out[..40]);
    out[40..].copy_from_slice(&check[..8]);
    out
}

fn intact(chunk: &[u8]) -> Option<([u8; 32], u64)> {
    let chunk: &[u8; RECORD_LEN] = chunk.try_into().ok()?;
    let nonce: [u8; 32] = chunk[..32].try_into().ok()?;
    let expires_at = u64::from_be_bytes(chunk[32..40].try_into().ok()?);
    (record(&nonce, expires_at) == *chunk).then_some((nonce, expires_at))
}

/// What `open` must do with `bytes`: the nonces and the file's length afterwards, or the
/// offset of the damage.
fn expected(bytes: &[u8]) -> Result<(HashMap<[u8; 32], u64>, usize), u64> {
    let mut seen = HashMap::new();
    if bytes.is_empty() {
        return Ok((seen, MAGIC.len()));
    }
    let body = bytes.strip_prefix(&MAGIC[..]).ok_or(0u64)?;
    let chunks: Vec<&[u8]> = body.chunks(RECORD_LEN).collect();
    for (i, chunk) in chunks.iter().enumerate() {
        match intact(chunk) {
            Some((nonce, expires_at)) => {
                let entry = seen.entry(nonce).or_insert(expires_at);
                *entry = (*entry).max(expires_at);
            }
            None if chunks[i + 1..].iter().any(|c| intact(c).is_some()) => {
                return Err((MAGIC.len() + i * RECORD_LEN) as u64);
            }
            None => return Ok((seen, MAGIC.len() + i * RECORD_LEN)),
        }
    }
    Ok((seen, bytes.len()))
}

/// `@` inputs: record count, a cut or extension, a mask offset (in 8-byte steps), the mask.
fn near(edit: &[u8]) -> Vec<u8> {
    let [count, end, offset, mask @ ..] = edit else {
        return Vec::new();
    };
    let mut bytes = MAGIC.to_vec();
    for i in 0..count % 9 {
        bytes.extend_from_slice(&record(&[i % 6 + 1; 32], 1_000 + u64::from(i ^ 3)));
    }
    match end % 4 {
        0 => bytes.truncate(bytes.len().saturating_sub(usize::from(end / 4))),
        1 => bytes.extend_from_slice(&vec![*end; usize::from(end / 4)]),
        _ => {}
    }
    let start = 8 * usize::from(*offset);
    if let Some(tail) = bytes.get_mut(start..) {
        tail.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    }
    bytes
}

fuzz_target!(|data: &[u8]| {
    let bytes = match data.strip_prefix(b"@") {
        Some(edit) => near(edit),
        None => data.to_vec(),
    };
    remove_files();
    fs::write(path(), &bytes).expect("write the store file");
    let expected = expected(&bytes);
    match FileNonceStore::open(path()) {
        Err(error) => {
            let offset = expected.expect_err("open failed on a good file");
            assert_eq!(error, Error::CorruptNonceStore { offset });
            assert_eq!(
                fs::read(path()).expect("read"),
                bytes,
                "corrupt file changed"
            );
        }
        Ok(mut store) => {
            let (seen, length) = match expected {
                Ok(expected) => expected,
                Err(offset) => panic!("opened a file corrupt at {offset}"),
            };
            assert_eq!(store.len(), seen.len());
            assert!(seen.keys().all(|nonce| store.contains(nonce)));
            assert_eq!(fs::metadata(path()).expect("stat").len(), length as u64);
            let fresh = (0u8..=255)
                .map(|b| [b; 32])
                .find(|nonce| !seen.contains_key(nonce))
                .expect("a fresh nonce");
            assert_eq!(store.insert_if_absent(&fresh, 5), Ok(true));
            assert_eq!(store.insert_if_absent(&fresh, 6), Ok(false));
            if let Some(old) = seen.keys().next() {
                assert_eq!(store.insert_if_absent(old, 7), Ok(false));
            }
            drop(store);
            let reopened = FileNonceStore::open(path()).expect("reopen");
            assert_eq!(reopened.len(), seen.len() + 1);
            assert!(reopened.contains(&fresh));
            assert_eq!(
                fs::metadata(path()).expect("stat").len(),
                (length + RECORD_LEN) as u64
            );
        }
    }
    remove_files();
});
