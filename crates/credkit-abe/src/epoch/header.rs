//! The epoch header of a sealed record: what a reader needs, with the key servers, to
//! recover the record's epoch key and shred secret.
//!
//! Encoding ([`EpochHeader::to_bytes`]; integers big-endian):
//!
//! ```text
//! 0x01 (version)
//! || depth (1) || origin (8)                       the schedule's tree
//! || schedule digest (32) || record id (16)
//! || first (8) || last (8)                          the window, both included
//! || U (48)                                         r * G, compressed
//! || n (1) || n x [node (9) || w_N (32)]            the cover of the window, in order
//! || t (2) || t x C_k (48)                          Pedersen commitments to the shred secret
//! ```
//!
//! [`EpochHeader::from_bytes`] accepts only this form: a valid tree and a window inside it;
//! `U` and every commitment canonical, in the subgroup and not the identity; exactly the
//! cover of the window, in order (`n <= 78`); `t >= 2`; no trailing bytes. Every decoded
//! header re-encodes to its input. A change to a `w_N` decodes but yields a wrong key,
//! which the record layer's AEAD (whose associated data is the header) refuses.

use blstrs::G1Affine;
use credkit_core::encoding::g1_to_bytes;
use credkit_threshold::Commitments;

use super::codec::{Reader, VERSION};
use super::deletion::RecordId;
use super::sharing::{read_commitments, write_commitments};
use super::tree::{NodeId, TreeParams, Window};
use crate::Error;

/// A sealed record's epoch header. Built by [`super::seal`] or decoded with
/// [`EpochHeader::from_bytes`]: its nodes are always the cover of its window.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EpochHeader {
    params: TreeParams,
    schedule: [u8; 32],
    record_id: RecordId,
    window: Window,
    u: G1Affine,
    /// `(N, w_N)` for the cover of the window, in order.
    entries: Vec<(NodeId, [u8; 32])>,
    commitments: Commitments,
}

impl EpochHeader {
    pub(crate) fn new(
        params: TreeParams,
        schedule: [u8; 32],
        record_id: RecordId,
        window: Window,
        u: G1Affine,
        entries: Vec<(NodeId, [u8; 32])>,
        commitments: Commitments,
    ) -> Self {
        EpochHeader {
            params,
            schedule,
            record_id,
            window,
            u,
            entries,
            commitments,
        }
    }

    /// The schedule's tree.
    pub fn params(&self) -> &TreeParams {
        &self.params
    }

    /// The digest of the schedule the record was sealed under.
    pub fn schedule_digest(&self) -> &[u8; 32] {
        &self.schedule
    }

    /// The record's identifier.
    pub fn record_id(&self) -> &RecordId {
        &self.record_id
    }

    /// The window in which the record can be opened.
    pub fn window(&self) -> Window {
        self.window
    }

    /// `U = r * G`.
    pub fn u(&self) -> &G1Affine {
        &self.u
    }

    /// The cover nodes of the window with their masked keys `w_N`, in order.
    pub fn entries(&self) -> &[(NodeId, [u8; 32])] {
        &self.entries
    }

    /// The Pedersen commitments to the record's shred secret.
    pub fn commitments(&self) -> &Commitments {
        &self.commitments
    }

    /// The encoding (see the module documentation).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            125 + 41 * self.entries.len() + 48 * self.commitments.points().len(),
        );
        out.push(VERSION);
        out.extend_from_slice(&self.params.to_bytes());
        out.extend_from_slice(&self.schedule);
        out.extend_from_slice(&self.record_id);
        out.extend_from_slice(&self.window.first().0.to_be_bytes());
        out.extend_from_slice(&self.window.last().0.to_be_bytes());
        out.extend_from_slice(&g1_to_bytes(&self.u));
        // A cover has at most 2 * 40 - 2 = 78 nodes.
        out.push(self.entries.len() as u8);
        for (node, w) in &self.entries {
            out.extend_from_slice(&node.to_bytes());
            out.extend_from_slice(w);
        }
        write_commitments(&mut out, &self.commitments);
        out
    }

    /// Decodes and checks [`EpochHeader::to_bytes`] (see the module documentation).
    ///
    /// # Errors
    /// [`Error::MalformedEpochEncoding`]; [`Error::Encoding`] for a bad point;
    /// [`Error::InvalidTreeDepth`], [`Error::TreeOverflow`], [`Error::WindowReversed`],
    /// [`Error::WindowOutsideTree`], [`Error::InvalidNode`]; [`Error::HeaderCoverMismatch`]
    /// if the nodes are not the cover of the window.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::versioned(bytes, "epoch header truncated")?;
        let params = r.params()?;
        let schedule = r.array()?;
        let record_id = r.array()?;
        let window = Window::new(r.epoch()?, r.epoch()?)?;
        let cover = params.cover(window)?;
        let u = r.g1()?;
        if usize::from(r.u8()?) != cover.len() {
            return Err(Error::HeaderCoverMismatch);
        }
        let mut entries = Vec::with_capacity(cover.len());
        for expected in cover {
            if r.node()? != expected {
                return Err(Error::HeaderCoverMismatch);
            }
            entries.push((expected, r.array()?));
        }
        let commitments = read_commitments(&mut r)?;
        r.finish()?;
        Ok(EpochHeader {
            params,
            schedule,
            record_id,
            window,
            u,
            entries,
            commitments,
        })
    }
}
