//! Partial signatures, and their verification with cheater identification.
//!
//! Member `i` signs a message `m` with its share: `sigma_i = s_i * H(m)`, with `H` the
//! ciphersuite's `hash_to_G2` under the signature DST ([`DST_SIGNATURE`]): `CoreSign` (§2.6 of
//! draft-irtf-cfrg-bls-signature-06) with the share as secret key. Any `min_signers` partial
//! signatures combine ([`crate::combine`]) into `s * H(m)`, the ordinary BLS signature under
//! the group key. A partial signature verifies as `CoreVerify` (§2.7) under the member's
//! verifying share: `e(P1, sigma_i) == e(VK_i, H(m))`.
//!
//! [`verify_partials`] checks all partial signatures of one message at once with the small
//! exponents test (Bellare, Garay and Rabin, 1998): with random nonzero 64-bit `r_i`,
//! `e(P1, sum(r_i * sigma_i)) == e(sum(r_i * VK_i), H(m))`, one multi-scalar multiplication in
//! each group and two Miller loops sharing one final exponentiation. An invalid partial
//! signature passes with probability at most 2^-64. When the batch fails, each partial
//! signature is checked alone and every culprit named in [`Error::InvalidPartialSignatures`].
//!
//! Signing multiplies by the share in constant time (blst); verification handles public data
//! only and runs in variable time.
//!
//! Encoding of a partial signature ([`PartialSignature::to_bytes`], 98 bytes): the signer's
//! identifier as a big-endian `u16`, then the compressed G2 point (96 bytes).
//!
//! ```
//! use credkit_threshold::{dealer, sign, Error};
//!
//! let mut rng = rand_core::OsRng;
//! let (group_key, shares) = dealer::deal(&mut rng, 2, 3)?;
//! let message = b"glucose 5.4 mmol/L";
//! let partials: Vec<_> = shares.iter().map(|s| sign::sign(s, message)).collect();
//! sign::verify_partials(&mut rng, &group_key, message, &partials)?;
//!
//! // Member 3 signed another message: named as the culprit.
//! let mut partials = partials;
//! partials[2] = sign::sign(&shares[2], b"glucose 9.9 mmol/L");
//! let culprit = partials[2].identifier();
//! assert_eq!(
//!     sign::verify_partials(&mut rng, &group_key, message, &partials),
//!     Err(Error::InvalidPartialSignatures(vec![culprit]))
//! );
//! # Ok::<(), Error>(())
//! ```

use core::fmt;
use std::sync::OnceLock;

use blst::min_pk as blst_pk;
use blst::{blst_fp12, blst_p1_affine, blst_p2_affine, MultiPoint};
use blstrs::{G1Affine, G2Affine};
use credkit_core::encoding::{g2_to_bytes, G2_LEN};
use credkit_core::hash_to_curve::hash_to_g2_xmd_sha256;
use group::prime::PrimeCurveAffine;
use group::Curve;
use rand_core::{CryptoRng, RngCore};

use crate::bls::{PublicKey, Signature, DST_POP, DST_SIGNATURE};
use crate::dealer::PublicKeyPackage;
use crate::{Error, Identifier, SigningShare, VerifyingShare};

/// A member's signature share on a message (or on the group key, as a share of the group's
/// proof of possession).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct PartialSignature {
    identifier: Identifier,
    /// `s_i * H(m)`, in G2 (checked by every constructor).
    point: G2Affine,
}

impl PartialSignature {
    /// Length of the encoding.
    pub const BYTES: usize = 2 + G2_LEN;

    /// A partial signature from its parts (a [`Signature`] has a checked point).
    pub fn new(identifier: Identifier, signature: &Signature) -> Self {
        PartialSignature {
            identifier,
            point: *signature.point(),
        }
    }

    /// The signer.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The signature share `sigma_i`, as a BLS signature (it verifies under the signer's
    /// verifying share).
    pub fn signature(&self) -> Signature {
        Signature::from_point(self.point)
    }

    /// The point `sigma_i`.
    pub fn point(&self) -> &G2Affine {
        &self.point
    }

    /// `identifier (u16, big-endian) || sigma_i (96-byte compressed G2 point)`.
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut out = [0u8; Self::BYTES];
        out[..2].copy_from_slice(&self.identifier.get().to_be_bytes());
        out[2..].copy_from_slice(&g2_to_bytes(&self.point));
        out
    }

    /// Decodes [`PartialSignature::to_bytes`], checking the point as [`Signature::from_bytes`]
    /// does. Canonical: a decoded partial signature re-encodes to its input.
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length or a malformed point, or one outside G2;
    /// [`Error::ZeroIdentifier`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != Self::BYTES {
            return Err(Error::Encoding(credkit_core::Error::InvalidLength {
                expected: Self::BYTES,
                found: bytes.len(),
            }));
        }
        let identifier = Identifier::new(u16::from_be_bytes([bytes[0], bytes[1]]))?;
        let signature = Signature::from_bytes(&bytes[2..])?;
        Ok(PartialSignature::new(identifier, &signature))
    }
}

impl fmt::Debug for PartialSignature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PartialSignature({}, ", self.identifier.get())?;
        for b in g2_to_bytes(&self.point) {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

/// Signs `message` with a share: `s_i * hash_to_G2(message)` under the signature DST.
pub fn sign(share: &SigningShare, message: &[u8]) -> PartialSignature {
    sign_hashed(share, &hash_to_g2(message, DST_SIGNATURE))
}

/// A share of the group's proof of possession: `s_i * hash_to_G2(PK)` under the
/// proof-of-possession DST (`PopProve`, §3.3.2, with the share as secret key and the group
/// public key as `PK`). Combine with [`crate::combine::combine_proof_of_possession`].
pub fn prove_possession(share: &SigningShare, group_public_key: &PublicKey) -> PartialSignature {
    sign_hashed(share, &pop_point(group_public_key))
}

/// Checks one member's partial proof of possession of the group key (from
/// [`prove_possession`]): `e(P1, σ_i) = e(VK_i, hash_to_G2(PK, POP DST))`.
///
/// # Errors
/// [`Error::UnknownMember`]; [`Error::InvalidPartialSignatures`] naming the member.
pub fn verify_partial_proof_of_possession(
    package: &PublicKeyPackage,
    partial: &PartialSignature,
) -> Result<(), Error> {
    let verifying_share = package.member(partial.identifier)?;
    let h = to_blst_g2(&pop_point(package.group_public_key()));
    if verify_one(verifying_share, partial, h.as_ref()) {
        Ok(())
    } else {
        Err(Error::InvalidPartialSignatures(vec![partial.identifier]))
    }
}

/// Checks one partial signature: `e(P1, sigma_i) == e(VK_i, H(m))`.
///
/// # Errors
/// [`Error::UnknownMember`]; [`Error::InvalidPartialSignatures`] naming the signer.
pub fn verify_partial(
    package: &PublicKeyPackage,
    message: &[u8],
    partial: &PartialSignature,
) -> Result<(), Error> {
    let verifying_share = package.member(partial.identifier)?;
    let h = to_blst_g2(&hash_to_g2(message, DST_SIGNATURE));
    if verify_one(verifying_share, partial, h.as_ref()) {
        Ok(())
    } else {
        Err(Error::InvalidPartialSignatures(vec![partial.identifier]))
    }
}

/// Checks all partial signatures of one message in one batch (see the module documentation),
/// and one by one only if the batch fails, to name every culprit. No partial signatures:
/// nothing to check, `Ok`.
///
/// # Errors
/// [`Error::UnknownMember`], [`Error::DuplicateParticipant`];
/// [`Error::InvalidPartialSignatures`] naming every invalid one, in increasing order.
pub fn verify_partials(
    rng: &mut (impl RngCore + CryptoRng),
    package: &PublicKeyPackage,
    message: &[u8],
    partials: &[PartialSignature],
) -> Result<(), Error> {
    let verifying_shares = signers(package, partials)?;
    if partials.is_empty() {
        return Ok(());
    }
    let h = hash_to_g2(message, DST_SIGNATURE);
    verify_batch(rng, &verifying_shares, partials, &h)
}

/// The verifying shares of the signers of `partials`, in their order.
///
/// # Errors
/// [`Error::UnknownMember`], [`Error::DuplicateParticipant`].
pub(crate) fn signers<'a>(
    package: &'a PublicKeyPackage,
    partials: &[PartialSignature],
) -> Result<Vec<&'a VerifyingShare>, Error> {
    let verifying_shares = partials
        .iter()
        .map(|p| package.member(p.identifier))
        .collect::<Result<Vec<_>, _>>()?;
    let ids: Vec<Identifier> = partials.iter().map(|p| p.identifier).collect();
    crate::dealer::sorted_members(&ids)?;
    Ok(verifying_shares)
}

/// The batch check of `partials` (signers checked, at least one) against the hashed point
/// `h`, falling back to one check each.
pub(crate) fn verify_batch(
    rng: &mut (impl RngCore + CryptoRng),
    verifying_shares: &[&VerifyingShare],
    partials: &[PartialSignature],
    h: &G2Affine,
) -> Result<(), Error> {
    let h = to_blst_g2(h);
    if partials.len() > 1 && batch_holds(rng, verifying_shares, partials, h.as_ref()) {
        return Ok(());
    }
    culprits(verifying_shares, partials, h.as_ref())
}

/// Checks each partial signature alone: [`Error::InvalidPartialSignatures`] naming every
/// invalid one, in increasing order, or `Ok` if there is none.
pub(crate) fn culprits(
    verifying_shares: &[&VerifyingShare],
    partials: &[PartialSignature],
    h: Option<&blst_p2_affine>,
) -> Result<(), Error> {
    let mut culprits: Vec<Identifier> = verifying_shares
        .iter()
        .zip(partials)
        .filter(|(vk, p)| !verify_one(vk, p, h))
        .map(|(_, p)| p.identifier)
        .collect();
    if culprits.is_empty() {
        return Ok(());
    }
    culprits.sort_unstable();
    Err(Error::InvalidPartialSignatures(culprits))
}

/// `e(P1, sum(r_i * sigma_i)) == e(sum(r_i * VK_i), h)` for random nonzero 64-bit `r_i`.
fn batch_holds(
    rng: &mut (impl RngCore + CryptoRng),
    verifying_shares: &[&VerifyingShare],
    partials: &[PartialSignature],
    h: Option<&blst_p2_affine>,
) -> bool {
    let (Some(h), Some(neg_p1)) = (h, neg_generator()) else {
        return false;
    };
    let mut sigmas = Vec::with_capacity(partials.len());
    let mut keys = Vec::with_capacity(partials.len());
    for (vk, p) in verifying_shares.iter().zip(partials) {
        match (to_blst_g2(&p.point), to_blst_g1(vk.point())) {
            (Some(sigma), Some(key)) => {
                sigmas.push(blst_pk::Signature::from(sigma));
                keys.push(blst_pk::PublicKey::from(key));
            }
            _ => return false,
        }
    }
    let mut scalars = Vec::with_capacity(8 * partials.len());
    for _ in partials {
        let r = loop {
            let r = rng.next_u64();
            if r != 0 {
                break r;
            }
        };
        scalars.extend_from_slice(&r.to_le_bytes());
    }
    let sigma = blst_p2_affine::from(sigmas.mult(&scalars, 64).to_signature());
    let key = blst_p1_affine::from(keys.mult(&scalars, 64).to_public_key());
    // An identity sum (all-zero affine coordinates in blst) is left to the one-by-one checks.
    if sigma == blst_p2_affine::default() || key == blst_p1_affine::default() {
        return false;
    }
    pairing_product_is_one(&[(*neg_p1, sigma), (key, *h)])
}

/// `e(P1, sigma_i) == e(VK_i, h)`. An identity on either side verifies only with an identity
/// on the other (`h` is not the identity).
fn verify_one(vk: &VerifyingShare, partial: &PartialSignature, h: Option<&blst_p2_affine>) -> bool {
    let sigma_is_identity = bool::from(partial.point.is_identity());
    let vk_is_identity = bool::from(vk.point().is_identity());
    if sigma_is_identity || vk_is_identity {
        return sigma_is_identity && vk_is_identity;
    }
    match (
        h,
        neg_generator(),
        to_blst_g2(&partial.point),
        to_blst_g1(vk.point()),
    ) {
        (Some(h), Some(neg_p1), Some(sigma), Some(key)) => {
            pairing_product_is_one(&[(*neg_p1, sigma), (key, *h)])
        }
        _ => false,
    }
}

/// `prod e(P_i, Q_i) == 1`: blst's multi-Miller loop (computing its lines on the fly, so no
/// `G2Prepared`), and one final exponentiation.
fn pairing_product_is_one(terms: &[(blst_p1_affine, blst_p2_affine)]) -> bool {
    let (ps, qs): (Vec<blst_p1_affine>, Vec<blst_p2_affine>) = terms.iter().copied().unzip();
    // `blst_fp12::default()` is the identity of the target group.
    blst_fp12::miller_loop_n(&qs, &ps).final_exp() == blst_fp12::default()
}

/// `-P1` in blst's form.
fn neg_generator() -> Option<&'static blst_p1_affine> {
    static NEG_P1: OnceLock<Option<blst_p1_affine>> = OnceLock::new();
    NEG_P1
        .get_or_init(|| to_blst_g1(&-G1Affine::generator()))
        .as_ref()
}

/// A checked G1 point in blst's form (through its uncompressed encoding; blst checks that
/// the point is on the curve).
pub(crate) fn to_blst_g1(p: &G1Affine) -> Option<blst_p1_affine> {
    blst_pk::PublicKey::deserialize(&p.to_uncompressed())
        .ok()
        .map(blst_p1_affine::from)
}

/// A checked G2 point in blst's form, as [`to_blst_g1`].
pub(crate) fn to_blst_g2(p: &G2Affine) -> Option<blst_p2_affine> {
    blst_pk::Signature::deserialize(&p.to_uncompressed())
        .ok()
        .map(blst_p2_affine::from)
}

/// `hash_to_G2(message)` under `dst`.
pub(crate) fn hash_to_g2(message: &[u8], dst: &[u8]) -> G2Affine {
    hash_to_g2_xmd_sha256(message, dst).to_affine()
}

/// The point a proof of possession of `public_key` signs: `hash_to_G2(PK)` under the
/// proof-of-possession DST.
pub(crate) fn pop_point(public_key: &PublicKey) -> G2Affine {
    hash_to_g2(&public_key.to_bytes(), DST_POP)
}

/// `s_i * h`, a constant-time multiplication.
fn sign_hashed(share: &SigningShare, h: &G2Affine) -> PartialSignature {
    PartialSignature {
        identifier: share.identifier(),
        point: (h * share.secret().expose()).to_affine(),
    }
}
