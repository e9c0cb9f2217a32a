//! IETF BLS signatures (draft-irtf-cfrg-bls-signature-06), minimal-pubkey-size variant with
//! proofs of possession: ciphersuite `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_` (§4.2.3).
//!
//! Public keys are 48-byte compressed G1 points, signatures and proofs of possession 96-byte
//! compressed G2 points. Signing multiplies a hashed point by the secret key in constant time
//! (blst through blstrs); verification runs in blst (`blst::min_pk`), the fastest and most
//! widely deployed implementation of exactly this ciphersuite, after credkit-core's decoders
//! have checked every point.
//!
//! ```
//! use credkit_threshold::bls::{aggregate, fast_aggregate_verify, SecretKey};
//!
//! let alice = SecretKey::key_gen(&[1u8; 32], b"")?;
//! let bob = SecretKey::key_gen(&[2u8; 32], b"")?;
//! let message = b"upload 17 of study S";
//! let signature = alice.sign(message);
//! signature.verify(alice.public_key(), message)?;
//! assert!(signature.verify(bob.public_key(), message).is_err());
//!
//! // Proofs of possession make fast aggregate verification safe.
//! alice.public_key().verify_proof_of_possession(&alice.prove_possession())?;
//! let both = aggregate(&[signature, bob.sign(message)])?;
//! fast_aggregate_verify(&[alice.public_key().clone(), bob.public_key().clone()], message, &both)?;
//! # Ok::<(), credkit_threshold::Error>(())
//! ```

use core::fmt;

use blst::min_pk as blst_pk;
use blst::BLST_ERROR;
use blstrs::{G1Affine, G1Projective, G2Affine, G2Projective, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_to_bytes, g2_from_bytes_allow_identity, g2_to_bytes,
    nonzero_scalar_from_bytes, scalar_to_bytes, G1_LEN, G2_LEN, SCALAR_LEN,
};
use credkit_core::hash_to_curve::hash_to_g2_xmd_sha256;
use credkit_core::SecretScalar;
use group::{Curve, Group};
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::Error;

/// The signature DST of the ciphersuite (§4.2.3).
pub const DST_SIGNATURE: &[u8] = b"BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";
/// The proof-of-possession DST of the ciphersuite (§4.2.3).
pub const DST_POP: &[u8] = b"BLS_POP_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_";

/// A BLS secret key, `1 <= SK < r`, with its public key.
#[derive(Clone)]
pub struct SecretKey {
    scalar: SecretScalar,
    public: PublicKey,
}

impl SecretKey {
    /// `KeyGen(IKM)` (§2.3) with `key_info` and the salt `H("BLS-SIG-KEYGEN-SALT-")` that
    /// §2.3 suggests (compatible with draft versions 4 and later).
    ///
    /// # Errors
    /// [`Error::KeyMaterialTooShort`] when `ikm` is shorter than 32 bytes.
    pub fn key_gen(ikm: &[u8], key_info: &[u8]) -> Result<Self, Error> {
        Self::key_gen_with_salt(ikm, &Sha256::digest(b"BLS-SIG-KEYGEN-SALT-"), key_info)
    }

    /// `KeyGen(IKM)` (§2.3) with an explicit salt.
    ///
    /// # Errors
    /// [`Error::KeyMaterialTooShort`] when `ikm` is shorter than 32 bytes.
    pub fn key_gen_with_salt(ikm: &[u8], salt: &[u8], key_info: &[u8]) -> Result<Self, Error> {
        if ikm.len() < 32 {
            return Err(Error::KeyMaterialTooShort);
        }
        // L = ceil((3 * ceil(log2(r))) / 16) = 48
        const L: usize = 48;
        let mut salt = salt.to_vec();
        let mut ikm0 = Zeroizing::new(ikm.to_vec());
        ikm0.push(0);
        loop {
            // PRK = HKDF-Extract(salt, IKM || I2OSP(0, 1));
            // OKM = HKDF-Expand(PRK, key_info || I2OSP(L, 2), L)
            let hkdf = Hkdf::<Sha256>::new(Some(&salt), &ikm0);
            let mut okm = Zeroizing::new([0u8; L]);
            // Invariant: L = 48 is far below HKDF-SHA-256's limit of 255 * 32 bytes.
            let expanded =
                hkdf.expand_multi_info(&[key_info, &(L as u16).to_be_bytes()], &mut okm[..]);
            debug_assert!(expanded.is_ok());
            let sk = credkit_core::scalar_from_okm(&okm);
            if !bool::from(ff::Field::is_zero(&sk)) {
                return Ok(Self::from_scalar(sk));
            }
            salt = Sha256::digest(&salt).to_vec();
        }
    }

    /// A fresh key from 32 bytes of `rng`.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut ikm = Zeroizing::new([0u8; 32]);
        rng.fill_bytes(&mut ikm[..]);
        // Invariant: 32 bytes of key material are enough for KeyGen.
        Self::key_gen(&ikm[..], b"").unwrap_or_else(|_| Self::from_scalar(Scalar::from(1u64)))
    }

    /// Decodes a secret key: 32 big-endian bytes of a scalar in `1..r`.
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length, a value `>= r`, or zero.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_scalar(nonzero_scalar_from_bytes(bytes)?))
    }

    /// A secret key from a nonzero scalar (a threshold share, for instance).
    pub fn from_scalar(sk: Scalar) -> Self {
        let public = PublicKey::from_point((G1Projective::generator() * sk).to_affine());
        SecretKey {
            scalar: SecretScalar::new(sk),
            public,
        }
    }

    /// The 32-byte big-endian encoding, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        Zeroizing::new(scalar_to_bytes(&self.scalar.expose()))
    }

    /// `SkToPk(SK)` (§2.4).
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The secret scalar.
    pub fn scalar(&self) -> &SecretScalar {
        &self.scalar
    }

    /// `Sign(SK, message)` (§3.3, `CoreSign` of §2.6): `SK * hash_to_G2(message)`.
    pub fn sign(&self, message: &[u8]) -> Signature {
        Signature::from_point(
            (hash_to_g2_xmd_sha256(message, DST_SIGNATURE) * self.scalar.expose()).to_affine(),
        )
    }

    /// `PopProve(SK)` (§3.3.2): `SK * hash_to_G2(PK)` under the proof-of-possession DST.
    pub fn prove_possession(&self) -> Signature {
        let q = hash_to_g2_xmd_sha256(&self.public.to_bytes(), DST_POP);
        Signature::from_point((q * self.scalar.expose()).to_affine())
    }
}

impl fmt::Debug for SecretKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SecretKey")
            .field("scalar", &"<redacted>")
            .field("public", &self.public)
            .finish()
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.scalar.ct_eq(&other.scalar).into()
    }
}

impl Eq for SecretKey {}

/// A BLS public key: a G1 point in the prime-order subgroup, not the identity (`KeyValidate`,
/// §2.5).
#[derive(Clone)]
pub struct PublicKey {
    point: G1Affine,
    blst: blst_pk::PublicKey,
}

impl PublicKey {
    /// Decodes and validates a public key (`KeyValidate`).
    ///
    /// # Errors
    /// [`Error::Encoding`]: wrong length, malformed, outside the subgroup, or the identity.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_point(g1_from_bytes(bytes)?))
    }

    /// A public key from a point the caller has validated (not the identity, in G1).
    pub fn from_point(point: G1Affine) -> Self {
        // Invariant: `point` is a valid G1 point, so blst accepts its uncompressed encoding;
        // should it not, the default key is the identity, which every verification rejects.
        let blst = blst_pk::PublicKey::deserialize(&point.to_uncompressed()).unwrap_or_default();
        PublicKey { point, blst }
    }

    /// The 48-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; G1_LEN] {
        g1_to_bytes(&self.point)
    }

    /// The point.
    pub fn point(&self) -> &G1Affine {
        &self.point
    }

    /// `PopVerify(PK, proof)` (§3.3.3).
    ///
    /// # Errors
    /// [`Error::InvalidProofOfPossession`].
    pub fn verify_proof_of_possession(&self, proof: &Signature) -> Result<(), Error> {
        let q = hash_to_g2_xmd_sha256(&self.to_bytes(), DST_POP).to_affine();
        // e(PK, Q) == e(P1, R)  <=>  e(PK, Q) * e(-P1, R) == 1
        if pairing_product_is_one(&[
            (self.point, q),
            (-G1Affine::from(G1Projective::generator()), proof.point),
        ]) {
            Ok(())
        } else {
            Err(Error::InvalidProofOfPossession)
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}

impl Eq for PublicKey {}

/// A BLS signature (or proof of possession): a G2 point in the prime-order subgroup
/// (`signature_subgroup_check`, §2.8). The identity decodes, and verifies under no key.
#[derive(Clone)]
pub struct Signature {
    point: G2Affine,
    /// blst's form of the point; `None` only if blst refused a point credkit-core accepted.
    blst: Option<blst_pk::Signature>,
}

impl Signature {
    /// Decodes a signature and checks its subgroup.
    ///
    /// # Errors
    /// [`Error::Encoding`]: wrong length, malformed, outside the subgroup.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_point(g2_from_bytes_allow_identity(bytes)?))
    }

    /// A signature from a point the caller has validated (in G2).
    pub fn from_point(point: G2Affine) -> Self {
        // Invariant as in `PublicKey::from_point`; a refused point verifies under no key.
        let blst = blst_pk::Signature::deserialize(&point.to_uncompressed()).ok();
        Signature { point, blst }
    }

    /// The 96-byte compressed encoding.
    pub fn to_bytes(&self) -> [u8; G2_LEN] {
        g2_to_bytes(&self.point)
    }

    /// The point.
    pub fn point(&self) -> &G2Affine {
        &self.point
    }

    /// `Verify(PK, message, signature)` (§3.3, `CoreVerify` of §2.7), in blst.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`].
    pub fn verify(&self, public_key: &PublicKey, message: &[u8]) -> Result<(), Error> {
        let sig = self.blst.as_ref().ok_or(Error::InvalidSignature)?;
        check(sig.verify(false, message, DST_SIGNATURE, &[], &public_key.blst, false))
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature(")?;
        for b in self.to_bytes() {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl PartialEq for Signature {
    fn eq(&self, other: &Self) -> bool {
        self.point == other.point
    }
}

impl Eq for Signature {}

fn check(outcome: BLST_ERROR) -> Result<(), Error> {
    if outcome == BLST_ERROR::BLST_SUCCESS {
        Ok(())
    } else {
        Err(Error::InvalidSignature)
    }
}

/// `prod e(P_i, Q_i) == 1`, with one final exponentiation.
pub(crate) fn pairing_product_is_one(terms: &[(G1Affine, G2Affine)]) -> bool {
    use pairing::{MillerLoopResult, MultiMillerLoop};
    let prepared: Vec<blstrs::G2Prepared> = terms
        .iter()
        .map(|(_, q)| blstrs::G2Prepared::from(*q))
        .collect();
    let refs: Vec<(&G1Affine, &blstrs::G2Prepared)> =
        terms.iter().map(|(p, _)| p).zip(&prepared).collect();
    bool::from(
        blstrs::Bls12::multi_miller_loop(&refs)
            .final_exponentiation()
            .is_identity(),
    )
}

/// `Aggregate((signature_1, ..., signature_n))` (§2.8).
///
/// # Errors
/// [`Error::EmptyAggregate`] for no signatures.
pub fn aggregate(signatures: &[Signature]) -> Result<Signature, Error> {
    if signatures.is_empty() {
        return Err(Error::EmptyAggregate);
    }
    let sum = signatures
        .iter()
        .fold(G2Projective::identity(), |acc, s| acc + s.point);
    Ok(Signature::from_point(sum.to_affine()))
}

/// `FastAggregateVerify((PK_1, ..., PK_n), message, signature)` (§3.3.4): every key must have
/// a verified proof of possession.
///
/// # Errors
/// [`Error::InvalidSignature`], also for no keys.
pub fn fast_aggregate_verify(
    public_keys: &[PublicKey],
    message: &[u8],
    signature: &Signature,
) -> Result<(), Error> {
    if public_keys.is_empty() {
        return Err(Error::InvalidSignature);
    }
    let keys: Vec<&blst_pk::PublicKey> = public_keys.iter().map(|k| &k.blst).collect();
    let sig = signature.blst.as_ref().ok_or(Error::InvalidSignature)?;
    check(sig.fast_aggregate_verify(false, message, DST_SIGNATURE, &keys))
}

/// `AggregateVerify((PK_1, ..., PK_n), (message_1, ..., message_n), signature)` (§3.3,
/// `CoreAggregateVerify` of §2.9).
///
/// # Errors
/// [`Error::LengthMismatch`]; [`Error::InvalidSignature`], also for no keys.
pub fn aggregate_verify(
    public_keys: &[PublicKey],
    messages: &[&[u8]],
    signature: &Signature,
) -> Result<(), Error> {
    if public_keys.len() != messages.len() {
        return Err(Error::LengthMismatch {
            public_keys: public_keys.len(),
            messages: messages.len(),
        });
    }
    if public_keys.is_empty() {
        return Err(Error::InvalidSignature);
    }
    let keys: Vec<&blst_pk::PublicKey> = public_keys.iter().map(|k| &k.blst).collect();
    let sig = signature.blst.as_ref().ok_or(Error::InvalidSignature)?;
    check(sig.aggregate_verify(false, messages, DST_SIGNATURE, &keys, false))
}

/// Verifies many `(public key, message, signature)` triples at once: a random linear
/// combination (64-bit coefficients from `rng`) checked with one multi-pairing. Succeeds
/// exactly when (except with probability 2^-64) every triple verifies; it does not say which
/// failed: check them one by one for that.
///
/// # Errors
/// [`Error::LengthMismatch`]; [`Error::InvalidSignature`], also for no triples.
pub fn batch_verify(
    rng: &mut (impl RngCore + CryptoRng),
    public_keys: &[PublicKey],
    messages: &[&[u8]],
    signatures: &[Signature],
) -> Result<(), Error> {
    if public_keys.len() != messages.len() || signatures.len() != messages.len() {
        return Err(Error::LengthMismatch {
            public_keys: public_keys.len(),
            messages: messages.len(),
        });
    }
    if public_keys.is_empty() {
        return Err(Error::InvalidSignature);
    }
    let rands: Vec<blst::blst_scalar> = (0..signatures.len())
        .map(|_| {
            let mut b = [0u8; 32];
            rng.fill_bytes(&mut b[..8]);
            // A zero coefficient would drop its triple from the check.
            b[0] |= 1;
            blst::blst_scalar { b }
        })
        .collect();
    let keys: Vec<&blst_pk::PublicKey> = public_keys.iter().map(|k| &k.blst).collect();
    let sigs: Vec<&blst_pk::Signature> = signatures
        .iter()
        .map(|s| s.blst.as_ref().ok_or(Error::InvalidSignature))
        .collect::<Result<_, _>>()?;
    check(blst_pk::Signature::verify_multiple_aggregate_signatures(
        messages,
        DST_SIGNATURE,
        &keys,
        false,
        &sigs,
        false,
        &rands,
        64,
    ))
}
