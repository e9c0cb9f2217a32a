//! BBS signatures: `Sign` and `Verify` (draft sections 3.4.1-3.4.2), `CoreSign` and
//! `CoreVerify` (sections 3.6.1-3.6.2), and the signature encoding (sections 4.2.4.2-4.2.4.3).

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_to_bytes, nonzero_scalar_from_bytes, scalar_to_bytes, G1_LEN, SCALAR_LEN,
};
use credkit_core::hash_to_scalar;
use credkit_core::msm::vartime_multi_exp;
use ff::Field;
use group::{Curve, Group};
use zeroize::Zeroizing;

use crate::ciphersuite::{dst, Ciphersuite};
use crate::generators::{create_generators, p1, Generators};
use crate::key::{PublicKey, SecretKey};
use crate::utils::{calculate_domain, messages_to_scalars, pairing_check};
use crate::Error;

/// A BBS signature `(A, e)`: a point of G1 and a nonzero scalar.
///
/// To its holder a signature is a secret (it is the credential: whoever has it can present).
/// `Debug` therefore prints no part of it, and it is not `Copy`.
#[derive(Clone, PartialEq, Eq)]
pub struct Signature {
    pub(crate) a: G1Affine,
    pub(crate) e: Scalar,
}

impl core::fmt::Debug for Signature {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("Signature(<redacted>)")
    }
}

impl Signature {
    /// Length of an encoded signature: 48 + 32 bytes.
    pub const LEN: usize = G1_LEN + SCALAR_LEN;

    /// `octets_to_signature` (section 4.2.4.3).
    ///
    /// # Errors
    /// [`Error::Encoding`]: wrong length, `A` malformed, outside G1 or the identity, `e` zero or
    /// not below `r`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != Self::LEN {
            return Err(credkit_core::Error::InvalidLength {
                expected: Self::LEN,
                found: bytes.len(),
            }
            .into());
        }
        let a = g1_from_bytes(&bytes[..G1_LEN])?;
        let e = nonzero_scalar_from_bytes(&bytes[G1_LEN..])?;
        Ok(Signature { a, e })
    }

    /// `signature_to_octets` (section 4.2.4.2): `A || e`.
    pub fn to_bytes(&self) -> [u8; Self::LEN] {
        let mut out = [0u8; Self::LEN];
        out[..G1_LEN].copy_from_slice(&g1_to_bytes(&self.a));
        out[G1_LEN..].copy_from_slice(&scalar_to_bytes(&self.e));
        out
    }
}

/// `Sign(SK, PK, header, messages)` (section 3.4.1), with `PK` the key's own public key.
///
/// ```
/// use credkit_bbs::{sign, verify, Bls12381Sha256, SecretKey};
///
/// let sk = SecretKey::key_gen::<Bls12381Sha256>(&[1u8; 32], b"issuer-1")?;
/// let messages = [&b"name: Ada"[..], b"blood type: O+"];
/// let signature = sign::<Bls12381Sha256>(&sk, b"hospital H1", &messages)?;
/// verify::<Bls12381Sha256>(sk.public_key(), &signature, b"hospital H1", &messages)?;
///
/// // Another header, or other messages, and the signature no longer verifies.
/// assert!(verify::<Bls12381Sha256>(sk.public_key(), &signature, b"hospital H2", &messages).is_err());
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
///
/// # Errors
/// [`Error::TooManyMessages`]; [`Error::DegenerateSignature`] with negligible probability.
pub fn sign<C: Ciphersuite>(
    sk: &SecretKey,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
) -> Result<Signature, Error> {
    let message_scalars = messages_to_scalars::<C, _>(messages, C::API_ID)?;
    let generators = create_generators::<C>(messages.len() + 1, C::API_ID)?;
    core_sign::<C>(
        sk,
        sk.public_key(),
        &generators,
        header,
        &message_scalars,
        C::API_ID,
    )
}

/// `Verify(PK, signature, header, messages)` (section 3.4.2).
///
/// # Errors
/// [`Error::InvalidSignature`] when the signature does not verify; [`Error::TooManyMessages`].
pub fn verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
) -> Result<(), Error> {
    let message_scalars = messages_to_scalars::<C, _>(messages, C::API_ID)?;
    let generators = create_generators::<C>(messages.len() + 1, C::API_ID)?;
    core_verify::<C>(
        pk,
        signature,
        &generators,
        header,
        &message_scalars,
        C::API_ID,
    )
}

/// Splits generators into `Q_1` and the message generators, checking there are `L + 1`.
pub(crate) fn split_generators(
    generators: &Generators,
    l: usize,
) -> Result<(&G1Projective, &[G1Projective]), Error> {
    if generators.len() != l + 1 {
        return Err(Error::GeneratorCount {
            expected: l + 1,
            found: generators.len(),
        });
    }
    let points = generators.points();
    Ok((&points[0], &points[1..]))
}

/// `CoreSign(SK, PK, generators, header, messages, api_id)` (section 3.6.1).
///
/// `B` is a variable-time multi-scalar multiplication in the messages (which the signer
/// holds in the clear); `A = B * (1 / (SK + e))` is blst's constant-time multiplication.
/// `pk` is hashed into the domain as given: pass the key's own public key.
///
/// # Errors
/// [`Error::GeneratorCount`] unless there are `messages.len() + 1` generators;
/// [`Error::DegenerateSignature`] with negligible probability.
pub fn core_sign<C: Ciphersuite>(
    sk: &SecretKey,
    pk: &PublicKey,
    generators: &Generators,
    header: &[u8],
    messages: &[Scalar],
    api_id: &[u8],
) -> Result<Signature, Error> {
    let (q_1, h) = split_generators(generators, messages.len())?;
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;

    // e = hash_to_scalar(serialize((SK, msg_1, ..., msg_L, domain)), hash_to_scalar_dst)
    let sk_scalar = sk.scalar().expose();
    let mut e_input = Zeroizing::new(Vec::with_capacity(SCALAR_LEN * (messages.len() + 2)));
    e_input.extend_from_slice(&scalar_to_bytes(&sk_scalar));
    for m in messages {
        e_input.extend_from_slice(&scalar_to_bytes(m));
    }
    e_input.extend_from_slice(&scalar_to_bytes(&domain));
    let e = hash_to_scalar::<C::Expander>(&[&e_input], &dst(api_id, b"H2S_"))?;

    // B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L
    let b = p1::<C>()?
        + vartime_multi_exp(
            &[&[*q_1][..], h].concat(),
            &[&[domain][..], messages].concat(),
        )?;

    // A = B * (1 / (SK + e)); SK + e = 0 has probability 2^-255 and yields no signature.
    let inverse =
        Option::<Scalar>::from((sk_scalar + e).invert()).ok_or(Error::DegenerateSignature)?;
    let a = b * inverse;
    if bool::from(a.is_identity()) {
        return Err(Error::DegenerateSignature);
    }
    Ok(Signature {
        a: a.to_affine(),
        e,
    })
}

/// `CoreVerify(PK, signature, generators, header, messages, api_id)` (section 3.6.2).
///
/// Computes `A * e - B` in one multi-scalar multiplication and checks
/// `h(A, W) * h(A * e - B, BP2) = 1` with one final exponentiation.
///
/// # Errors
/// [`Error::InvalidSignature`]; [`Error::GeneratorCount`].
pub fn core_verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    generators: &Generators,
    header: &[u8],
    messages: &[Scalar],
    api_id: &[u8],
) -> Result<(), Error> {
    let (q_1, h) = split_generators(generators, messages.len())?;
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;

    // A * e - B = A * e + P1 * (-1) + Q_1 * (-domain) + H_1 * (-msg_1) + ...
    let mut points = Vec::with_capacity(messages.len() + 3);
    points.extend([G1Projective::from(signature.a), p1::<C>()?, *q_1]);
    points.extend_from_slice(h);
    let mut scalars = Vec::with_capacity(messages.len() + 3);
    scalars.extend([signature.e, -Scalar::ONE, -domain]);
    scalars.extend(messages.iter().map(|m| -m));
    let a_e_minus_b = vartime_multi_exp(&points, &scalars)?.to_affine();

    if pairing_check(&signature.a, pk, &a_e_minus_b) {
        Ok(())
    } else {
        Err(Error::InvalidSignature)
    }
}
