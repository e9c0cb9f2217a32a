//! The messages between a client and a key server, with their canonical encodings.
//!
//! Every encoding starts with the version byte `0x01`; integers are big-endian, points
//! compressed G1 (48 bytes), scalars 32 bytes. Decoders check every length, point and scalar
//! and refuse trailing bytes. [`super::LocalServers`] sends every message through these
//! encodings, as the network transport of the next layer will.
//!
//! | message | bytes | layout |
//! |---|---|---|
//! | [`PartialRequest`] | 138 | `0x01 \|\| schedule (32) \|\| record id (16) \|\| record binding (32) \|\| node (9) \|\| U (48)` |
//! | [`PartialResponse`] | 204 | `0x01 \|\| server (2) \|\| record id (16) \|\| node (9) \|\| Z_i (48) \|\| DLEQ proof (64) \|\| f(i) (32) \|\| g(i) (32)` |
//! | [`StoreRequest`] | `165 + 48 t` | `0x01 \|\| schedule (32) \|\| record id (16) \|\| first (8) \|\| last (8) \|\| shred-token digest (32) \|\| record share (66) \|\| t (2) \|\| t x commitment (48)` |
//! | [`ShredRequest`] | 81 | `0x01 \|\| schedule (32) \|\| record id (16) \|\| shred token (32)` |
//!
//! A [`PartialResponse`] and a [`StoreRequest`] carry a record share, and a [`ShredRequest`]
//! a capability: their encodings are [`Zeroizing`], and they must travel on a confidential,
//! authenticated channel.

use core::fmt;

use blstrs::G1Affine;
use credkit_core::encoding::g1_to_bytes;
use credkit_core::SecretScalar;
use credkit_threshold::{Commitments, Identifier};
use group::prime::PrimeCurveAffine;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use super::codec::{tag, Reader, VERSION};
use super::deletion::RecordId;
use super::dleq::DleqProof;
use super::sharing::{read_commitments, write_commitments, RecordShare};
use super::tree::{NodeId, Window};
use crate::Error;

/// The domain tag of the shred token's digest.
pub const SHRED_TOKEN_TAG: &[u8] = b"credkit-abe epoch shred token v1";

/// A request for server `i`'s partial decryption `Z_i = x_(N,i) * U` of a record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialRequest {
    schedule: [u8; 32],
    record_id: RecordId,
    binding: [u8; 32],
    node: NodeId,
    u: G1Affine,
}

impl PartialRequest {
    /// Length of the encoding.
    pub const BYTES: usize = 1 + 32 + 16 + 32 + NodeId::BYTES + 48;

    /// A request for `node`'s partial decryption of `u` for the record `record_id` under the
    /// schedule `schedule`; `binding` is the header's [`record_binding`], which the server
    /// compares with the one of the record it stored.
    ///
    /// # Errors
    /// [`Error::Encoding`] if `u` is the identity or not in the prime-order subgroup.
    pub fn new(
        schedule: [u8; 32],
        record_id: RecordId,
        binding: [u8; 32],
        node: NodeId,
        u: G1Affine,
    ) -> Result<Self, Error> {
        check_point(&u)?;
        Ok(PartialRequest {
            schedule,
            record_id,
            binding,
            node,
            u,
        })
    }

    /// The record binding: what the client believes the servers stored for this record.
    pub fn binding(&self) -> &[u8; 32] {
        &self.binding
    }

    /// The schedule digest.
    pub fn schedule(&self) -> &[u8; 32] {
        &self.schedule
    }

    /// The record.
    pub fn record_id(&self) -> &RecordId {
        &self.record_id
    }

    /// The node asked for.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// The sealer's `U = r * G` (checked: in the subgroup, not the identity).
    pub fn u(&self) -> &G1Affine {
        &self.u
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(Self::BYTES);
        out.push(VERSION);
        out.extend_from_slice(&self.schedule);
        out.extend_from_slice(&self.record_id);
        out.extend_from_slice(&self.binding);
        out.extend_from_slice(&self.node.to_bytes());
        out.extend_from_slice(&g1_to_bytes(&self.u));
        out
    }

    /// Decodes [`PartialRequest::to_bytes`].
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`], [`Error::Encoding`], [`Error::InvalidNode`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::versioned(bytes, "partial request truncated")?;
        let request = PartialRequest {
            schedule: r.array()?,
            record_id: r.array()?,
            binding: r.array()?,
            node: r.node()?,
            u: r.g1()?,
        };
        r.finish()?;
        Ok(request)
    }
}

/// Server `i`'s answer: `Z_i`, its DLEQ proof, and its share of the record's shred secret.
#[derive(Clone, PartialEq, Eq)]
pub struct PartialResponse {
    record_id: RecordId,
    node: NodeId,
    z: G1Affine,
    proof: DleqProof,
    record_share: RecordShare,
}

impl PartialResponse {
    /// Length of the encoding.
    pub const BYTES: usize = 1 + 2 + 16 + NodeId::BYTES + 48 + DleqProof::BYTES + 64;

    /// A response from its parts (the server is the record share's identifier).
    ///
    /// # Errors
    /// [`Error::Encoding`] if `z` is the identity or not in the subgroup.
    pub fn new(
        record_id: RecordId,
        node: NodeId,
        z: G1Affine,
        proof: DleqProof,
        record_share: RecordShare,
    ) -> Result<Self, Error> {
        check_point(&z)?;
        Ok(PartialResponse {
            record_id,
            node,
            z,
            proof,
            record_share,
        })
    }

    /// The server that answered.
    pub fn server(&self) -> Identifier {
        self.record_share.identifier()
    }

    /// The record.
    pub fn record_id(&self) -> &RecordId {
        &self.record_id
    }

    /// The node.
    pub fn node(&self) -> NodeId {
        self.node
    }

    /// `Z_i = x_(N,i) * U`.
    pub fn z(&self) -> &G1Affine {
        &self.z
    }

    /// The DLEQ proof of `Z_i` against `P_(N,i)`.
    pub fn proof(&self) -> &DleqProof {
        &self.proof
    }

    /// The server's share of the record's shred secret.
    pub fn record_share(&self) -> &RecordShare {
        &self.record_share
    }

    /// A copy with `Z_i` replaced: for tests of misbehaving servers.
    pub(crate) fn with_z(&self, z: G1Affine) -> Self {
        PartialResponse { z, ..self.clone() }
    }

    /// A copy with the record share replaced: for tests of misbehaving servers.
    pub(crate) fn with_record_share(&self, record_share: RecordShare) -> Self {
        PartialResponse {
            record_share,
            ..self.clone()
        }
    }

    /// The encoding (see the module documentation), zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(Self::BYTES));
        out.push(VERSION);
        out.extend_from_slice(&self.server().get().to_be_bytes());
        out.extend_from_slice(&self.record_id);
        out.extend_from_slice(&self.node.to_bytes());
        out.extend_from_slice(&g1_to_bytes(&self.z));
        out.extend_from_slice(&self.proof.to_bytes());
        out.extend_from_slice(&self.record_share.to_bytes()[2..]);
        out
    }

    /// Decodes [`PartialResponse::to_bytes`].
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`], [`Error::Encoding`], [`Error::InvalidNode`],
    /// [`Error::Threshold`] (identifier zero).
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::versioned(bytes, "partial response truncated")?;
        let server = r.identifier()?;
        let record_id = r.array()?;
        let node = r.node()?;
        let z = r.g1()?;
        let proof = DleqProof::from_bytes(r.take(DleqProof::BYTES)?)?;
        let value = SecretScalar::new(r.scalar()?);
        let blinding = SecretScalar::new(r.scalar()?);
        r.finish()?;
        Ok(PartialResponse {
            record_id,
            node,
            z,
            proof,
            record_share: RecordShare::new(server, value, blinding),
        })
    }
}

impl fmt::Debug for PartialResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PartialResponse")
            .field("server", &self.server())
            .field("node", &self.node)
            .finish_non_exhaustive()
    }
}

/// A sealer's request that server `i` keep its share of a record's shred secret until the
/// record's window ends (or the record is shredded).
#[derive(Clone, PartialEq, Eq)]
pub struct StoreRequest {
    schedule: [u8; 32],
    record_id: RecordId,
    window: Window,
    shred_digest: [u8; 32],
    share: RecordShare,
    commitments: Commitments,
}

impl StoreRequest {
    pub(crate) fn new(
        schedule: [u8; 32],
        record_id: RecordId,
        window: Window,
        shred_digest: [u8; 32],
        share: RecordShare,
        commitments: Commitments,
    ) -> Self {
        StoreRequest {
            schedule,
            record_id,
            window,
            shred_digest,
            share,
            commitments,
        }
    }

    /// The schedule digest.
    pub fn schedule(&self) -> &[u8; 32] {
        &self.schedule
    }

    /// The record.
    pub fn record_id(&self) -> &RecordId {
        &self.record_id
    }

    /// The record's window: the share is erased when it ends.
    pub fn window(&self) -> Window {
        self.window
    }

    /// The digest of the record's shred token ([`shred_token_digest`]).
    pub fn shred_digest(&self) -> &[u8; 32] {
        &self.shred_digest
    }

    /// The share for the addressed server.
    pub fn share(&self) -> &RecordShare {
        &self.share
    }

    /// The record's Pedersen commitments (as in its header), against which the server checks
    /// its share.
    pub fn commitments(&self) -> &Commitments {
        &self.commitments
    }

    /// The encoding (see the module documentation), zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(
            165 + 48 * self.commitments.points().len(),
        ));
        out.push(VERSION);
        out.extend_from_slice(&self.schedule);
        out.extend_from_slice(&self.record_id);
        out.extend_from_slice(&self.window.first().0.to_be_bytes());
        out.extend_from_slice(&self.window.last().0.to_be_bytes());
        out.extend_from_slice(&self.shred_digest);
        self.share.write(&mut out);
        write_commitments(&mut out, &self.commitments);
        out
    }

    /// Decodes [`StoreRequest::to_bytes`].
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`], [`Error::Encoding`], [`Error::WindowReversed`],
    /// [`Error::Threshold`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::versioned(bytes, "store request truncated")?;
        let schedule = r.array()?;
        let record_id = r.array()?;
        let window = Window::new(r.epoch()?, r.epoch()?)?;
        let shred_digest = r.array()?;
        let share = RecordShare::read(&mut r)?;
        let commitments = read_commitments(&mut r)?;
        r.finish()?;
        Ok(StoreRequest {
            schedule,
            record_id,
            window,
            shred_digest,
            share,
            commitments,
        })
    }
}

impl fmt::Debug for StoreRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StoreRequest")
            .field("record_id", &self.record_id)
            .field("window", &self.window)
            .field("share", &self.share)
            .finish_non_exhaustive()
    }
}

/// A request to shred a record early, carrying the record's shred token.
#[derive(Clone, PartialEq, Eq)]
pub struct ShredRequest {
    schedule: [u8; 32],
    record_id: RecordId,
    token: Zeroizing<[u8; 32]>,
}

impl ShredRequest {
    /// Length of the encoding.
    pub const BYTES: usize = 1 + 32 + 16 + 32;

    /// A request to shred `record_id`, authorized by its shred token (from
    /// [`super::Sealed::shred_token`]).
    pub fn new(schedule: [u8; 32], record_id: RecordId, token: &[u8; 32]) -> Self {
        ShredRequest {
            schedule,
            record_id,
            token: Zeroizing::new(*token),
        }
    }

    /// The schedule digest.
    pub fn schedule(&self) -> &[u8; 32] {
        &self.schedule
    }

    /// The record.
    pub fn record_id(&self) -> &RecordId {
        &self.record_id
    }

    /// Whether the token's digest is `digest` (constant time).
    pub(crate) fn authorizes(&self, digest: &[u8; 32]) -> bool {
        bool::from(shred_token_digest(&self.token).ct_eq(digest))
    }

    /// The encoding (see the module documentation), zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(Self::BYTES));
        out.push(VERSION);
        out.extend_from_slice(&self.schedule);
        out.extend_from_slice(&self.record_id);
        out.extend_from_slice(self.token.as_ref());
        out
    }

    /// Decodes [`ShredRequest::to_bytes`].
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::versioned(bytes, "shred request truncated")?;
        let request = ShredRequest {
            schedule: r.array()?,
            record_id: r.array()?,
            token: Zeroizing::new(r.array()?),
        };
        r.finish()?;
        Ok(request)
    }
}

impl fmt::Debug for ShredRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ShredRequest")
            .field("record_id", &self.record_id)
            .finish_non_exhaustive()
    }
}

/// The domain tag of the record binding.
pub const RECORD_BINDING_TAG: &[u8] = b"credkit-abe epoch record binding v1";

/// `SHA-256(0x23 || "credkit-abe epoch record binding v1" || schedule || record id || first
/// (8) || last (8) || t (2) || t x commitment (48))`: what a server knows of a record, computed
/// alike by the server from its store request and by a reader from the header. A server
/// answers only requests that carry its record's binding, so that a header whose window or
/// commitments were altered is refused ([`super::ServerError::RecordMismatch`]) instead of
/// making honest servers' shares look wrong.
pub fn record_binding(
    schedule: &[u8; 32],
    record_id: &RecordId,
    window: Window,
    commitments: &Commitments,
) -> [u8; 32] {
    let mut bytes = Vec::with_capacity(128 + 48 * commitments.points().len());
    tag(&mut bytes, RECORD_BINDING_TAG);
    bytes.extend_from_slice(schedule);
    bytes.extend_from_slice(record_id);
    bytes.extend_from_slice(&window.first().0.to_be_bytes());
    bytes.extend_from_slice(&window.last().0.to_be_bytes());
    write_commitments(&mut bytes, commitments);
    Sha256::digest(&bytes).into()
}

/// `SHA-256(0x20 || "credkit-abe epoch shred token v1" || token)`: what a server stores to
/// recognize a record's shred token.
pub fn shred_token_digest(token: &[u8; 32]) -> [u8; 32] {
    let mut prefix = Vec::with_capacity(1 + SHRED_TOKEN_TAG.len());
    tag(&mut prefix, SHRED_TOKEN_TAG);
    Sha256::new()
        .chain_update(&prefix)
        .chain_update(token)
        .finalize()
        .into()
}

/// A point received or about to be sent: in the subgroup and not the identity.
pub(crate) fn check_point(point: &G1Affine) -> Result<(), Error> {
    if bool::from(point.is_identity()) {
        return Err(Error::Encoding(credkit_core::Error::IdentityPoint));
    }
    if !bool::from(point.is_torsion_free()) {
        return Err(Error::Encoding(credkit_core::Error::PointNotInSubgroup));
    }
    Ok(())
}
