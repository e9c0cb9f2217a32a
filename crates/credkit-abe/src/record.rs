//! Time-bound self-destructing records: a body readable only by holders of attributes that
//! satisfy the record's policy, and only inside its validity window.
//!
//! ```text
//! K_abe          = FABEO KEM key under the policy              (fabeo)
//! K_ep, s_rec    = the epoch layer's secrets for the window     (epoch)
//! DEK            = HKDF-SHA256(salt = record_id, ikm = K_abe || K_ep || s_rec,
//!                              info = "credkit-abe record v1" || SHA-256(header))
//! body           = XChaCha20-Poly1305(DEK, nonce, plaintext, aad = header)
//! ```
//!
//! Everything the reader parses is in the header, and the whole header is the AEAD's
//! associated data and the KDF's info: a record changed in any byte does not open. Reading
//! needs both keys: a reader without the attributes stops at decapsulation
//! ([`Error::PolicyNotSatisfied`], before any server is asked); a reader with them, before the
//! window, gets [`Error::NotYetValid`]; after it, once the servers have erased the window's
//! nodes, [`Error::Expired`]; after an early shred, [`Error::Shredded`].
//!
//! ```
//! use credkit_abe::epoch::{deal_schedule, Epoch, LocalServers, TreeParams, Window};
//! use credkit_abe::fabeo::setup;
//! use credkit_abe::policy::{Attribute, Policy};
//! use credkit_abe::record::{open_record, seal_record, SealedRecord};
//! use credkit_abe::Error;
//!
//! let mut rng = rand_core::OsRng;
//! let (mpk, msk) = setup(&mut rng);
//! let params = TreeParams::new(8, Epoch(0))?;
//! let (schedule, servers) = deal_schedule(&mut rng, params, Window::new(Epoch(0), Epoch(63))?, 2, 3)?;
//! let servers = LocalServers::new(servers, Epoch(0));
//!
//! // An ECG readable by cardiologists of H1 during hours 2..=5.
//! let policy = Policy::parse("role:cardiologist and hospital:H1")?;
//! let window = Window::new(Epoch(2), Epoch(5))?;
//! let (record, _shred_token) =
//!     seal_record(&mut rng, &mpk, &policy, &schedule, &servers, window, b"ECG 2026-11-26")?;
//! let record = SealedRecord::from_bytes(&record.to_bytes())?;
//!
//! let attrs = Attribute::parse_list("role:cardiologist, hospital:H1")?;
//! let doctor = msk.keygen(&mut rng, &attrs)?;
//! servers.set_now(Epoch(3));
//! assert_eq!(&open_record(&doctor, &schedule, &servers, &record, Epoch(3))?[..], b"ECG 2026-11-26");
//!
//! // After hour 5 the servers erase the window's keys: the record is gone.
//! servers.set_now(Epoch(6));
//! servers.erase_expired();
//! assert!(matches!(
//!     open_record(&doctor, &schedule, &servers, &record, Epoch(6)),
//!     Err(Error::Expired { .. })
//! ));
//! # Ok::<(), Error>(())
//! ```

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::epoch::{
    self, Epoch, EpochHeader, KeyServerTransport, RecordId, Schedule, ShredToken, Window,
};
use crate::fabeo::{self, Ciphertext, MasterPublicKey, UserKey};
use crate::policy::Policy;
use crate::Error;

/// The first bytes of every record: `"CKREC"` and the format version 1.
pub const MAGIC: &[u8; 6] = b"CKREC\x01";

/// The XChaCha20-Poly1305 nonce length.
const NONCE_LEN: usize = 24;
/// The Poly1305 tag length.
const TAG_LEN: usize = 16;

/// The public header of a sealed record: everything a reader needs besides its keys.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordHeader {
    record_id: RecordId,
    window: Window,
    abe: Ciphertext,
    epoch: EpochHeader,
    nonce: [u8; NONCE_LEN],
}

impl RecordHeader {
    /// The record's random identifier.
    pub fn record_id(&self) -> &RecordId {
        &self.record_id
    }

    /// The validity window (epochs, inclusive).
    pub fn window(&self) -> Window {
        self.window
    }

    /// The policy a reader's attributes must satisfy.
    pub fn policy(&self) -> &Policy {
        self.abe.policy()
    }

    /// The epoch layer's header (cover nodes, schedule digest).
    pub fn epoch_header(&self) -> &EpochHeader {
        &self.epoch
    }

    /// `MAGIC || record_id (16) || first (8) || last (8) || u32 len || ABE ciphertext ||
    /// u32 len || epoch header || nonce (24)`, integers big-endian.
    pub fn to_bytes(&self) -> Vec<u8> {
        let abe = self.abe.to_bytes();
        let epoch = self.epoch.to_bytes();
        let mut out = Vec::with_capacity(MAGIC.len() + 32 + 8 + abe.len() + epoch.len() + 24);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&self.record_id);
        out.extend_from_slice(&self.window.first().0.to_be_bytes());
        out.extend_from_slice(&self.window.last().0.to_be_bytes());
        out.extend_from_slice(&(abe.len() as u32).to_be_bytes());
        out.extend_from_slice(&abe);
        out.extend_from_slice(&(epoch.len() as u32).to_be_bytes());
        out.extend_from_slice(&epoch);
        out.extend_from_slice(&self.nonce);
        out
    }

    /// Decodes a header from the front of `bytes`, returning it and the number of bytes read.
    fn decode(bytes: &[u8]) -> Result<(Self, usize), Error> {
        let mut at = 0usize;
        let mut take = |n: usize| -> Result<&[u8], Error> {
            let end = at
                .checked_add(n)
                .filter(|&end| end <= bytes.len())
                .ok_or(Error::MalformedRecord("truncated"))?;
            let out = &bytes[at..end];
            at = end;
            Ok(out)
        };
        if take(MAGIC.len())? != MAGIC {
            return Err(Error::MalformedRecord(
                "not a credkit record (magic or version)",
            ));
        }
        let record_id: RecordId = take(16)?
            .try_into()
            .map_err(|_| Error::MalformedRecord("record id"))?;
        let first = Epoch(u64::from_be_bytes(
            take(8)?
                .try_into()
                .map_err(|_| Error::MalformedRecord("window"))?,
        ));
        let last = Epoch(u64::from_be_bytes(
            take(8)?
                .try_into()
                .map_err(|_| Error::MalformedRecord("window"))?,
        ));
        let window = Window::new(first, last)?;
        let len = u32::from_be_bytes(
            take(4)?
                .try_into()
                .map_err(|_| Error::MalformedRecord("length"))?,
        );
        let abe = Ciphertext::from_bytes(take(len as usize)?)?;
        let len = u32::from_be_bytes(
            take(4)?
                .try_into()
                .map_err(|_| Error::MalformedRecord("length"))?,
        );
        let epoch = EpochHeader::from_bytes(take(len as usize)?)?;
        let nonce: [u8; NONCE_LEN] = take(NONCE_LEN)?
            .try_into()
            .map_err(|_| Error::MalformedRecord("nonce"))?;
        if epoch.record_id() != &record_id {
            return Err(Error::MalformedRecord(
                "the epoch header is for another record",
            ));
        }
        if epoch.window() != window {
            return Err(Error::MalformedRecord(
                "the epoch header is for another window",
            ));
        }
        Ok((
            RecordHeader {
                record_id,
                window,
                abe,
                epoch,
                nonce,
            },
            at,
        ))
    }
}

/// A sealed record: its header and the encrypted body (with its tag).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SealedRecord {
    header: RecordHeader,
    header_bytes: Vec<u8>,
    body: Vec<u8>,
}

impl SealedRecord {
    /// The header.
    pub fn header(&self) -> &RecordHeader {
        &self.header
    }

    /// The encrypted body's length (plaintext + 16).
    pub fn body_len(&self) -> usize {
        self.body.len()
    }

    /// `header || body`: the file form of a record.
    pub fn to_bytes(&self) -> Vec<u8> {
        [&self.header_bytes[..], &self.body].concat()
    }

    /// Decodes a record: the header with every check of its parts (policy canonical, points in
    /// their groups, the epoch header consistent with the record's id and window), then a body
    /// of at least the tag's 16 bytes.
    ///
    /// # Errors
    /// [`Error::MalformedRecord`] and the decoding errors of [`Ciphertext::from_bytes`] and
    /// [`EpochHeader::from_bytes`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let (header, at) = RecordHeader::decode(bytes)?;
        let body = &bytes[at..];
        if body.len() < TAG_LEN {
            return Err(Error::MalformedRecord("the body is shorter than its tag"));
        }
        Ok(SealedRecord {
            header,
            header_bytes: bytes[..at].to_vec(),
            body: body.to_vec(),
        })
    }
}

/// `DEK = HKDF-SHA256(salt = record_id, ikm = K_abe || K_ep || s_rec, info = tag ||
/// SHA-256(header))`.
fn data_key(
    header_bytes: &[u8],
    record_id: &RecordId,
    abe: &fabeo::SharedKey,
    epoch: &epoch::EpochSecrets,
) -> Zeroizing<[u8; 32]> {
    let mut ikm = Zeroizing::new([0u8; 96]);
    ikm[..32].copy_from_slice(abe.as_bytes());
    ikm[32..64].copy_from_slice(epoch.epoch_key());
    ikm[64..].copy_from_slice(epoch.record_secret());
    let mut info = b"credkit-abe record v1".to_vec();
    info.extend_from_slice(&Sha256::digest(header_bytes));
    let mut dek = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's output limit.
    let _ = Hkdf::<Sha256>::new(Some(record_id), &ikm[..]).expand(&info, &mut dek[..]);
    dek
}

/// Seals `plaintext` under `policy` for the epochs of `window`: encapsulates a FABEO key,
/// seals the epoch layer with the key servers (each stores its share of the record's shred
/// secret), and encrypts the body. Returns the record and the token that shreds it early.
///
/// # Errors
/// The errors of [`fabeo::encapsulate`] and [`epoch::seal`] (a window outside the schedule's
/// horizon, servers that did not store their share).
pub fn seal_record<T: KeyServerTransport + ?Sized>(
    rng: &mut (impl RngCore + CryptoRng),
    mpk: &MasterPublicKey,
    policy: &Policy,
    schedule: &Schedule,
    transport: &T,
    window: Window,
    plaintext: &[u8],
) -> Result<(SealedRecord, ShredToken), Error> {
    let mut record_id: RecordId = [0u8; 16];
    rng.fill_bytes(&mut record_id);
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill_bytes(&mut nonce);
    let (abe, abe_key) = fabeo::encapsulate(rng, mpk, policy)?;
    let sealed = epoch::seal(rng, schedule, transport, record_id, window)?;
    let header = RecordHeader {
        record_id,
        window,
        abe,
        epoch: sealed.header,
        nonce,
    };
    let header_bytes = header.to_bytes();
    let dek = data_key(&header_bytes, &record_id, &abe_key, &sealed.secrets);
    let body = XChaCha20Poly1305::new(dek.as_ref().into())
        .encrypt(
            XNonce::from_slice(&nonce),
            Payload {
                msg: plaintext,
                aad: &header_bytes,
            },
        )
        .map_err(|_| Error::RecordAuthentication)?;
    Ok((
        SealedRecord {
            header,
            header_bytes,
            body,
        },
        sealed.shred_token,
    ))
}

/// Opens a record at epoch `now`: decapsulates with `key` (no server is asked unless the key
/// satisfies the policy), asks the key servers for the epoch layer, and decrypts the body.
///
/// # Errors
/// [`Error::PolicyNotSatisfied`]; [`Error::NotYetValid`], [`Error::Expired`],
/// [`Error::Shredded`] and the other errors of [`epoch::open`];
/// [`Error::RecordAuthentication`] when the body or the header was changed.
pub fn open_record<T: KeyServerTransport + ?Sized>(
    key: &UserKey,
    schedule: &Schedule,
    transport: &T,
    record: &SealedRecord,
    now: Epoch,
) -> Result<Zeroizing<Vec<u8>>, Error> {
    let abe_key = fabeo::decapsulate(key, &record.header.abe)?;
    let opened = epoch::open(schedule, transport, &record.header.epoch, now)?;
    let dek = data_key(
        &record.header_bytes,
        &record.header.record_id,
        &abe_key,
        &opened.secrets,
    );
    XChaCha20Poly1305::new(dek.as_ref().into())
        .decrypt(
            XNonce::from_slice(&record.header.nonce),
            Payload {
                msg: &record.body,
                aad: &record.header_bytes,
            },
        )
        .map(Zeroizing::new)
        .map_err(|_| Error::RecordAuthentication)
}

/// Shreds one record early: every key server deletes its share of the record's shred secret,
/// so nobody can open it again, inside its window or not.
///
/// # Errors
/// The errors of [`epoch::shred`].
pub fn shred_record<T: KeyServerTransport + ?Sized>(
    schedule: &Schedule,
    transport: &T,
    header: &RecordHeader,
    token: &ShredToken,
) -> Result<Vec<epoch::DeletionStatement>, Error> {
    epoch::shred(schedule, transport, header.record_id, token)
}
