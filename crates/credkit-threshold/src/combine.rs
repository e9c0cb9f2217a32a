//! Combining `min_signers` partial signatures into the group's BLS signature.
//!
//! For a signer set `S` of exactly `min_signers` distinct members, Lagrange interpolation at
//! zero in the exponent gives `sum(lambda_i * sigma_i) = f(0) * H(m) = s * H(m)`, with
//! `lambda_i = prod_{j in S, j != i} x_j / (x_j - x_i)`: the standard BLS signature
//! (`Sign`, §3.3 of draft-irtf-cfrg-bls-signature-06) under the group key, the same bytes
//! whichever members signed. Any verifier checks it with `Verify` (§3.3) and learns nothing
//! about who signed. The sum is one multi-scalar multiplication in G2: blst's Pippenger over
//! `4 * min_signers` points with 64-bit scalars, after splitting each coefficient with the GLS
//! endomorphism of G2 (about 30% faster than over `min_signers` 255-bit scalars). It runs in
//! variable time, on public data only.
//!
//! [`combine`] interpolates only: an invalid partial signature makes an invalid result. Check
//! the partial signatures first ([`crate::sign::verify_partials`]), or use
//! [`combine_and_verify`], which verifies the result and names the culprits if it fails.
//!
//! ```
//! use credkit_threshold::{combine, dealer, sign, Error};
//!
//! let mut rng = rand_core::OsRng;
//! let (group_key, shares) = dealer::deal(&mut rng, 2, 3)?;
//! let message = b"step count 8214";
//! let by_1_2 = combine::combine(
//!     &group_key,
//!     &[sign::sign(&shares[0], message), sign::sign(&shares[1], message)],
//! )?;
//! let by_3_1 = combine::combine_and_verify(
//!     &group_key,
//!     message,
//!     &[sign::sign(&shares[2], message), sign::sign(&shares[0], message)],
//! )?;
//! assert_eq!(by_1_2, by_3_1);
//! by_1_2.verify(group_key.public_key(), message)?;
//!
//! // One partial signature is not enough, and neither is the same one twice.
//! let alone = sign::sign(&shares[0], message);
//! assert_eq!(
//!     combine::combine(&group_key, &[alone]),
//!     Err(Error::WrongSignerCount { expected: 2, found: 1 })
//! );
//! assert_eq!(
//!     combine::combine(&group_key, &[alone, alone]),
//!     Err(Error::DuplicateParticipant(alone.identifier()))
//! );
//! # Ok::<(), Error>(())
//! ```

use std::sync::OnceLock;

use blst::min_pk as blst_pk;
use blst::MultiPoint;
use blstrs::{G2Affine, G2Projective, Scalar};
use ff::{BatchInvert, Field};
use group::{Curve, Group};

use crate::bls::Signature;
use crate::dealer::{GroupKey, PublicKeyPackage};
use crate::sign::{culprits, pop_point, signers, to_blst_g2, PartialSignature};
use crate::{Error, Identifier};

/// Combines exactly `min_signers` partial signatures of distinct members by Lagrange
/// interpolation in the exponent. Does not verify them (see the module documentation).
///
/// # Errors
/// [`Error::WrongSignerCount`] unless there are exactly `min_signers`;
/// [`Error::UnknownMember`]; [`Error::DuplicateParticipant`].
pub fn combine(
    package: &PublicKeyPackage,
    partials: &[PartialSignature],
) -> Result<Signature, Error> {
    check_count(package, partials.len())?;
    signers(package, partials)?;
    Ok(interpolate(partials))
}

/// [`combine`], then `Verify` (§3.3) of the result under the group key; if it fails, each
/// partial signature is checked alone and every culprit named. The cheap path when partial
/// signatures are rarely wrong: one combination and one verification.
///
/// # Errors
/// As [`combine`]; [`Error::InvalidPartialSignatures`] naming every invalid one.
pub fn combine_and_verify(
    package: &PublicKeyPackage,
    message: &[u8],
    partials: &[PartialSignature],
) -> Result<Signature, Error> {
    let signature = combine(package, partials)?;
    if signature
        .verify(package.group_public_key(), message)
        .is_ok()
    {
        return Ok(signature);
    }
    let h = crate::sign::hash_to_g2(message, crate::bls::DST_SIGNATURE);
    culprits(
        &signers(package, partials)?,
        partials,
        to_blst_g2(&h).as_ref(),
    )?;
    // Unreachable unless blst and this crate disagree on a pairing: no partial is invalid.
    Err(Error::InvalidSignature)
}

/// Combines `min_signers` shares of the proof of possession
/// ([`crate::sign::prove_possession`]) into the group's proof of possession (`PopProve`,
/// §3.3.2), verifies it (`PopVerify`, §3.3.3) and returns the [`GroupKey`]: how a group without
/// a dealer (after a DKG) obtains one.
///
/// # Errors
/// As [`combine`]; [`Error::InvalidPartialSignatures`] naming every invalid share.
pub fn combine_proof_of_possession(
    package: &PublicKeyPackage,
    partials: &[PartialSignature],
) -> Result<GroupKey, Error> {
    let proof = combine(package, partials)?;
    match GroupKey::new(package.clone(), proof) {
        Ok(group_key) => Ok(group_key),
        Err(error) => {
            let h = pop_point(package.group_public_key());
            culprits(
                &signers(package, partials)?,
                partials,
                to_blst_g2(&h).as_ref(),
            )?;
            Err(error)
        }
    }
}

/// `sum(lambda_i * sigma_i)` over the signers of `partials` (distinct, at least one).
fn interpolate(partials: &[PartialSignature]) -> Signature {
    let identifiers: Vec<Identifier> = partials.iter().map(PartialSignature::identifier).collect();
    let lambdas = lagrange_coefficients(&identifiers);
    let points: Vec<G2Affine> = partials.iter().map(|p| *p.point()).collect();
    let gls = if points.len() >= GLS_MIN_POINTS {
        vartime_msm_gls(&points, &lambdas)
    } else {
        None
    };
    let sum = gls.unwrap_or_else(|| {
        let projective: Vec<G2Projective> = points.iter().map(G2Projective::from).collect();
        G2Projective::multi_exp(&projective, &lambdas).to_affine()
    });
    Signature::from_point(sum)
}

/// From this many points on, [`vartime_msm_gls`]'s `4n` points reach blst's Pippenger (32
/// points and more); below, blst multiplies point by point and the plain 255-bit
/// multiplications are faster (measured: 3 points 1.0 ms against 1.9 ms; 8 points 3.6 ms
/// against 1.0 ms).
const GLS_MIN_POINTS: usize = 8;

/// `|x|` for the BLS12-381 parameter `x = -0xd201000000010000`.
const Z: u64 = 0xd201_0000_0001_0000;

/// `sum(k_i * P_i)` with the GLS endomorphism (Galbraith, Lin and Scott, 2009): on G2, `psi`
/// (untwist, Frobenius, twist) multiplies by the curve parameter `x = -z`, and every scalar
/// below `r < z^4` is `a_0 + a_1 z + a_2 z^2 + a_3 z^3` with digits `a_j < z < 2^64`, so that
/// `k * P = a_0 P + a_1 (-psi(P)) + a_2 psi^2(P) + a_3 (-psi^3(P))`: one Pippenger over `4n`
/// points with 64-bit scalars instead of `n` points with 255-bit ones, about 30% faster for
/// `n = 67`. Variable time: public points and scalars only.
///
/// `None`, and the caller runs the plain multi-scalar multiplication, if the self-check of
/// `psi` fails or a point does not convert to blst's form.
fn vartime_msm_gls(points: &[G2Affine], scalars: &[Scalar]) -> Option<G2Affine> {
    let [g, psi_g, check, psi_check] = psi_reference()?;
    // psi(x, y) = (conj(x) * c_x, conj(y) * c_y), with the constants c_x and c_y read off the
    // pair (G, psi(G) = [x]G). blstrs does not export its Fp2 type: the coordinates and
    // constants are local variables of inferred type.
    let (mut gx, mut gy) = (g.x(), g.y());
    gx.frobenius_map(1);
    gy.frobenius_map(1);
    let c_x = psi_g.x() * gx.invert().into_option()?;
    let c_y = psi_g.y() * gy.invert().into_option()?;
    let psi = |p: &G2Affine| {
        let (mut x, mut y) = (p.x(), p.y());
        x.frobenius_map(1);
        y.frobenius_map(1);
        // psi maps G2 onto G2 (and the identity, all-zero coordinates, onto itself); blst
        // checks each image again when it converts it below.
        G2Affine::from_raw_unchecked(x * c_x, y * c_y, false)
    };
    // The formula must also hold at a second point, or the constants are not psi's.
    if psi(&check) != psi_check {
        return None;
    }

    let mut bases = Vec::with_capacity(4 * points.len());
    let mut digits = Vec::with_capacity(4 * 8 * points.len());
    for (p, k) in points.iter().zip(scalars) {
        let psi_1 = psi(p);
        let psi_2 = psi(&psi_1);
        let psi_3 = psi(&psi_2);
        for (base, digit) in [*p, -psi_1, psi_2, -psi_3].iter().zip(base_z_digits(k)) {
            bases.push(blst_pk::Signature::from(to_blst_g2(base)?));
            digits.extend_from_slice(&digit.to_le_bytes());
        }
    }
    if bases.is_empty() {
        return None;
    }
    let sum = bases.mult(&digits, 64).to_signature().serialize();
    G2Affine::from_uncompressed_unchecked(&sum).into_option()
}

/// `[G, [x]G, R, [x]R]` with `G` the generator of G2, `R = 2G` and `x = -z`, computed once.
fn psi_reference() -> Option<[G2Affine; 4]> {
    static REFERENCE: OnceLock<[G2Affine; 4]> = OnceLock::new();
    let reference = REFERENCE.get_or_init(|| {
        let x = -Scalar::from(Z);
        let g = G2Projective::generator();
        let r = g.double();
        [g, g * x, r, r * x].map(|p| p.to_affine())
    });
    Some(*reference)
}

/// The digits of `k` in base `z`: `k = a_0 + a_1 z + a_2 z^2 + a_3 z^3`, `0 <= a_j < z`
/// (four digits suffice: `k < r < z^4`).
fn base_z_digits(k: &Scalar) -> [u64; 4] {
    let bytes = k.to_bytes_le();
    let mut limbs = [0u64; 4];
    for (limb, chunk) in limbs.iter_mut().zip(bytes.chunks_exact(8)) {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(word);
    }
    let mut digits = [0u64; 4];
    for digit in &mut digits {
        // limbs, remainder = limbs / z, limbs % z (long division, most significant limb first).
        let mut remainder: u128 = 0;
        for limb in limbs.iter_mut().rev() {
            let current = (remainder << 64) | u128::from(*limb);
            // Both fit: current < z * 2^64, so current / z < 2^64; the remainder is below z.
            *limb = (current / u128::from(Z)) as u64;
            remainder = current % u128::from(Z);
        }
        *digit = remainder as u64;
    }
    debug_assert_eq!(limbs, [0; 4], "a scalar is below r < z^4");
    digits
}

fn check_count(package: &PublicKeyPackage, found: usize) -> Result<(), Error> {
    let expected = usize::from(package.min_signers());
    if found != expected {
        return Err(Error::WrongSignerCount { expected, found });
    }
    Ok(())
}

/// The Lagrange coefficients at zero of distinct `identifiers`:
/// `lambda_i = prod_{j != i} x_j / (x_j - x_i) = (prod_j x_j) / (x_i * prod_{j != i} (x_j - x_i))`,
/// with one field inversion for all of them, in the order of `identifiers`.
///
/// `sum(lambda_i * f(x_i)) = f(0)` for every polynomial `f` of degree below
/// `identifiers.len()`: how any `min_signers` shares (of a signature, a key, a decryption)
/// are combined. The identifiers must be distinct (the caller checks it): a repeated one
/// makes a zero denominator and every coefficient meaningless. Constant time in the
/// arithmetic; the identifiers are public.
///
/// ```
/// use credkit_threshold::{combine::lagrange_coefficients, Identifier};
/// use credkit_core::curve::Scalar;
///
/// // f(x) = 5 + 3x: f(1) = 8, f(3) = 14; interpolation at zero gives 5.
/// let ids = [Identifier::new(1)?, Identifier::new(3)?];
/// let lambda = lagrange_coefficients(&ids);
/// assert_eq!(lambda[0] * Scalar::from(8u64) + lambda[1] * Scalar::from(14u64), Scalar::from(5u64));
/// # Ok::<(), credkit_threshold::Error>(())
/// ```
pub fn lagrange_coefficients(identifiers: &[Identifier]) -> Vec<Scalar> {
    let xs: Vec<Scalar> = identifiers.iter().map(|id| id.to_scalar()).collect();
    let numerator: Scalar = xs.iter().product();
    let mut denominators: Vec<Scalar> = xs
        .iter()
        .enumerate()
        .map(|(i, x_i)| {
            xs.iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .fold(*x_i, |acc, (_, x_j)| acc * (x_j - x_i))
        })
        .collect();
    // Distinct nonzero identifiers make every denominator nonzero (a zero would stay zero).
    denominators.iter_mut().batch_invert();
    denominators.iter().map(|d| numerator * d).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The GLS path runs (its self-check passes) and agrees with one multiplication per point,
    /// below and above blst's Pippenger threshold of 32 points, with identities and extreme
    /// scalars among the terms.
    #[test]
    fn gls_msm_matches_naive_sum() {
        let mut seed = 1u64;
        let mut next = || {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            seed
        };
        for n in [1usize, 3, 40] {
            let mut points: Vec<G2Affine> = (0..n)
                .map(|_| (G2Projective::generator() * Scalar::from(next())).to_affine())
                .collect();
            let mut scalars: Vec<Scalar> = (0..n)
                .map(|_| Scalar::from(next()) * Scalar::from(next()) * Scalar::from(next()))
                .collect();
            if n > 1 {
                points[0] = G2Affine::from(G2Projective::identity());
                scalars[1] = -Scalar::ONE;
            }
            if n > 2 {
                scalars[2] = Scalar::ZERO;
            }
            let naive = points
                .iter()
                .zip(&scalars)
                .fold(G2Projective::identity(), |acc, (p, k)| acc + p * k);
            let gls = vartime_msm_gls(&points, &scalars).expect("the GLS path runs");
            assert_eq!(gls, naive.to_affine(), "{n} points");
        }
    }

    #[test]
    fn base_z_digits_recompose() {
        let z = Scalar::from(Z);
        for k in [
            Scalar::ZERO,
            Scalar::ONE,
            -Scalar::ONE,
            z,
            z * z * z - Scalar::ONE,
        ] {
            let d = base_z_digits(&k);
            let back = Scalar::from(d[0])
                + z * (Scalar::from(d[1]) + z * (Scalar::from(d[2]) + z * Scalar::from(d[3])));
            assert_eq!(back, k);
            assert!(d.iter().all(|&a| a < Z));
        }
    }
}
