//! Per-verifier pseudonyms: draft-irtf-cfrg-bbs-per-verifier-linkability (-03; fixtures of
//! -02, whose algorithms -03 did not change).
//!
//! The holder commits to a vector of secret scalars (`prover_nyms`) when it asks for a
//! credential; the issuer adds entropy of its own to the last one (`signer_nym_entropy`) and
//! signs the vector blindly. Every proof then carries a *pseudonym* for a verifier's
//! `context_id`:
//!
//! ```text
//! OP = hash_to_curve_g1(context_id, api_id)
//! z  = hash_to_scalar(context_id, api_id || "VECT_NYM_SECRETS")
//! pseudonym = OP * (nym_1 + nym_2 * z + ... + nym_N * z^(N-1))
//! ```
//!
//! with a proof that it was computed from the signed secrets. One verifier sees the same
//! pseudonym on every visit of one holder; two verifiers see unrelated ones; and nobody can
//! present the credential without the secrets, which never leave the holder.
//!
//! ```
//! use credkit_bbs::pseudonym::{
//!     blind_sign_with_nym, commit_with_nym, proof_gen_with_nym, proof_verify_with_nym,
//!     verify_finalize_with_nym, NymEntropy, NymSecrets,
//! };
//! use credkit_bbs::{Bls12381Sha256 as Suite, SecretKey};
//!
//! let issuer = SecretKey::generate::<Suite>(&mut rand_core::OsRng);
//! let pk = issuer.public_key();
//! // Holder: secrets and a commitment to them.
//! let prover_nyms = NymSecrets::generate(&mut rand_core::OsRng, 1)?;
//! let (commitment, blind) = commit_with_nym::<Suite>(&[] as &[&[u8]], &prover_nyms)?;
//! // Issuer: sign with fresh entropy.
//! let entropy = NymEntropy::generate(&mut rand_core::OsRng);
//! let signature = blind_sign_with_nym::<Suite>(&issuer, &commitment, 1, &entropy, b"", &[b"role=patient"])?;
//! // Holder: verify and keep the final secrets.
//! let nym_secrets = verify_finalize_with_nym::<Suite>(
//!     pk, &signature, b"", &[b"role=patient"], &[] as &[&[u8]], &prover_nyms, &entropy, Some(&blind),
//! )?;
//! // A pharmacy's context: the same pseudonym on every visit.
//! let present = || proof_gen_with_nym::<Suite>(
//!     pk, &signature, b"", b"nonce", &nym_secrets, b"pharmacy-7", &[b"role=patient"],
//!     &[] as &[&[u8]], &[0], &[], Some(&blind),
//! );
//! let (proof, nym) = present()?;
//! let (_, again) = present()?;
//! assert_eq!(nym, again);
//! proof_verify_with_nym::<Suite>(
//!     pk, &proof, b"", b"nonce", &nym, b"pharmacy-7", 1, 1, &[b"role=patient"], &[0],
//!     &[] as &[&[u8]], &[],
//! )?;
//! // Claimed for another pharmacy, the pseudonym does not verify.
//! assert!(proof_verify_with_nym::<Suite>(
//!     pk, &proof, b"", b"nonce", &nym, b"pharmacy-8", 1, 1, &[b"role=patient"], &[0],
//!     &[] as &[&[u8]], &[],
//! ).is_err());
//! # Ok::<(), credkit_bbs::Error>(())
//! ```

use core::fmt;

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_to_bytes, i2osp8, nonzero_scalar_from_bytes, scalar_from_bytes,
    scalar_to_bytes, G1_LEN, SCALAR_LEN,
};
use credkit_core::msm::ct_multi_exp;
use credkit_core::{hash_to_scalar, SecretScalar};
use ff::Field;
use group::{Curve, Group};
use rand_core::{CryptoRng, OsRng, RngCore};
use zeroize::Zeroizing;

use crate::blind::{
    blind_proof_verify_core, blind_sign_core, commit_scalars_with_rng, merge_indexes, prepare,
    Commitment, ProverBlind,
};
use crate::ciphersuite::{dst, Ciphersuite};
use crate::key::{PublicKey, SecretKey};
use crate::proof::{core_proof_gen_ext, ChallengeExtension, Proof};
use crate::signature::{core_verify, Signature};
use crate::utils::{calculate_random_scalars, messages_to_scalars, wipe, SecretScalars};
use crate::{Error, MAX_MESSAGES};

/// A pseudonym: a point of G1, neither the identity nor `P1`'s multiple by a known scalar that
/// anyone could link. Its encoding is the compressed point (48 bytes).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Pseudonym(G1Affine);

impl Pseudonym {
    /// Decodes a compressed G1 point.
    ///
    /// # Errors
    /// [`Error::Encoding`] for a malformed, off-curve, off-subgroup or identity point.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(Pseudonym(g1_from_bytes(bytes)?))
    }

    /// The compressed point.
    pub fn to_bytes(&self) -> [u8; G1_LEN] {
        g1_to_bytes(&self.0)
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({})", hex_string(&self.to_bytes()))
    }
}

/// Lowercase hex, as every credkit document writes it.
impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex_string(&self.to_bytes()))
    }
}

fn hex_string(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A vector of pseudonym secrets: the holder's `prover_nyms` before issuance and its
/// `nym_secrets` after. Secret: zeroized on drop, redacted in `Debug`.
///
/// With `N` secrets a holder's pseudonyms stay unlinkable even to an adversary who can solve
/// discrete logarithms, as long as it presents to at most `N - 1` contexts (draft section 10.1).
#[derive(Clone, PartialEq, Eq)]
pub struct NymSecrets(Vec<SecretScalar>);

impl NymSecrets {
    /// `N` fresh random secrets (`1 <= N <= 64`).
    ///
    /// # Errors
    /// [`Error::NymSecretCount`] for `N` outside 1..=64.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng), n: usize) -> Result<Self, Error> {
        check_nym_count(n)?;
        let mut scalars = calculate_random_scalars(rng, n);
        let out = NymSecrets(scalars.iter().map(|s| SecretScalar::new(*s)).collect());
        wipe(&mut scalars);
        Ok(out)
    }

    /// Decodes `N * 32` bytes of big-endian scalars, each nonzero and below `r`.
    ///
    /// # Errors
    /// [`Error::NymSecretCount`] unless the length is a multiple of 32 for `N` in 1..=64;
    /// [`Error::Encoding`] for a zero or non-canonical scalar.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() % SCALAR_LEN != 0 {
            return Err(Error::NymSecretCount {
                expected: bytes.len().div_ceil(SCALAR_LEN),
                found: bytes.len() / SCALAR_LEN,
            });
        }
        check_nym_count(bytes.len() / SCALAR_LEN)?;
        bytes
            .chunks_exact(SCALAR_LEN)
            .map(|c| Ok(SecretScalar::new(nonzero_scalar_from_bytes(c)?)))
            .collect::<Result<_, Error>>()
            .map(NymSecrets)
    }

    /// The concatenated 32-byte encodings, in a buffer zeroized on drop.
    pub fn to_bytes(&self) -> Zeroizing<Vec<u8>> {
        let mut out = Zeroizing::new(Vec::with_capacity(self.0.len() * SCALAR_LEN));
        for s in &self.0 {
            out.extend_from_slice(&scalar_to_bytes(&s.expose()));
        }
        out
    }

    /// The number `N` of secrets.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Never true for a value built by this type; present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub(crate) fn from_scalars(scalars: &[Scalar]) -> Result<Self, Error> {
        check_nym_count(scalars.len())?;
        Ok(NymSecrets(
            scalars.iter().map(|s| SecretScalar::new(*s)).collect(),
        ))
    }

    pub(crate) fn scalars(&self) -> SecretScalars {
        SecretScalars(self.0.iter().map(SecretScalar::expose).collect())
    }
}

impl fmt::Debug for NymSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NymSecrets({} x <redacted>)", self.0.len())
    }
}

/// The largest pseudonym secret vector accepted: 64 (the fixtures use 1 and 10).
pub const MAX_NYM_SECRETS: usize = 64;

fn check_nym_count(n: usize) -> Result<(), Error> {
    if n == 0 || n > MAX_NYM_SECRETS {
        return Err(Error::NymSecretCount {
            expected: n.clamp(1, MAX_NYM_SECRETS),
            found: n,
        });
    }
    Ok(())
}

/// The issuer's `signer_nym_entropy` (section 7.1.2): added to the holder's last secret, so that
/// a stolen `prover_nyms` vector or commitment is useless at another issuance. The holder needs
/// it to finalize its secrets; it is as sensitive as they are.
#[derive(Clone, PartialEq, Eq)]
pub struct NymEntropy(SecretScalar);

impl NymEntropy {
    /// Fresh entropy.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let mut s = calculate_random_scalars(rng, 1);
        let out = NymEntropy(SecretScalar::new(s[0]));
        wipe(&mut s);
        out
    }

    /// Decodes 32 big-endian bytes, a scalar below `r`.
    ///
    /// # Errors
    /// [`Error::Encoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(NymEntropy(SecretScalar::new(scalar_from_bytes(bytes)?)))
    }

    /// The 32-byte encoding, zeroized on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        Zeroizing::new(scalar_to_bytes(&self.0.expose()))
    }
}

impl fmt::Debug for NymEntropy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("NymEntropy(<redacted>)")
    }
}

/// `header || I2OSP(length_nym_vector, 8)`: the header every operation of the Interface signs.
fn combined_header(header: &[u8], n: usize) -> Vec<u8> {
    [header, &i2osp8(n as u64)].concat()
}

/// `CommitWithNym(committed_messages, prover_nyms, api_id)` (section 7.1.1), with randomness
/// from the operating system.
///
/// # Errors
/// [`Error::TooManyMessages`].
pub fn commit_with_nym<C: Ciphersuite>(
    committed_messages: &[impl AsRef<[u8]>],
    prover_nyms: &NymSecrets,
) -> Result<(Commitment, ProverBlind), Error> {
    commit_with_nym_with_rng::<C>(&mut OsRng, committed_messages, prover_nyms)
}

/// [`commit_with_nym`] with the caller's random number generator.
///
/// # Errors
/// As [`commit_with_nym`].
pub fn commit_with_nym_with_rng<C: Ciphersuite>(
    rng: &mut (impl RngCore + CryptoRng),
    committed_messages: &[impl AsRef<[u8]>],
    prover_nyms: &NymSecrets,
) -> Result<(Commitment, ProverBlind), Error> {
    let mut scalars = SecretScalars(messages_to_scalars::<C, _>(
        committed_messages,
        C::PSEUDONYM_API_ID,
    )?);
    scalars.extend_from_slice(&prover_nyms.scalars());
    commit_scalars_with_rng::<C>(rng, &scalars, C::PSEUDONYM_API_ID)
}

/// `BlindSignWithNym(SK, PK, commitment_with_proof, length_nym_vector, signer_nym_entropy,
/// header, messages)` (section 7.1.2), with `PK` the key's own public key.
///
/// The commitment's proof is checked first; the holder must state `nym_count`, which the
/// signature binds (the draft's defence against a holder who later claims fewer secrets).
///
/// # Errors
/// [`Error::InvalidCommitment`]; [`Error::NymSecretCount`] when the commitment holds fewer than
/// `nym_count` scalars or `nym_count` is outside 1..=64; [`Error::TooManyMessages`].
pub fn blind_sign_with_nym<C: Ciphersuite>(
    sk: &SecretKey,
    commitment: &Commitment,
    nym_count: usize,
    signer_nym_entropy: &NymEntropy,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
) -> Result<Signature, Error> {
    check_nym_count(nym_count)?;
    if commitment.committed_count() < nym_count {
        return Err(Error::NymSecretCount {
            expected: nym_count,
            found: commitment.committed_count(),
        });
    }
    let entropy = signer_nym_entropy.0.expose();
    blind_sign_core::<C>(
        sk,
        Some(commitment),
        &combined_header(header, nym_count),
        messages,
        C::PSEUDONYM_API_ID,
        Some(&entropy),
    )
}

/// `VerifyFinalizeWithNym` (section 7.1.3): verifies the signature and returns the final
/// `nym_secrets` (the holder's with the issuer's entropy added to the last).
///
/// # Errors
/// [`Error::InvalidSignature`]; [`Error::TooManyMessages`].
#[allow(clippy::too_many_arguments)]
pub fn verify_finalize_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    prover_nyms: &NymSecrets,
    signer_nym_entropy: &NymEntropy,
    prover_blind: Option<&ProverBlind>,
) -> Result<NymSecrets, Error> {
    let mut nym_secrets = prover_nyms.scalars();
    let n = nym_secrets.len();
    nym_secrets[n - 1] += signer_nym_entropy.0.expose();
    let blind = prover_blind.map_or(Scalar::ZERO, ProverBlind::expose);
    let (scalars, generators) = prepare::<C>(
        messages,
        committed_messages,
        blind,
        &nym_secrets,
        C::PSEUDONYM_API_ID,
    )?;
    core_verify::<C>(
        pk,
        signature,
        &generators,
        &combined_header(header, n),
        &scalars,
        C::PSEUDONYM_API_ID,
    )?;
    NymSecrets::from_scalars(&nym_secrets)
}

/// `OP = hash_to_curve_g1(context_id, api_id)` and `z = hash_to_scalar(context_id, api_id ||
/// "VECT_NYM_SECRETS")` (section 9.3.1).
fn context_base<C: Ciphersuite>(context_id: &[u8]) -> Result<(G1Projective, Scalar), Error> {
    let api_id = C::PSEUDONYM_API_ID;
    let op = C::hash_to_g1(context_id, api_id);
    let z = hash_to_scalar::<C::Expander>(&[context_id], &dst(api_id, b"VECT_NYM_SECRETS"))?;
    Ok((op, z))
}

/// `sum(coefficients[i] * z^i)`, by Horner's rule.
fn poly_eval(coefficients: &[Scalar], z: &Scalar) -> Scalar {
    coefficients
        .iter()
        .rev()
        .fold(Scalar::ZERO, |acc, c| acc * z + c)
}

/// `ProofGenWithNym` (section 7.2): a BBS proof with the pseudonym for `context_id` and a proof
/// that it was computed from the signed `nym_secrets`. Randomness from the operating system.
///
/// # Errors
/// [`Error::IndexOutOfRange`], [`Error::IndexesNotAscending`], [`Error::TooManyMessages`].
#[allow(clippy::too_many_arguments)]
pub fn proof_gen_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    nym_secrets: &NymSecrets,
    context_id: &[u8],
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    prover_blind: Option<&ProverBlind>,
) -> Result<(Proof, Pseudonym), Error> {
    let disclosed = disclosed_indexes.len() + disclosed_committed_indexes.len();
    let total = messages.len() + 1 + committed_messages.len() + nym_secrets.len();
    if total > MAX_MESSAGES {
        return Err(Error::TooManyMessages(total));
    }
    let mut random_scalars =
        calculate_random_scalars(&mut OsRng, total.saturating_sub(disclosed) + 5);
    let result = proof_gen_with_nym_with_scalars::<C>(
        pk,
        signature,
        header,
        ph,
        nym_secrets,
        context_id,
        messages,
        committed_messages,
        disclosed_indexes,
        disclosed_committed_indexes,
        prover_blind,
        &random_scalars,
    );
    wipe(&mut random_scalars);
    result
}

/// [`proof_gen_with_nym`] with the random scalars `(r1, r2, e~, r1~, r3~, m~_j1, ..., m~_jU)`
/// given (for the fixtures).
#[allow(clippy::too_many_arguments)]
pub(crate) fn proof_gen_with_nym_with_scalars<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    nym_secrets: &NymSecrets,
    context_id: &[u8],
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    prover_blind: Option<&ProverBlind>,
    random_scalars: &[Scalar],
) -> Result<(Proof, Pseudonym), Error> {
    let n = nym_secrets.len();
    let indexes = merge_indexes(
        messages.len(),
        committed_messages.len(),
        disclosed_indexes,
        disclosed_committed_indexes,
    )?;
    let blind = prover_blind.map_or(Scalar::ZERO, ProverBlind::expose);
    let secrets = nym_secrets.scalars();
    let (scalars, generators) = prepare::<C>(
        messages,
        committed_messages,
        blind,
        &secrets,
        C::PSEUDONYM_API_ID,
    )?;
    let (op, z) = context_base::<C>(context_id)?;
    let mut pseudonym = None;
    let proof = core_proof_gen_ext::<C>(
        pk,
        signature,
        &generators,
        &combined_header(header, n),
        ph,
        &scalars,
        &indexes,
        C::PSEUDONYM_API_ID,
        random_scalars,
        |m_tilde| {
            // PseudonymProofInit (section 9.3.1): the nym secrets are the last N undisclosed
            // messages, so their random scalars are the last N of m~.
            let nym_tilde = &m_tilde[m_tilde.len() - n..];
            let mut evals = SecretScalars(vec![poly_eval(&secrets, &z), poly_eval(nym_tilde, &z)]);
            // pseudonym = OP * poly(nym_secrets); Ut = OP * poly(m~): secret scalars, constant time.
            let nym = ct_multi_exp(&[op], &evals[..1])?;
            let ut = ct_multi_exp(&[op], &evals[1..])?;
            wipe(&mut evals);
            if bool::from(nym.is_identity() | ut.is_identity()) {
                return Err(Error::DegenerateSignature);
            }
            let nym = nym.to_affine();
            pseudonym = Some(Pseudonym(nym));
            Ok(pseudonym_extension(nym, ut.to_affine(), context_id))
        },
    )?;
    let pseudonym = pseudonym.ok_or(Error::DegenerateSignature)?;
    Ok((proof, pseudonym))
}

/// The pseudonym's part of `ProofWithPseudonymChallengeCalculate` (section 10.1): `pseudonym,
/// Ut` after `T2`, and `I2OSP(length(context_id), 8) || context_id` after the presentation
/// header.
fn pseudonym_extension(pseudonym: G1Affine, u: G1Affine, context_id: &[u8]) -> ChallengeExtension {
    ChallengeExtension {
        points: vec![pseudonym, u],
        trailer: [&i2osp8(context_id.len() as u64)[..], context_id].concat(),
    }
}

/// `ProofVerifyWithNym` (section 7.3): `nym_count` is the length `N` of the secret vector the
/// credential was issued with and `l` the number of signer messages; the number of committed
/// messages follows from the proof's length.
///
/// # Errors
/// [`Error::InvalidProof`] (also for a pseudonym that was not computed for `context_id` from
/// the signed secrets); [`Error::SignerMessageCount`], [`Error::NymSecretCount`],
/// [`Error::DisclosedCountMismatch`], [`Error::IndexOutOfRange`], [`Error::IndexesNotAscending`],
/// [`Error::TooManyMessages`] for malformed arguments.
#[allow(clippy::too_many_arguments)]
pub fn proof_verify_with_nym<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    ph: &[u8],
    pseudonym: &Pseudonym,
    context_id: &[u8],
    nym_count: usize,
    l: usize,
    disclosed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_messages: &[impl AsRef<[u8]>],
    disclosed_committed_indexes: &[usize],
) -> Result<(), Error> {
    check_nym_count(nym_count)?;
    let (op, z) = context_base::<C>(context_id)?;
    blind_proof_verify_core::<C>(
        pk,
        proof,
        &combined_header(header, nym_count),
        ph,
        l,
        disclosed_messages,
        disclosed_indexes,
        disclosed_committed_messages,
        disclosed_committed_indexes,
        nym_count,
        C::PSEUDONYM_API_ID,
        |m_hat, cp| {
            // PseudonymProofVerifyInit (section 9.3.2): Uv = OP * poly(m^) - pseudonym * cp
            let nym_hat = &m_hat[m_hat.len() - nym_count..];
            let uv = credkit_core::msm::vartime_multi_exp(
                &[op, pseudonym.0.into()],
                &[poly_eval(nym_hat, &z), -cp],
            )?;
            if bool::from(uv.is_identity()) {
                return Err(Error::InvalidProof);
            }
            Ok(pseudonym_extension(pseudonym.0, uv.to_affine(), context_id))
        },
    )
}
