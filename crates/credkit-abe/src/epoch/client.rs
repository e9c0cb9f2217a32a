//! The record-facing side: seal a record's epoch layer, open it, shred it.
//!
//! **Seal** (`window = [first, last]` inside the schedule's horizon):
//!
//! 1. `K_ep`: 32 random bytes; `r`: a random nonzero scalar; `U = r * G`.
//! 2. For each node `N` of the cover of the window: `w_N = K_ep XOR H2(r * P_N, N, record id)`
//!    (`r * P_N` in constant time).
//! 3. The shred secret `s_rec`: a random scalar, shared `min_signers`-of-`max_signers` with
//!    Pedersen commitments (in the header); each server is sent its share, the window and the
//!    digest of a fresh random shred token, and checks the share before storing it.
//! 4. The record secret is `SHA-256(0x22 || "credkit-abe epoch record secret v1" || schedule
//!    digest || record id || s_rec)`.
//!
//! Sealing succeeds when every server stored its share ([`seal`]) or at least `min_stored`
//! of them ([`seal_with_min_stored`], `min_signers <= min_stored <= max_signers`). A record
//! stored by fewer servers tolerates fewer failures than the schedule promises, so the
//! default is all: a seal fails loudly ([`Error::SealIncomplete`]) rather than making a
//! record that one more outage makes unreadable. On failure the shares already stored are
//! shredded again (best effort; they expire with the window anyway).
//!
//! **Open** at `now`: refuse before the window ([`Error::NotYetValid`]) and after it
//! ([`Error::Expired`]); take the cover node `N` containing `now`; ask the servers in turn
//! (skipping unreachable ones) until `min_signers` valid answers: `Z_i` with a DLEQ proof
//! against `P_(N,i)` and a record share that matches the header's commitments. The request
//! carries the header's record binding (a digest of the record id, window and commitments,
//! [`super::messages::record_binding`]); a server whose stored record has another binding
//! refuses, so that an altered header is reported as such ([`Error::HeaderMismatch`])
//! instead of making honest servers' shares look wrong. Every server whose answer fails is
//! named. Then `Z = sum(lambda_i * Z_i) = x_N * U = r * P_N`,
//! `K_ep = w_N XOR H2(Z, N, record id)` and `s_rec = sum(lambda_i * s_i)`.
//!
//! `H2(Y, N, id) = SHA-256(0x17 || "credkit-abe epoch H2 v1" || schedule digest || N (9) ||
//! id (16) || U (48) || Y (48))`.
//!
//! **Shred**: every server is asked to erase its record share, with the shred token; the
//! shred is confirmed when at least `max_signers - min_signers + 1` servers return a valid
//! signed statement, so that fewer than `min_signers` shares can remain.

use core::fmt;

use blstrs::{G1Projective, Scalar};
use credkit_core::encoding::{g1_to_bytes, scalar_to_bytes};
use credkit_core::msm::ct_multi_exp;
use credkit_core::SecretScalar;
use credkit_threshold::combine::lagrange_coefficients;
use credkit_threshold::Identifier;
use ff::Field;
use group::{Curve, Group};
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::codec::tag;
use super::deletion::{DeletionReason, DeletionStatement, DeletionSubject, RecordId};
use super::dleq::DleqInstance;
use super::header::EpochHeader;
use super::messages::{
    record_binding, shred_token_digest, PartialRequest, ShredRequest, StoreRequest,
};
use super::schedule::Schedule;
use super::server::ServerError;
use super::sharing::{pedersen, share, Polynomial, RecordShare};
use super::transport::{KeyServerTransport, TransportError};
use super::tree::{Epoch, NodeId, Window};
use crate::Error;

/// The domain tag of `H2`.
pub const H2_TAG: &[u8] = b"credkit-abe epoch H2 v1";
/// The domain tag of the record secret.
pub const RECORD_SECRET_TAG: &[u8] = b"credkit-abe epoch record secret v1";

/// What the epoch layer gives the record layer: the epoch key `K_ep` and the record secret
/// derived from the shred secret. Zeroized on drop; `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct EpochSecrets {
    epoch_key: Zeroizing<[u8; 32]>,
    record_secret: Zeroizing<[u8; 32]>,
}

impl EpochSecrets {
    /// `K_ep`: gone when every cover node of the window is erased.
    pub fn epoch_key(&self) -> &[u8; 32] {
        &self.epoch_key
    }

    /// The record secret: gone when the record is shredded (or its window ends).
    pub fn record_secret(&self) -> &[u8; 32] {
        &self.record_secret
    }
}

impl fmt::Debug for EpochSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("EpochSecrets(<redacted>)")
    }
}

/// The capability to shred one record early: 32 random bytes whose digest every server keeps
/// with its record share. Give it only to whoever may destroy the record. Zeroized on drop;
/// `Debug` is redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct ShredToken(Zeroizing<[u8; 32]>);

impl ShredToken {
    /// A token from its bytes (as stored by its holder).
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        ShredToken(Zeroizing::new(bytes))
    }

    /// The token's bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

impl fmt::Debug for ShredToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ShredToken(<redacted>)")
    }
}

/// A sealed record's epoch layer.
#[derive(Debug)]
pub struct Sealed {
    /// The header to store with the record.
    pub header: EpochHeader,
    /// The secrets to derive the record's key from.
    pub secrets: EpochSecrets,
    /// The capability to shred the record early.
    pub shred_token: ShredToken,
    /// The servers that stored their record share, in increasing order.
    pub stored_by: Vec<Identifier>,
}

/// An opened record's epoch layer, with what the client learned about the servers.
#[derive(Debug)]
pub struct Opened {
    /// The record's secrets.
    pub secrets: EpochSecrets,
    /// Servers asked on the way whose answer failed its checks (to report to an operator).
    pub misbehaving: Vec<Identifier>,
    /// Servers asked on the way that could not be reached.
    pub unreachable: Vec<Identifier>,
}

/// Seals with every server storing its record share: [`seal_with_min_stored`] with
/// `min_stored = max_signers`.
///
/// # Errors
/// As [`seal_with_min_stored`].
pub fn seal<T: KeyServerTransport + ?Sized>(
    rng: &mut (impl RngCore + CryptoRng),
    schedule: &Schedule,
    transport: &T,
    record_id: RecordId,
    window: Window,
) -> Result<Sealed, Error> {
    seal_with_min_stored(
        rng,
        schedule,
        transport,
        record_id,
        window,
        schedule.max_signers(),
    )
}

/// Seals the epoch layer of the record `record_id` for `window` (see the module
/// documentation), requiring at least `min_stored` servers to store their record share.
///
/// # Errors
/// [`Error::WindowOutsideHorizon`]; [`Error::Threshold`] unless
/// `min_signers <= min_stored <= max_signers`; [`Error::SealIncomplete`].
pub fn seal_with_min_stored<T: KeyServerTransport + ?Sized>(
    rng: &mut (impl RngCore + CryptoRng),
    schedule: &Schedule,
    transport: &T,
    record_id: RecordId,
    window: Window,
    min_stored: u16,
) -> Result<Sealed, Error> {
    if !schedule.horizon().includes(&window) {
        return Err(Error::WindowOutsideHorizon {
            first: window.first(),
            last: window.last(),
        });
    }
    let (min_signers, max_signers) = (schedule.min_signers(), schedule.max_signers());
    if min_stored < min_signers || min_stored > max_signers {
        return Err(credkit_threshold::Error::InvalidMinSigners {
            min_signers: min_stored,
            max_signers,
        }
        .into());
    }
    let digest = *schedule.digest();

    // The epoch key, masked once per cover node.
    let mut epoch_key = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(epoch_key.as_mut());
    let r = random_nonzero(rng);
    let u = (G1Projective::generator() * r.expose()).to_affine();
    let mut entries = Vec::new();
    for node in schedule.params().cover(window)? {
        let keys = schedule.node_keys(node).ok_or(Error::ScheduleMismatch)?;
        let y = (G1Projective::from(keys.public_key()) * r.expose()).to_affine();
        let mask = h2(
            &digest,
            node,
            &record_id,
            &g1_to_bytes(&u),
            &g1_to_bytes(&y),
        );
        entries.push((node, xor(&epoch_key, &mask)));
    }

    // The shred secret, Pedersen-shared.
    let s_rec = SecretScalar::new(Scalar::random(&mut *rng));
    let blinding = SecretScalar::new(Scalar::random(&mut *rng));
    let f = Polynomial::random(rng, s_rec.clone(), min_signers);
    let g = Polynomial::random(rng, blinding, min_signers);
    let commitments = pedersen(&f, &g)?;
    let mut token = Zeroizing::new([0u8; 32]);
    rng.fill_bytes(token.as_mut());
    let shred_token = ShredToken(token);
    let token_digest = shred_token_digest(shred_token.as_bytes());

    let mut stored_by = Vec::new();
    for server in schedule.servers() {
        let id = server.identifier();
        let share = RecordShare::new(id, share(&f, id), share(&g, id));
        let request = StoreRequest::new(
            digest,
            record_id,
            window,
            token_digest,
            share,
            commitments.clone(),
        );
        if transport.store_record_share(id, &request).is_ok() {
            stored_by.push(id);
        }
    }
    if stored_by.len() < usize::from(min_stored) {
        let request = ShredRequest::new(digest, record_id, shred_token.as_bytes());
        for id in &stored_by {
            // Best effort: the share expires with the window anyway.
            let _ = transport.shred(*id, &request);
        }
        return Err(Error::SealIncomplete {
            // At most max_signers <= u16::MAX servers stored.
            stored: stored_by.len() as u16,
            needed: min_stored,
        });
    }

    let header = EpochHeader::new(
        *schedule.params(),
        digest,
        record_id,
        window,
        u,
        entries,
        commitments,
    );
    Ok(Sealed {
        header,
        secrets: EpochSecrets {
            epoch_key,
            record_secret: record_secret(&digest, &record_id, &s_rec),
        },
        shred_token,
        stored_by,
    })
}

/// Opens a record's epoch layer at `now` (see the module documentation). The result also
/// names the servers that answered wrongly or could not be reached before `min_signers`
/// valid answers were in.
///
/// # Errors
/// [`Error::ScheduleMismatch`] for a header of another schedule; [`Error::NotYetValid`]
/// before the window; [`Error::Expired`] after it, or when more than `max_signers -
/// min_signers` servers say the node is expired (erased); [`Error::Shredded`] when that many
/// say the record was shredded; [`Error::HeaderMismatch`] when that many say the header's
/// record binding is not theirs; otherwise, with fewer than `min_signers` valid answers,
/// [`Error::MisbehavingServers`] naming every server whose answer failed, or
/// [`Error::NotEnoughServers`].
pub fn open<T: KeyServerTransport + ?Sized>(
    schedule: &Schedule,
    transport: &T,
    header: &EpochHeader,
    now: Epoch,
) -> Result<Opened, Error> {
    let digest = *schedule.digest();
    let min_signers = schedule.min_signers();
    if header.schedule_digest() != &digest
        || header.params() != schedule.params()
        || header.commitments().min_signers() != usize::from(min_signers)
    {
        return Err(Error::ScheduleMismatch);
    }
    let window = header.window();
    if now < window.first() {
        return Err(Error::NotYetValid {
            first: window.first(),
        });
    }
    if now > window.last() {
        return Err(Error::Expired {
            last: window.last(),
        });
    }
    let (node, w) = header
        .entries()
        .iter()
        .find(|(node, _)| node.contains(schedule.params(), now))
        .ok_or(Error::HeaderCoverMismatch)?;
    let keys = schedule.node_keys(*node).ok_or(Error::ScheduleMismatch)?;
    let binding = record_binding(&digest, header.record_id(), window, header.commitments());
    let request = PartialRequest::new(digest, *header.record_id(), binding, *node, *header.u())?;

    let mut valid = Vec::with_capacity(usize::from(min_signers));
    let mut culprits = Vec::new();
    let mut unreachable = Vec::new();
    let mut refused = Vec::new();
    for server in schedule.servers() {
        if valid.len() == usize::from(min_signers) {
            break;
        }
        let id = server.identifier();
        match transport.partial_decrypt(id, &request) {
            Ok(response) => {
                let instance = DleqInstance {
                    schedule: digest,
                    node: *node,
                    server: id,
                    u: *header.u(),
                    p: keys.verification_share(id),
                    z: *response.z(),
                };
                if response.server() == id
                    && response.node() == *node
                    && response.record_id() == header.record_id()
                    && response.proof().verify(&instance).is_ok()
                    && response.record_share().verify(header.commitments())
                {
                    valid.push(response);
                } else {
                    culprits.push(id);
                }
            }
            Err(TransportError::Unreachable) => unreachable.push(id),
            Err(TransportError::Refused(reason)) => refused.push((id, reason)),
            Err(TransportError::MalformedAnswer) => culprits.push(id),
        }
    }

    if valid.len() < usize::from(min_signers) {
        let tolerated = usize::from(schedule.max_signers() - min_signers);
        let count = |reason| refused.iter().filter(|(_, r)| *r == reason).count();
        if count(ServerError::RecordShredded) > tolerated {
            return Err(Error::Shredded);
        }
        if count(ServerError::NodeExpired) > tolerated {
            return Err(Error::Expired {
                last: window.last(),
            });
        }
        if count(ServerError::RecordMismatch) > tolerated {
            return Err(Error::HeaderMismatch);
        }
        if !culprits.is_empty() {
            return Err(Error::MisbehavingServers(culprits));
        }
        return Err(Error::NotEnoughServers {
            needed: min_signers,
            // Fewer than min_signers.
            valid: valid.len() as u16,
            unreachable,
            refused,
        });
    }

    let ids: Vec<Identifier> = valid.iter().map(|r| r.server()).collect();
    let lambdas = lagrange_coefficients(&ids);
    let zs: Vec<G1Projective> = valid.iter().map(|r| G1Projective::from(r.z())).collect();
    let z = ct_multi_exp(&zs, &lambdas)?.to_affine();
    let s_rec = SecretScalar::new(
        valid
            .iter()
            .zip(&lambdas)
            .fold(Scalar::ZERO, |acc, (r, l)| {
                acc + r.record_share().value().expose() * l
            }),
    );
    let mask = h2(
        &digest,
        *node,
        header.record_id(),
        &g1_to_bytes(header.u()),
        &g1_to_bytes(&z),
    );
    Ok(Opened {
        secrets: EpochSecrets {
            epoch_key: Zeroizing::new(xor(w, &mask)),
            record_secret: record_secret(&digest, header.record_id(), &s_rec),
        },
        misbehaving: culprits,
        unreachable,
    })
}

/// Shreds the record `record_id` on every server, with its shred token, and returns the
/// valid deletion statements (each checked against the schedule).
///
/// # Errors
/// [`Error::ShredIncomplete`] when fewer than `max_signers - min_signers + 1` servers
/// confirmed with a valid statement.
pub fn shred<T: KeyServerTransport + ?Sized>(
    schedule: &Schedule,
    transport: &T,
    record_id: RecordId,
    token: &ShredToken,
) -> Result<Vec<DeletionStatement>, Error> {
    let request = ShredRequest::new(*schedule.digest(), record_id, token.as_bytes());
    let mut confirmed = Vec::new();
    for server in schedule.servers() {
        let id = server.identifier();
        let Ok(statement) = transport.shred(id, &request) else {
            continue;
        };
        if statement.server() == id
            && statement.subject() == DeletionSubject::Record(record_id)
            && statement.reason() == DeletionReason::Shredded
            && schedule.verify_statement(&statement).is_ok()
        {
            confirmed.push(statement);
        }
    }
    let needed = schedule.max_signers() - schedule.min_signers() + 1;
    if confirmed.len() < usize::from(needed) {
        return Err(Error::ShredIncomplete {
            // At most max_signers.
            confirmed: confirmed.len() as u16,
            needed,
        });
    }
    Ok(confirmed)
}

fn random_nonzero(rng: &mut (impl RngCore + CryptoRng)) -> SecretScalar {
    loop {
        let x = Scalar::random(&mut *rng);
        if !bool::from(x.is_zero()) {
            return SecretScalar::new(x);
        }
    }
}

/// `H2(Y, N, id)` (see the module documentation), zeroized when dropped.
fn h2(
    schedule: &[u8; 32],
    node: NodeId,
    record_id: &RecordId,
    u: &[u8; 48],
    y: &[u8; 48],
) -> Zeroizing<[u8; 32]> {
    let mut prefix = Vec::with_capacity(1 + H2_TAG.len());
    tag(&mut prefix, H2_TAG);
    Zeroizing::new(
        Sha256::new()
            .chain_update(&prefix)
            .chain_update(schedule)
            .chain_update(node.to_bytes())
            .chain_update(record_id)
            .chain_update(u)
            .chain_update(y)
            .finalize()
            .into(),
    )
}

fn record_secret(
    schedule: &[u8; 32],
    record_id: &RecordId,
    s_rec: &SecretScalar,
) -> Zeroizing<[u8; 32]> {
    let mut prefix = Vec::with_capacity(1 + RECORD_SECRET_TAG.len());
    tag(&mut prefix, RECORD_SECRET_TAG);
    let s = Zeroizing::new(scalar_to_bytes(&s_rec.expose()));
    Zeroizing::new(
        Sha256::new()
            .chain_update(&prefix)
            .chain_update(schedule)
            .chain_update(record_id)
            .chain_update(s.as_ref())
            .finalize()
            .into(),
    )
}

fn xor(a: &[u8; 32], b: &[u8; 32]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x ^ y;
    }
    out
}
