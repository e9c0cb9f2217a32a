//! Shamir sharing for the epoch service: Feldman-committed node secrets and
//! Pedersen-committed record shred secrets.
//!
//! A node secret `x_N` is shared with Feldman commitments `a_k * G` (credkit-threshold's
//! [`Commitments`]), because its public key `P_N = x_N * G = C_0` must be published anyway.
//!
//! A record's shred secret `s_rec` is shared with Pedersen commitments
//! `C_k = a_k * G + b_k * H` (Pedersen, 1991), `H` a generator hashed to the curve whose
//! discrete logarithm nobody knows. The commitments sit in the record's header, where
//! anyone sees them; they are perfectly hiding, so the header says nothing about `s_rec`
//! even to an adversary who later computes discrete logarithms. Once fewer than
//! `min_signers` servers keep their shares, `s_rec` is gone information-theoretically: the
//! early shred survives a future break of the curve, as the design notes ask. (Feldman
//! commitments would have published `s_rec * G`, from which a discrete-log oracle recovers
//! `s_rec`.)

use core::fmt;
use std::sync::OnceLock;

use blstrs::{G1Affine, G1Projective};
use credkit_core::encoding::{scalar_to_bytes, SCALAR_LEN};
use credkit_core::hash_to_curve::hash_to_g1_xmd_sha256;
use credkit_core::msm::ct_multi_exp;
use credkit_core::SecretScalar;
use credkit_threshold::{Commitments, Identifier};
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use zeroize::Zeroizing;

use super::codec::Reader;
use crate::Error;

/// The RFC 9380 domain separation tag of the Pedersen generator `H`.
pub const PEDERSEN_GENERATOR_DST: &[u8] =
    b"credkit-abe epoch shred generator v1 BLS12381G1_XMD:SHA-256_SSWU_RO_";

/// `H = hash_to_G1("H", PEDERSEN_GENERATOR_DST)`: nobody knows `log_G(H)`.
pub fn pedersen_generator() -> G1Affine {
    static H: OnceLock<G1Affine> = OnceLock::new();
    *H.get_or_init(|| hash_to_g1_xmd_sha256(b"H", PEDERSEN_GENERATOR_DST).to_affine())
}

/// The node secrets and shred secrets are shared with credkit-threshold's polynomial, the
/// one Shamir implementation in credkit.
pub(crate) use credkit_threshold::dealer::Polynomial;

/// Pedersen commitments `a_k * G + b_k * H` to `f` (the `a_k`), with `blinding` the
/// polynomial of the `b_k` (of the same degree). Constant time in the coefficients.
pub(crate) fn pedersen(f: &Polynomial, blinding: &Polynomial) -> Result<Commitments, Error> {
    let bases = [G1Projective::generator(), pedersen_generator().into()];
    let projective = f
        .coefficients()
        .iter()
        .zip(blinding.coefficients())
        .map(|(a, b)| ct_multi_exp(&bases, &[a.expose(), b.expose()]))
        .collect::<Result<Vec<_>, _>>()?;
    let mut affine = vec![G1Affine::identity(); projective.len()];
    G1Projective::batch_normalize(&projective, &mut affine);
    Ok(Commitments::new(affine)?)
}

/// `f(i)` as a secret.
pub(crate) fn share(f: &Polynomial, identifier: Identifier) -> SecretScalar {
    SecretScalar::new(f.evaluate(identifier))
}

/// `sum(C_k * x^k)` at `x = identifier` (credkit-threshold's small-`x` Horner evaluation).
/// Variable time: for public points only.
pub(crate) fn vartime_evaluate(commitments: &Commitments, identifier: Identifier) -> G1Affine {
    credkit_threshold::dealer::vartime_evaluate(commitments.points(), identifier.get()).to_affine()
}

/// One server's share of a record's shred secret: `(i, f(i), g(i))` for the Pedersen-shared
/// `s_rec = f(0)` with blinding polynomial `g`. Zeroized on drop; `Debug` is redacted.
///
/// Encoding ([`RecordShare::to_bytes`], 66 bytes): `identifier (2) || f(i) (32) || g(i) (32)`.
#[derive(Clone, PartialEq, Eq)]
pub struct RecordShare {
    identifier: Identifier,
    value: SecretScalar,
    blinding: SecretScalar,
}

impl RecordShare {
    /// Length of the encoding.
    pub const BYTES: usize = 2 + 2 * SCALAR_LEN;

    pub(crate) fn new(identifier: Identifier, value: SecretScalar, blinding: SecretScalar) -> Self {
        RecordShare {
            identifier,
            value,
            blinding,
        }
    }

    /// The server holding the share.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The share `f(i)` of the shred secret.
    pub(crate) fn value(&self) -> &SecretScalar {
        &self.value
    }

    /// The blinding share `g(i)`.
    pub(crate) fn blinding(&self) -> &SecretScalar {
        &self.blinding
    }

    /// Checks the share against the record's Pedersen commitments:
    /// `f(i) * G + g(i) * H == sum(C_k * i^k)`. The left side is computed in constant time.
    pub fn verify(&self, commitments: &Commitments) -> bool {
        let bases = [G1Projective::generator(), pedersen_generator().into()];
        let Ok(left) = ct_multi_exp(&bases, &[self.value.expose(), self.blinding.expose()]) else {
            return false;
        };
        // Both sides are public once the share is valid: a plain comparison.
        left.to_affine() == vartime_evaluate(commitments, self.identifier)
    }

    /// `identifier (2) || f(i) (32) || g(i) (32)`, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; Self::BYTES]> {
        let mut out = Zeroizing::new([0u8; Self::BYTES]);
        out[..2].copy_from_slice(&self.identifier.get().to_be_bytes());
        out[2..34].copy_from_slice(&scalar_to_bytes(&self.value.expose()));
        out[34..].copy_from_slice(&scalar_to_bytes(&self.blinding.expose()));
        out
    }

    pub(crate) fn read(reader: &mut Reader<'_>) -> Result<Self, Error> {
        Ok(RecordShare {
            identifier: reader.identifier()?,
            value: SecretScalar::new(reader.scalar()?),
            blinding: SecretScalar::new(reader.scalar()?),
        })
    }

    pub(crate) fn write(&self, out: &mut Vec<u8>) {
        out.extend_from_slice(self.to_bytes().as_ref());
    }
}

impl fmt::Debug for RecordShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordShare")
            .field("identifier", &self.identifier)
            .finish_non_exhaustive()
    }
}

/// Reads `t (2) || t G1 points` as commitments (each point checked, none the identity).
pub(crate) fn read_commitments(reader: &mut Reader<'_>) -> Result<Commitments, Error> {
    let count = reader.u16()?;
    if count < 2 {
        return Err(Error::MalformedEpochEncoding("fewer than two commitments"));
    }
    let points = (0..count)
        .map(|_| reader.g1())
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Commitments::new(points)?)
}

/// Writes `t (2) || t compressed G1 points`.
pub(crate) fn write_commitments(out: &mut Vec<u8>, commitments: &Commitments) {
    // At most min_signers <= u16::MAX points.
    out.extend_from_slice(&(commitments.points().len() as u16).to_be_bytes());
    for point in commitments.points() {
        out.extend_from_slice(&credkit_core::encoding::g1_to_bytes(point));
    }
}
