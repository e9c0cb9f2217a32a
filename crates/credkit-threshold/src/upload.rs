//! Anonymous uploads: envelopes that a group signs, and the collector that checks them.
//!
//! An upload is a payload (a reading, a report) plus an [`Envelope`]: the group id, a task
//! id, a random nonce, a timestamp, the SHA-256 of the payload, and the group signature over
//! those fields. The group signature is an ordinary BLS signature under the group public key
//! ([`crate::bls`]), made by any `min_signers` of the group's members together. A
//! [`Collector`] holds the group key and a [`NonceStore`]; it accepts an upload when the
//! envelope names its group, the payload matches the hash, the timestamp is fresh, the
//! signature verifies and the nonce is new.
//!
//! - [`UnsignedEnvelope::signing_bytes`]: the exact signed byte string.
//! - [`Envelope::to_bytes`] / [`Envelope::from_bytes`] and [`Envelope::to_json`] /
//!   [`Envelope::from_json`]: the binary and JSON encodings, checked on decode.
//! - [`Collector::accept`], and [`Collector::accept_batch`], which verifies many signatures
//!   at once with two pairings (see its docs) and names the bad envelopes.
//! - [`FileNonceStore`]: the embedded persistent store (an append-only log, synced, reloaded
//!   on open), so replays are refused across restarts; [`MemoryNonceStore`] for tests.
//!
//! ```
//! use credkit_threshold::bls::SecretKey;
//! use credkit_threshold::upload::{
//!     Collector, Envelope, GroupId, MemoryNonceStore, TaskId, UnsignedEnvelope,
//! };
//! use credkit_threshold::Error;
//!
//! // In a deployment the group secret is shared and `min_signers` members sign together;
//! // the result is the signature this single key makes.
//! let group = SecretKey::key_gen(&[7u8; 32], b"")?;
//! let payload = br#"{"heart_rate": 72}"#;
//! let now = 1_750_000_000;
//!
//! let unsigned = UnsignedEnvelope::new(
//!     GroupId::from_public_key(group.public_key()),
//!     TaskId::new("study-S/visit-3")?,
//!     now,
//!     payload,
//! );
//! let signature = group.sign(&unsigned.signing_bytes());
//! let envelope = unsigned.attach(signature);
//! let received = Envelope::from_json(&envelope.to_json())?;
//!
//! let mut collector = Collector::new(group.public_key().clone(), MemoryNonceStore::new());
//! collector.accept(&received, payload, now + 5)?;
//!
//! // The same upload again is a replay; another payload does not match the signed hash.
//! assert_eq!(collector.accept(&received, payload, now + 6), Err(Error::Replay));
//! assert_eq!(
//!     collector.accept(&received, br#"{"heart_rate": 180}"#, now + 6),
//!     Err(Error::PayloadMismatch)
//! );
//! # Ok::<(), Error>(())
//! ```
//!
//! # What the collector learns
//!
//! From an accepted upload the collector learns that **some `min_signers` members of the
//! group signed it**, and nothing about which. A threshold BLS signature is the same 96 bytes
//! whichever `min_signers` members made it (it is `sk * H(m)` for the group secret `sk`), so
//! even a collector with unbounded computing power cannot tell the signing sets apart. It also
//! sees everything in the clear: the group id, the task id, the nonce, the timestamp, the
//! payload and its hash, and whatever the network shows.
//!
//! The **combiner**, the party that gathers the partial signatures and combines them, does
//! learn which members sent partials: it needs their identifiers to interpolate and to name
//! a member whose partial is bad. It also sees the signed fields (not the payload, unless it
//! is sent along) and when each member answered.
//!
//! To keep members anonymous:
//!
//! - The combiner must not be the collector and must not share what it sees with it (a
//!   collector that colludes with the combiner learns the signing set). Run the combiner on a
//!   member, or on a gateway the members trust.
//! - Nothing in the envelope may name a member: a task id is per study or round, never per
//!   device, and the nonce comes from a CSPRNG ([`UnsignedEnvelope::new`]), never a counter
//!   or a serial number. The payload's content is outside the cryptography: it must not
//!   identify the member by itself.
//! - Network addresses and timing are outside the cryptography too: send uploads through an
//!   anonymising relay (a mix network, Tor, Oblivious HTTP) or a shared gateway, and batch or
//!   delay them so that the arrival time does not point at the member that was just active.
//!   Coarse timestamps (rounded to the minute, within the collector's window) help as well.
//!
//! What the signature does prove: that `min_signers` members approved these exact fields and
//! payload hash; the collector's checks add that the upload is for this group, fresh, and
//! new.

mod batch;
mod collector;
mod envelope;
mod file_store;
mod store;

pub use collector::{BatchReport, Collector, DEFAULT_MAX_AGE, DEFAULT_MAX_CLOCK_SKEW};
pub use envelope::{
    Envelope, EnvelopeDefect, GroupId, TaskId, UnsignedEnvelope, ENVELOPE_VERSION, JSON_TYPE,
    MAX_TASK_ID_LEN, SIGNING_TAG,
};
pub use file_store::FileNonceStore;
pub use store::{MemoryNonceStore, NonceEntry, NonceStore};

/// The current time in Unix seconds, for [`Collector::accept`]'s `now` (0 if the system
/// clock is before 1970).
pub fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}
