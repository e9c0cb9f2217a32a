//! Seen-nonce stores: the trait the collector records nonces through, and an in-memory store.

use std::collections::HashMap;

use crate::Error;

/// A nonce and the Unix second after which it may be forgotten.
pub type NonceEntry = ([u8; 32], u64);

/// Where a [`Collector`](super::Collector) remembers the nonces of accepted uploads.
///
/// The collector records an upload's nonce with `expires_at = timestamp + max_age`: from
/// `expires_at + 1` on, the timestamp check alone rejects the envelope, so the store may
/// forget the nonce then ([`NonceStore::prune`]).
///
/// Implementations must make a `true` durable before returning it, as far as they promise
/// to survive restarts: the collector reports the upload accepted right after.
pub trait NonceStore {
    /// Records `nonce` unless it is already recorded (expired but not yet pruned counts as
    /// recorded). Returns `true` if it was recorded now, `false` if it was there: a replay.
    ///
    /// # Errors
    /// The store could not record it (then nothing is accepted).
    fn insert_if_absent(&mut self, nonce: &[u8; 32], expires_at: u64) -> Result<bool, Error>;

    /// Optional. [`NonceStore::insert_if_absent`] for each entry in order, one result per
    /// entry; a nonce twice in `entries` is `false` the second time. The default calls
    /// `insert_if_absent` in a loop; a durable store overrides it to sync once per batch.
    ///
    /// # Errors
    /// As [`NonceStore::insert_if_absent`]; on an error, which entries were recorded is
    /// up to the store (a conservative store keeps them all as seen).
    fn insert_all_if_absent(&mut self, entries: &[NonceEntry]) -> Result<Vec<bool>, Error> {
        entries
            .iter()
            .map(|(nonce, expires_at)| self.insert_if_absent(nonce, *expires_at))
            .collect()
    }

    /// Forgets the nonces with `expires_at < now`.
    ///
    /// # Errors
    /// The store could not be rewritten.
    fn prune(&mut self, now: u64) -> Result<(), Error>;
}

/// A [`NonceStore`] in a hash map: forgets everything on restart, so a collector that uses
/// it accepts, after a restart, replays of uploads that are still fresh. For tests, and for
/// deployments that keep state elsewhere.
#[derive(Clone, Debug, Default)]
pub struct MemoryNonceStore {
    seen: HashMap<[u8; 32], u64>,
}

impl MemoryNonceStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Number of nonces recorded.
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
}

impl NonceStore for MemoryNonceStore {
    fn insert_if_absent(&mut self, nonce: &[u8; 32], expires_at: u64) -> Result<bool, Error> {
        if self.seen.contains_key(nonce) {
            return Ok(false);
        }
        self.seen.insert(*nonce, expires_at);
        Ok(true)
    }

    fn prune(&mut self, now: u64) -> Result<(), Error> {
        self.seen.retain(|_, expires_at| *expires_at >= now);
        Ok(())
    }
}
