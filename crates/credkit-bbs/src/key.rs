//! Keys (draft section 3.3): `KeyGen`, `SkToPk` and their encodings.

use core::fmt;
use std::sync::OnceLock;

use blstrs::{G2Affine, G2Prepared, G2Projective, Scalar};
use credkit_core::encoding::{
    g2_from_bytes, g2_to_bytes, nonzero_scalar_from_bytes, scalar_to_bytes, G2_LEN, SCALAR_LEN,
};
use credkit_core::{hash_to_scalar, SecretScalar};
use ff::Field;
use group::{Curve, Group};
use rand_core::{CryptoRng, RngCore};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::ciphersuite::Ciphersuite;
use crate::Error;

/// A BBS secret key: a scalar in `1..r`, with its public key.
///
/// Zeroized on drop; `Debug` prints no secret; equality is constant time.
///
/// ```
/// use credkit_bbs::{SecretKey, Bls12381Sha256};
///
/// let sk = SecretKey::key_gen::<Bls12381Sha256>(&[7u8; 32], b"")?;
/// assert!(format!("{sk:?}").contains("redacted"));
/// let again = SecretKey::from_bytes(&sk.to_bytes()[..])?;
/// assert_eq!(again.public_key(), sk.public_key());
///
/// // Key material shorter than 32 bytes is refused (section 3.3.1, step 1).
/// assert!(SecretKey::key_gen::<Bls12381Sha256>(&[7u8; 31], b"").is_err());
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
#[derive(Clone)]
pub struct SecretKey {
    scalar: SecretScalar,
    public: PublicKey,
}

impl SecretKey {
    /// `KeyGen(key_material, key_info)` (section 3.3.1) with the suite's default `key_dst`.
    ///
    /// # Errors
    /// [`Error::KeyMaterialTooShort`], [`Error::KeyInfoTooLong`].
    pub fn key_gen<C: Ciphersuite>(key_material: &[u8], key_info: &[u8]) -> Result<Self, Error> {
        Self::key_gen_with_dst::<C>(key_material, key_info, C::KEYGEN_DST)
    }

    /// `KeyGen(key_material, key_info, key_dst)` (section 3.3.1).
    ///
    /// # Errors
    /// [`Error::KeyMaterialTooShort`], [`Error::KeyInfoTooLong`], and an encoding error when
    /// `key_dst` exceeds 255 bytes.
    pub fn key_gen_with_dst<C: Ciphersuite>(
        key_material: &[u8],
        key_info: &[u8],
        key_dst: &[u8],
    ) -> Result<Self, Error> {
        if key_material.len() < 32 {
            return Err(Error::KeyMaterialTooShort);
        }
        let info_len = u16::try_from(key_info.len()).map_err(|_| Error::KeyInfoTooLong)?;
        // derive_input = key_material || I2OSP(length(key_info), 2) || key_info
        let sk = hash_to_scalar::<C::Expander>(
            &[key_material, &info_len.to_be_bytes(), key_info],
            key_dst,
        )?;
        if bool::from(sk.is_zero()) {
            // Probability 2^-255; the draft returns INVALID.
            return Err(Error::Encoding(credkit_core::Error::ZeroScalar));
        }
        Ok(Self::from_scalar(sk))
    }

    /// A fresh key: 32 bytes of key material from `rng`, through `KeyGen`.
    pub fn generate<C: Ciphersuite>(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut key_material = Zeroizing::new([0u8; 32]);
        loop {
            rng.fill_bytes(&mut key_material[..]);
            // Fails only if the hash is zero (probability 2^-255): draw again.
            if let Ok(sk) = Self::key_gen::<C>(&key_material[..], b"") {
                return sk;
            }
        }
    }

    /// Decodes a secret key: 32 big-endian bytes of a scalar in `1..r`.
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length, a value `>= r`, or zero.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_scalar(nonzero_scalar_from_bytes(bytes)?))
    }

    /// The 32-byte big-endian encoding, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        Zeroizing::new(scalar_to_bytes(&self.scalar.expose()))
    }

    /// The public key, `SkToPk(SK)`.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    pub(crate) fn scalar(&self) -> &SecretScalar {
        &self.scalar
    }

    fn from_scalar(sk: Scalar) -> Self {
        // SkToPk (section 3.3.2): W = SK * BP2, by blst's constant-time multiplication.
        let w = (G2Projective::generator() * sk).to_affine();
        SecretKey {
            scalar: SecretScalar::new(sk),
            public: PublicKey::from_point(w),
        }
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

impl ConstantTimeEq for SecretKey {
    fn ct_eq(&self, other: &Self) -> subtle::Choice {
        self.scalar.ct_eq(&other.scalar)
    }
}

impl PartialEq for SecretKey {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretKey {}

/// A BBS public key: a point of G2 in the prime-order subgroup, not the identity
/// (`octets_to_pubkey`, section 4.2.4.7).
#[derive(Clone)]
pub struct PublicKey {
    point: G2Affine,
    bytes: [u8; G2_LEN],
    /// Pairing line coefficients, computed on first verification and kept for the next.
    prepared: OnceLock<G2Prepared>,
}

impl PublicKey {
    /// Decodes and validates a public key (`octets_to_pubkey`).
    ///
    /// # Errors
    /// [`Error::Encoding`]: wrong length, malformed point, outside the subgroup, identity.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Self::from_point(g2_from_bytes(bytes)?))
    }

    /// `point_to_octets_E2(W)`: 96 bytes.
    pub fn to_bytes(&self) -> [u8; G2_LEN] {
        self.bytes
    }

    /// The point `W`.
    pub fn point(&self) -> &G2Affine {
        &self.point
    }

    pub(crate) fn prepared(&self) -> &G2Prepared {
        self.prepared.get_or_init(|| G2Prepared::from(self.point))
    }

    fn from_point(point: G2Affine) -> Self {
        PublicKey {
            point,
            bytes: g2_to_bytes(&point),
            prepared: OnceLock::new(),
        }
    }
}

impl fmt::Debug for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PublicKey(")?;
        for b in &self.bytes {
            write!(f, "{b:02x}")?;
        }
        write!(f, ")")
    }
}

impl PartialEq for PublicKey {
    fn eq(&self, other: &Self) -> bool {
        self.bytes == other.bytes
    }
}

impl Eq for PublicKey {}
