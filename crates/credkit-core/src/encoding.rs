//! Canonical encodings of scalars, points and integers.
//!
//! Scalars are 32-byte big-endian integers below the group order `r`; points use the
//! compressed ZCash encoding of BLS12-381 (draft-irtf-cfrg-pairing-friendly-curves,
//! appendix C), 48 bytes in G1 and 96 in G2. Every decoder checks, in this order and each with
//! its own [`Error`]: the length, the encoding (flag bits, coordinates below the field modulus,
//! a point on the curve), membership in the prime-order subgroup, and, where the caller asks,
//! that the point is not the identity. A decoded value re-encodes to exactly its input bytes.
//!
//! ```
//! use credkit_core::{encoding, Error};
//! use credkit_core::curve::{G1Affine, PrimeCurveAffine};
//!
//! let g = G1Affine::generator();
//! let bytes = encoding::g1_to_bytes(&g);
//! assert_eq!(encoding::g1_from_bytes(&bytes)?, g);
//!
//! // The identity is rejected where the specification forbids it...
//! let identity = encoding::g1_to_bytes(&G1Affine::identity());
//! assert_eq!(encoding::g1_from_bytes(&identity), Err(Error::IdentityPoint));
//! // ...and a scalar must be below the group order.
//! assert_eq!(encoding::scalar_from_bytes(&[0xff; 32]), Err(Error::NonCanonicalScalar));
//! # Ok::<(), Error>(())
//! ```

use blstrs::{G1Affine, G2Affine, Scalar};
use group::prime::PrimeCurveAffine;

use crate::Error;

/// Length of an encoded scalar (`octet_scalar_length`).
pub const SCALAR_LEN: usize = 32;
/// Length of a compressed G1 point (`octet_point_length`).
pub const G1_LEN: usize = 48;
/// Length of a compressed G2 point.
pub const G2_LEN: usize = 96;

/// `I2OSP(n, 8)`: a non-negative integer as 8 big-endian bytes.
pub fn i2osp8(n: u64) -> [u8; 8] {
    n.to_be_bytes()
}

/// A scalar as 32 big-endian bytes (`I2OSP(s, octet_scalar_length)`).
pub fn scalar_to_bytes(s: &Scalar) -> [u8; SCALAR_LEN] {
    s.to_bytes_be()
}

/// Decodes a canonical scalar (zero allowed).
///
/// # Errors
/// [`Error::InvalidLength`] unless 32 bytes; [`Error::NonCanonicalScalar`] if the value is at
/// least `r`.
pub fn scalar_from_bytes(bytes: &[u8]) -> Result<Scalar, Error> {
    let array: &[u8; SCALAR_LEN] = bytes.try_into().map_err(|_| Error::InvalidLength {
        expected: SCALAR_LEN,
        found: bytes.len(),
    })?;
    Option::from(Scalar::from_bytes_be(array)).ok_or(Error::NonCanonicalScalar)
}

/// Decodes a canonical, nonzero scalar (the range 1 to r - 1 the BBS draft asks for).
///
/// # Errors
/// As [`scalar_from_bytes`], and [`Error::ZeroScalar`] for zero.
pub fn nonzero_scalar_from_bytes(bytes: &[u8]) -> Result<Scalar, Error> {
    let s = scalar_from_bytes(bytes)?;
    if bool::from(ff::Field::is_zero(&s)) {
        return Err(Error::ZeroScalar);
    }
    Ok(s)
}

/// Compressed encoding of a G1 point (`point_to_octets_E1`).
pub fn g1_to_bytes(p: &G1Affine) -> [u8; G1_LEN] {
    p.to_compressed()
}

/// Compressed encoding of a G2 point (`point_to_octets_E2`).
pub fn g2_to_bytes(p: &G2Affine) -> [u8; G2_LEN] {
    p.to_compressed()
}

/// Decodes a compressed G1 point in the prime-order subgroup, rejecting the identity.
///
/// # Errors
/// [`Error::InvalidLength`], [`Error::InvalidPointEncoding`], [`Error::PointNotInSubgroup`],
/// [`Error::IdentityPoint`].
pub fn g1_from_bytes(bytes: &[u8]) -> Result<G1Affine, Error> {
    reject_identity(g1_from_bytes_allow_identity(bytes)?)
}

/// Decodes a compressed G1 point in the prime-order subgroup; the identity is accepted.
///
/// # Errors
/// [`Error::InvalidLength`], [`Error::InvalidPointEncoding`], [`Error::PointNotInSubgroup`].
pub fn g1_from_bytes_allow_identity(bytes: &[u8]) -> Result<G1Affine, Error> {
    let array: &[u8; G1_LEN] = bytes.try_into().map_err(|_| Error::InvalidLength {
        expected: G1_LEN,
        found: bytes.len(),
    })?;
    let p: G1Affine = Option::from(G1Affine::from_compressed_unchecked(array))
        .ok_or(Error::InvalidPointEncoding)?;
    check_point(
        p.is_on_curve().into(),
        p.is_torsion_free().into(),
        &p.to_compressed()[..],
        bytes,
    )?;
    Ok(p)
}

/// Decodes a compressed G2 point in the prime-order subgroup, rejecting the identity.
///
/// # Errors
/// [`Error::InvalidLength`], [`Error::InvalidPointEncoding`], [`Error::PointNotInSubgroup`],
/// [`Error::IdentityPoint`].
pub fn g2_from_bytes(bytes: &[u8]) -> Result<G2Affine, Error> {
    reject_identity(g2_from_bytes_allow_identity(bytes)?)
}

/// Decodes a compressed G2 point in the prime-order subgroup; the identity is accepted.
///
/// # Errors
/// [`Error::InvalidLength`], [`Error::InvalidPointEncoding`], [`Error::PointNotInSubgroup`].
pub fn g2_from_bytes_allow_identity(bytes: &[u8]) -> Result<G2Affine, Error> {
    let array: &[u8; G2_LEN] = bytes.try_into().map_err(|_| Error::InvalidLength {
        expected: G2_LEN,
        found: bytes.len(),
    })?;
    let p: G2Affine = Option::from(G2Affine::from_compressed_unchecked(array))
        .ok_or(Error::InvalidPointEncoding)?;
    check_point(
        p.is_on_curve().into(),
        p.is_torsion_free().into(),
        &p.to_compressed()[..],
        bytes,
    )?;
    Ok(p)
}

/// The checks shared by both groups, after decompression succeeded.
fn check_point(
    on_curve: bool,
    torsion_free: bool,
    reencoded: &[u8],
    input: &[u8],
) -> Result<(), Error> {
    // blst decompresses only to points on the curve and rejects coordinates >= p; both checks
    // are repeated here so that this function's contract does not rest on that detail.
    if !on_curve || reencoded != input {
        return Err(Error::InvalidPointEncoding);
    }
    if !torsion_free {
        return Err(Error::PointNotInSubgroup);
    }
    Ok(())
}

fn reject_identity<P: PrimeCurveAffine>(p: P) -> Result<P, Error> {
    if bool::from(p.is_identity()) {
        return Err(Error::IdentityPoint);
    }
    Ok(p)
}
