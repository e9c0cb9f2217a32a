//! Signed deletion statements: a key server's record of what it erased, when and why.
//!
//! A statement is signed with the server's BLS key (credkit-threshold's IETF BLS, min-pk,
//! proof-of-possession ciphersuite) over the canonical bytes
//!
//! ```text
//! 0x1d || "credkit-abe epoch deletion v1" || schedule digest (32) || server (2)
//!      || kind (1: 0x01 node, 0x02 record) || node (9) or record id (16)
//!      || epoch (8, big-endian) || reason (1: 0x01 expired, 0x02 shredded)
//! ```
//!
//! and encoded as `0x01 (version) || the same bytes from the schedule digest on || signature
//! (96)`. A statement proves that the server *said* it erased the secret; no protocol can
//! prove that a copy does not exist elsewhere (SPEC.md §6.3.8, trust assumptions).

use credkit_core::encoding::G2_LEN;
use credkit_threshold::bls::{PublicKey, SecretKey, Signature};
use credkit_threshold::Identifier;

use super::codec::{tag, Reader, VERSION};
use super::tree::{Epoch, NodeId};
use crate::Error;

/// A record's identifier, chosen by the sealer (16 random bytes are the safe choice).
pub type RecordId = [u8; 16];

/// The domain tag of deletion statements.
pub const DELETION_TAG: &[u8] = b"credkit-abe epoch deletion v1";

/// What was erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeletionSubject {
    /// The server's share of a node secret.
    Node(NodeId),
    /// The server's share of a record's shred secret.
    Record(RecordId),
}

/// Why it was erased.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum DeletionReason {
    /// The node's range, or the record's window, ended.
    Expired,
    /// The record was shredded early on request.
    Shredded,
}

/// A server's signed statement that it erased a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeletionStatement {
    schedule: [u8; 32],
    server: Identifier,
    subject: DeletionSubject,
    epoch: Epoch,
    reason: DeletionReason,
    signature: Signature,
}

impl DeletionStatement {
    /// Signs a statement.
    pub(crate) fn sign(
        key: &SecretKey,
        schedule: [u8; 32],
        server: Identifier,
        subject: DeletionSubject,
        epoch: Epoch,
        reason: DeletionReason,
    ) -> Self {
        let unsigned = Unsigned {
            schedule,
            server,
            subject,
            epoch,
            reason,
        };
        let signature = key.sign(&unsigned.message());
        DeletionStatement {
            schedule,
            server,
            subject,
            epoch,
            reason,
            signature,
        }
    }

    fn unsigned(&self) -> Unsigned {
        Unsigned {
            schedule: self.schedule,
            server: self.server,
            subject: self.subject,
            epoch: self.epoch,
            reason: self.reason,
        }
    }

    /// The schedule digest.
    pub fn schedule(&self) -> &[u8; 32] {
        &self.schedule
    }

    /// The server that erased.
    pub fn server(&self) -> Identifier {
        self.server
    }

    /// What it erased.
    pub fn subject(&self) -> DeletionSubject {
        self.subject
    }

    /// The epoch at which it erased (the caller's `now`).
    pub fn epoch(&self) -> Epoch {
        self.epoch
    }

    /// Why.
    pub fn reason(&self) -> DeletionReason {
        self.reason
    }

    /// The BLS signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The signed bytes (see the module documentation).
    pub fn message(&self) -> Vec<u8> {
        self.unsigned().message()
    }

    /// Checks the signature under `public_key`.
    ///
    /// # Errors
    /// [`Error::InvalidDeletionStatement`].
    pub fn verify(&self, public_key: &PublicKey) -> Result<(), Error> {
        self.signature
            .verify(public_key, &self.message())
            .map_err(|_| Error::InvalidDeletionStatement)
    }

    /// `0x01 || schedule (32) || server (2) || kind (1) || subject || epoch (8) || reason (1)
    /// || signature (96)`.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![VERSION];
        self.unsigned().write_fields(&mut out);
        out.extend_from_slice(&self.signature.to_bytes());
        out
    }

    /// Decodes [`DeletionStatement::to_bytes`] (the signature is decoded, not verified:
    /// [`DeletionStatement::verify`] or [`super::Schedule::verify_statement`]).
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`], [`Error::Encoding`], [`Error::Threshold`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::versioned(bytes, "deletion statement truncated")?;
        let schedule = r.array()?;
        let server = r.identifier()?;
        let subject = match r.u8()? {
            1 => DeletionSubject::Node(r.node()?),
            2 => DeletionSubject::Record(r.array()?),
            _ => return Err(Error::MalformedEpochEncoding("unknown deletion subject")),
        };
        let epoch = r.epoch()?;
        let reason = match r.u8()? {
            1 => DeletionReason::Expired,
            2 => DeletionReason::Shredded,
            _ => return Err(Error::MalformedEpochEncoding("unknown deletion reason")),
        };
        let signature = Signature::from_bytes(r.take(G2_LEN)?)?;
        r.finish()?;
        Ok(DeletionStatement {
            schedule,
            server,
            subject,
            epoch,
            reason,
            signature,
        })
    }
}

/// A statement's fields without the signature.
struct Unsigned {
    schedule: [u8; 32],
    server: Identifier,
    subject: DeletionSubject,
    epoch: Epoch,
    reason: DeletionReason,
}

impl Unsigned {
    fn message(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(1 + DELETION_TAG.len() + 32 + 2 + 1 + 16 + 8 + 1);
        tag(&mut out, DELETION_TAG);
        self.write_fields(&mut out);
        out
    }

    fn write_fields(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(&self.schedule);
        out.extend_from_slice(&self.server.get().to_be_bytes());
        match &self.subject {
            DeletionSubject::Node(node) => {
                out.push(1);
                out.extend_from_slice(&node.to_bytes());
            }
            DeletionSubject::Record(record) => {
                out.push(2);
                out.extend_from_slice(record);
            }
        }
        out.extend_from_slice(&self.epoch.0.to_be_bytes());
        out.push(match self.reason {
            DeletionReason::Expired => 1,
            DeletionReason::Shredded => 2,
        });
    }
}
