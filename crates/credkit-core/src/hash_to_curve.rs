//! Hashing to BLS12-381 G1 and G2 ([RFC 9380](https://www.rfc-editor.org/rfc/rfc9380)).
//!
//! - `BLS12381G1_XMD:SHA-256_SSWU_RO_` and `BLS12381G2_XMD:SHA-256_SSWU_RO_` (RFC 9380,
//!   sections 8.8.1 and 8.8.2) run in blst, the fastest implementation.
//! - `BLS12381G1_XOF:SHAKE-256_SSWU_RO_`, which the BBS draft defines in its appendix A.1, runs
//!   the pure-Rust SSWU map and cofactor clearing of [`bls12_381`] over our own
//!   [`XofShake256`] expander; blst has no SHAKE-256.
//! - The non-uniform `encode_to_curve` variants (`_NU_`) are provided for completeness, also
//!   through [`bls12_381`].
//!
//! All of these are constant time in the message.
//!
//! ```
//! use credkit_core::hash_to_curve::{hash_to_g1_xmd_sha256, hash_to_g1_xof_shake256};
//! use credkit_core::curve::{G1Affine, Group};
//!
//! let p = hash_to_g1_xmd_sha256(b"msg", b"MY-APP-V1_");
//! let q = hash_to_g1_xof_shake256(b"msg", b"MY-APP-V1_");
//! assert!(!bool::from(p.is_identity()));
//! assert_ne!(G1Affine::from(p), G1Affine::from(q));
//! ```

use core::marker::PhantomData;

use bls12_381::hash_to_curve::{ExpandMessageState, HashToCurve, InitExpandMessage};
use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective};

use crate::expand_message::{ExpandMessage, XmdSha256, XofShake256};

/// `hash_to_curve` with suite `BLS12381G1_XMD:SHA-256_SSWU_RO_` (RFC 9380, section 8.8.1).
pub fn hash_to_g1_xmd_sha256(msg: &[u8], dst: &[u8]) -> G1Projective {
    G1Projective::hash_to_curve(msg, dst, &[])
}

/// `hash_to_curve` with suite `BLS12381G2_XMD:SHA-256_SSWU_RO_` (RFC 9380, section 8.8.2).
pub fn hash_to_g2_xmd_sha256(msg: &[u8], dst: &[u8]) -> G2Projective {
    G2Projective::hash_to_curve(msg, dst, &[])
}

/// `hash_to_curve` with suite `BLS12381G1_XOF:SHAKE-256_SSWU_RO_`
/// (draft-irtf-cfrg-bbs-signatures, appendix A.1).
pub fn hash_to_g1_xof_shake256(msg: &[u8], dst: &[u8]) -> G1Projective {
    let p = <bls12_381::G1Projective as HashToCurve<Bls12381Expander<XofShake256>>>::hash_to_curve(
        msg, dst,
    );
    g1_from_bls12_381(&p)
}

/// `encode_to_curve` with suite `BLS12381G1_XMD:SHA-256_SSWU_NU_` (RFC 9380, section 8.8.1).
/// Not a random oracle: prefer [`hash_to_g1_xmd_sha256`].
pub fn encode_to_g1_xmd_sha256(msg: &[u8], dst: &[u8]) -> G1Projective {
    let p = <bls12_381::G1Projective as HashToCurve<Bls12381Expander<XmdSha256>>>::encode_to_curve(
        msg, dst,
    );
    g1_from_bls12_381(&p)
}

/// `encode_to_curve` with suite `BLS12381G2_XMD:SHA-256_SSWU_NU_` (RFC 9380, section 8.8.2).
/// Not a random oracle: prefer [`hash_to_g2_xmd_sha256`].
pub fn encode_to_g2_xmd_sha256(msg: &[u8], dst: &[u8]) -> G2Projective {
    let p = <bls12_381::G2Projective as HashToCurve<Bls12381Expander<XmdSha256>>>::encode_to_curve(
        msg, dst,
    );
    let bytes = bls12_381::G2Affine::from(p).to_uncompressed();
    // Invariant: the point came out of bls12_381's cofactor clearing, so it is a valid
    // subgroup point and both libraries share the ZCash uncompressed encoding.
    Option::<G2Affine>::from(G2Affine::from_uncompressed(&bytes))
        .map(G2Projective::from)
        .unwrap_or_else(G2Projective::identity_unreachable)
}

/// Moves a point from the pure-Rust backend to blstrs through the shared uncompressed encoding.
fn g1_from_bls12_381(p: &bls12_381::G1Projective) -> G1Projective {
    let bytes = bls12_381::G1Affine::from(p).to_uncompressed();
    // Invariant: as in `encode_to_g2_xmd_sha256`, the encoding is of a valid subgroup point.
    Option::<G1Affine>::from(G1Affine::from_uncompressed(&bytes))
        .map(G1Projective::from)
        .unwrap_or_else(G1Projective::identity_unreachable)
}

/// Fallback for conversions that cannot fail; returns the identity rather than panicking.
trait IdentityUnreachable {
    fn identity_unreachable() -> Self;
}
impl IdentityUnreachable for G1Projective {
    fn identity_unreachable() -> Self {
        debug_assert!(false, "bls12_381 produced a point blstrs rejects");
        <G1Projective as group::Group>::identity()
    }
}
impl IdentityUnreachable for G2Projective {
    fn identity_unreachable() -> Self {
        debug_assert!(false, "bls12_381 produced a point blstrs rejects");
        <G2Projective as group::Group>::identity()
    }
}

/// Plugs one of our [`ExpandMessage`] implementations into `bls12_381`'s `hash_to_field`,
/// so that the pure-Rust map runs over the expander tested against RFC 9380's vectors.
struct Bls12381Expander<X>(PhantomData<X>);

/// The expanded bytes, read out by `bls12_381`'s `hash_to_field`.
struct ExpandedBytes {
    bytes: Vec<u8>,
    read: usize,
}

impl<'x, X: ExpandMessage> InitExpandMessage<'x> for Bls12381Expander<X> {
    type Expander = ExpandedBytes;

    fn init_expand(message: &[u8], dst: &'x [u8], len_in_bytes: usize) -> ExpandedBytes {
        let mut bytes = vec![0u8; len_in_bytes];
        // Invariant: hash_to_field asks for at most 2 * 128 bytes, far below every limit of
        // expand_message, so this cannot fail; on failure the bytes stay zero.
        let expanded = X::expand_message(&[message], dst, &mut bytes);
        debug_assert!(expanded.is_ok());
        ExpandedBytes { bytes, read: 0 }
    }
}

impl ExpandMessageState<'_> for ExpandedBytes {
    fn read_into(&mut self, output: &mut [u8]) -> usize {
        let n = output.len().min(self.remain());
        output[..n].copy_from_slice(&self.bytes[self.read..self.read + n]);
        self.read += n;
        n
    }

    fn remain(&self) -> usize {
        self.bytes.len() - self.read
    }
}
