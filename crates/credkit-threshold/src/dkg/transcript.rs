//! The one door through which DKG data enters a Fiat–Shamir transcript.
//!
//! Every transcript starts with the versioned domain label [`DOMAIN`] and then names its step
//! (`session`, `proof-of-knowledge`, `confirmation`), so that no two uses of merlin in this
//! module can be confused with each other or with another protocol. Variable-length lists are
//! preceded by their length; merlin frames each message with its own length.

use blstrs::{G1Affine, Scalar};
use credkit_core::encoding::{g1_to_bytes, scalar_to_bytes};
use credkit_core::{scalar_from_okm, HASH_TO_SCALAR_EXPAND_LEN};
use merlin::Transcript;

use crate::{Commitments, Identifier};

/// The domain label of every DKG transcript. Bump the version with any change to what is
/// absorbed or in which order.
pub(crate) const DOMAIN: &[u8] = b"credkit-threshold/dkg/v1";

/// A fresh transcript for one step of the DKG.
pub(crate) fn transcript(step: &'static [u8]) -> Transcript {
    let mut transcript = Transcript::new(DOMAIN);
    transcript.append_message(b"step", step);
    transcript
}

/// Typed appends for the DKG's objects (the bulletproofs `TranscriptProtocol` pattern).
pub(crate) trait TranscriptProtocol {
    /// A length or count.
    fn append_len(&mut self, label: &'static [u8], len: usize);
    /// A member identifier, as two big-endian bytes.
    fn append_identifier(&mut self, label: &'static [u8], identifier: Identifier);
    /// A G1 point, compressed.
    fn append_point(&mut self, label: &'static [u8], point: &G1Affine);
    /// A scalar, 32 big-endian bytes.
    fn append_scalar(&mut self, label: &'static [u8], scalar: &Scalar);
    /// Feldman commitments: their count, then each point.
    fn append_commitments(&mut self, label: &'static [u8], commitments: &Commitments);
    /// A challenge scalar: 48 bytes reduced modulo `r` (bias below 2^-128).
    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar;
}

impl TranscriptProtocol for Transcript {
    fn append_len(&mut self, label: &'static [u8], len: usize) {
        self.append_u64(label, len as u64);
    }

    fn append_identifier(&mut self, label: &'static [u8], identifier: Identifier) {
        self.append_message(label, &identifier.get().to_be_bytes());
    }

    fn append_point(&mut self, label: &'static [u8], point: &G1Affine) {
        self.append_message(label, &g1_to_bytes(point));
    }

    fn append_scalar(&mut self, label: &'static [u8], scalar: &Scalar) {
        self.append_message(label, &scalar_to_bytes(scalar));
    }

    fn append_commitments(&mut self, label: &'static [u8], commitments: &Commitments) {
        self.append_len(label, commitments.points().len());
        for point in commitments.points() {
            self.append_point(b"commitment", point);
        }
    }

    fn challenge_scalar(&mut self, label: &'static [u8]) -> Scalar {
        let mut okm = [0u8; HASH_TO_SCALAR_EXPAND_LEN];
        self.challenge_bytes(label, &mut okm);
        scalar_from_okm(&okm)
    }
}
