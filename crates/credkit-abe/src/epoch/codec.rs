//! The byte reader behind every decoder of the epoch service: fixed-size fields, no
//! trailing bytes, and each point and scalar through credkit-core's checked decoders.

use blstrs::{G1Affine, Scalar};
use credkit_core::encoding::{g1_from_bytes, scalar_from_bytes, G1_LEN, SCALAR_LEN};
use credkit_threshold::Identifier;

use super::tree::{Epoch, NodeId, TreeParams};
use crate::Error;

/// The version byte that starts every encoding of the epoch service.
pub(crate) const VERSION: u8 = 1;

/// A cursor over untrusted bytes; `what` names the structure in errors.
pub(crate) struct Reader<'a> {
    bytes: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    /// A reader that first checks the version byte.
    pub(crate) fn versioned(bytes: &'a [u8], what: &'static str) -> Result<Self, Error> {
        let mut reader = Reader { bytes, what };
        if reader.u8()? != VERSION {
            return Err(Error::MalformedEpochEncoding("unsupported version"));
        }
        Ok(reader)
    }

    pub(crate) fn take(&mut self, n: usize) -> Result<&'a [u8], Error> {
        if self.bytes.len() < n {
            return Err(Error::MalformedEpochEncoding(self.what));
        }
        let (head, tail) = self.bytes.split_at(n);
        self.bytes = tail;
        Ok(head)
    }

    pub(crate) fn array<const N: usize>(&mut self) -> Result<[u8; N], Error> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Error> {
        Ok(self.array::<1>()?[0])
    }

    pub(crate) fn u16(&mut self) -> Result<u16, Error> {
        Ok(u16::from_be_bytes(self.array()?))
    }

    pub(crate) fn u32(&mut self) -> Result<u32, Error> {
        Ok(u32::from_be_bytes(self.array()?))
    }

    pub(crate) fn epoch(&mut self) -> Result<Epoch, Error> {
        Ok(Epoch(u64::from_be_bytes(self.array()?)))
    }

    pub(crate) fn identifier(&mut self) -> Result<Identifier, Error> {
        Ok(Identifier::new(self.u16()?)?)
    }

    pub(crate) fn node(&mut self) -> Result<NodeId, Error> {
        NodeId::from_bytes(self.take(NodeId::BYTES)?)
    }

    pub(crate) fn params(&mut self) -> Result<TreeParams, Error> {
        TreeParams::from_bytes(self.take(TreeParams::BYTES)?)
    }

    /// A G1 point: canonical, in the subgroup, not the identity.
    pub(crate) fn g1(&mut self) -> Result<G1Affine, Error> {
        Ok(g1_from_bytes(self.take(G1_LEN)?)?)
    }

    /// A canonical scalar (zero allowed).
    pub(crate) fn scalar(&mut self) -> Result<Scalar, Error> {
        Ok(scalar_from_bytes(self.take(SCALAR_LEN)?)?)
    }

    /// How many bytes are left.
    pub(crate) fn remaining(&self) -> usize {
        self.bytes.len()
    }

    /// The end: trailing bytes are an error.
    pub(crate) fn finish(self) -> Result<(), Error> {
        if self.bytes.is_empty() {
            Ok(())
        } else {
            Err(Error::MalformedEpochEncoding("trailing bytes"))
        }
    }
}

/// Appends a domain tag, preceded by its length (one byte), so that no tag is a prefix of
/// another's input.
pub(crate) fn tag(out: &mut Vec<u8>, tag: &[u8]) {
    // Every tag of this module is a short constant.
    debug_assert!(tag.len() < 256);
    out.push(tag.len() as u8);
    out.extend_from_slice(tag);
}
