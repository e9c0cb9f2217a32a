//! Blind BBS signatures: draft-irtf-cfrg-bbs-blind-signatures.
//!
//! The holder (the draft's *Prover*) commits to messages the issuer must not see, e.g. a
//! holder secret that binds the credential to its owner, and proves the commitment well
//! formed; the issuer (*Signer*) checks that proof and signs its own messages together with the
//! commitment, without learning what is inside. The holder then verifies the signature and
//! derives proofs from it as from a plain BBS signature, disclosing any of either list.
//!
//! ```
//! use credkit_bbs::blind::{blind_proof_gen, blind_proof_verify, blind_sign, blind_verify, commit};
//! use credkit_bbs::{Bls12381Sha256 as Suite, SecretKey};
//!
//! let issuer = SecretKey::generate::<Suite>(&mut rand_core::OsRng);
//! // Holder: commit to a secret the issuer never sees.
//! let (commitment, blind) = commit::<Suite>(&[b"holder secret"])?;
//! // Issuer: check the commitment's proof and sign its own attributes with it.
//! let signature = blind_sign::<Suite>(&issuer, Some(&commitment), b"H1", &[b"ward=cardiology"])?;
//! // Holder: verify, then present the ward and nothing else.
//! blind_verify::<Suite>(issuer.public_key(), &signature, b"H1", &[b"ward=cardiology"], &[b"holder secret"], Some(&blind))?;
//! let proof = blind_proof_gen::<Suite>(
//!     issuer.public_key(), &signature, b"H1", b"nonce", &[b"ward=cardiology"], &[b"holder secret"],
//!     &[0], &[], Some(&blind),
//! )?;
//! blind_proof_verify::<Suite>(issuer.public_key(), &proof, b"H1", b"nonce", 1, &[b"ward=cardiology"], &[0], &[] as &[&[u8]], &[])?;
//!
//! // Without the blinding factor the holder's own signature is useless.
//! assert!(blind_verify::<Suite>(issuer.public_key(), &signature, b"H1", &[b"ward=cardiology"], &[b"holder secret"], None).is_err());
//! # Ok::<(), credkit_bbs::Error>(())
//! ```
//!
//! ## Versions
//!
//! The published fixtures were generated with the algorithms of -01/-02, and the newest text
//! (-03) changed proof generation (commitments to disclosed-by-commitment messages, a new
//! challenge and proof encoding) without new fixtures. This module implements what the
//! fixtures check, and is byte-exact against every one of them:
//!
//! - `Commit`, `CoreCommit`, `CoreCommitVerify`, `calculate_blind_challenge` and the commitment
//!   encoding: -02 sections 4.1, 4.3.1, 4.3.2, 5.3, 5.4 (unchanged in -03 apart from typos).
//! - `BlindSign`, `B_calculate`: -03 sections 4.2.1, 5.1 (`B = P1 + Q_1 * domain +
//!   sum(H_i * msg_i) + commit`, with `domain` over `(H_1..H_L, Q_2, J_1..J_M)`, which is what
//!   `CoreVerify` recomputes); `FinalizeBlindSign`: -02 section 4.3.3, `e = hash_to_scalar(SK
//!   || B)` (-03 also hashes `domain`; the fixtures do not).
//! - `Verify`, `BlindProofGen`, `BlindProofVerify`: -02 sections 4.2.2-4.2.4: a plain BBS
//!   proof (draft-irtf-cfrg-bbs-signatures, section 3.6.3) over
//!   `(msg_1..msg_L, secret_prover_blind, cm_1..cm_M)` under
//!   `(Q_1, H_1..H_L, Q_2, J_1..J_M)`, with `api_id = ciphersuite_id || "BLIND_H2G_HM2S_"`;
//!   committed message `j` has index `L + 1 + j` in that list.

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_to_bytes, i2osp8, nonzero_scalar_from_bytes, scalar_from_bytes,
    scalar_to_bytes, G1_LEN, SCALAR_LEN,
};
use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
use credkit_core::{hash_to_scalar, SecretScalar};
use ff::Field;
use group::{Curve, Group};
use rand_core::{CryptoRng, OsRng, RngCore};
use zeroize::Zeroizing;

use crate::ciphersuite::{dst, Ciphersuite};
use crate::generators::{create_generators, p1, Generators};
use crate::key::{PublicKey, SecretKey};
use crate::proof::{core_proof_gen_ext, core_proof_verify_ext, ChallengeExtension, Proof};
use crate::signature::{core_verify, Signature};
use crate::utils::{
    calculate_domain, calculate_random_scalars, check_indexes, messages_to_scalars, wipe,
    SecretScalars,
};
use crate::{Error, MAX_MESSAGES};

/// A commitment to the holder's messages with its proof of correctness: `(C, (s^, (m^_1, ...,
/// m^_M), cp))`, the `commitment_with_proof` of section 4.1.1. It hides the messages
/// (statistically) and reveals only their number `M`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitment {
    pub(crate) commit: G1Affine,
    s_hat: Scalar,
    m_hat: Vec<Scalar>,
    challenge: Scalar,
}

/// `commit_len_floor` (section 5.4.2): a point and two scalars.
const COMMITMENT_LEN_FLOOR: usize = G1_LEN + 2 * SCALAR_LEN;

impl Commitment {
    /// `octets_to_commitment_with_proof` (section 5.4.2).
    ///
    /// # Errors
    /// [`Error::CommitmentLength`] unless the length is `48 + (2 + M) * 32`;
    /// [`Error::TooManyMessages`] when `M` exceeds [`MAX_MESSAGES`]; [`Error::Encoding`] for a
    /// malformed, off-subgroup or identity point, or a scalar that is zero or not below `r`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < COMMITMENT_LEN_FLOOR
            || (bytes.len() - COMMITMENT_LEN_FLOOR) % SCALAR_LEN != 0
        {
            return Err(Error::CommitmentLength(bytes.len()));
        }
        let m = (bytes.len() - COMMITMENT_LEN_FLOOR) / SCALAR_LEN;
        if m > MAX_MESSAGES {
            return Err(Error::TooManyMessages(m));
        }
        let commit = g1_from_bytes(&bytes[..G1_LEN])?;
        let scalars = bytes[G1_LEN..]
            .chunks_exact(SCALAR_LEN)
            .map(nonzero_scalar_from_bytes)
            .collect::<Result<Vec<Scalar>, _>>()?;
        Ok(Commitment {
            commit,
            s_hat: scalars[0],
            m_hat: scalars[1..=m].to_vec(),
            challenge: scalars[m + 1],
        })
    }

    /// `commitment_with_proof_to_octets` (section 5.4.1).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(COMMITMENT_LEN_FLOOR + self.m_hat.len() * SCALAR_LEN);
        out.extend_from_slice(&g1_to_bytes(&self.commit));
        for s in [&self.s_hat]
            .into_iter()
            .chain(&self.m_hat)
            .chain([&self.challenge])
        {
            out.extend_from_slice(&scalar_to_bytes(s));
        }
        out
    }

    /// The number `M` of committed scalars (messages, and pseudonym secrets if any).
    pub fn committed_count(&self) -> usize {
        self.m_hat.len()
    }
}

/// The holder's `secret_prover_blind` (section 4.1.1): the random scalar that hides the
/// commitment. It must stay with the holder; every proof from the signature needs it.
///
/// Zeroized on drop; `Debug` is redacted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProverBlind(SecretScalar);

impl ProverBlind {
    /// Decodes 32 big-endian bytes, a scalar below `r` (zero is allowed: it is the draft's
    /// default for a signature issued without a commitment).
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length or a non-canonical scalar.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        Ok(ProverBlind(SecretScalar::new(scalar_from_bytes(bytes)?)))
    }

    /// The 32-byte big-endian encoding, in a buffer zeroized on drop.
    pub fn to_bytes(&self) -> Zeroizing<[u8; SCALAR_LEN]> {
        Zeroizing::new(scalar_to_bytes(&self.0.expose()))
    }

    pub(crate) fn new(s: Scalar) -> Self {
        ProverBlind(SecretScalar::new(s))
    }

    pub(crate) fn expose(&self) -> Scalar {
        self.0.expose()
    }
}

/// `Commit(committed_messages, api_id)` of the Blind BBS Interface (section 4.1.1), with
/// randomness from the operating system.
///
/// # Errors
/// [`Error::TooManyMessages`].
pub fn commit<C: Ciphersuite>(
    committed_messages: &[impl AsRef<[u8]>],
) -> Result<(Commitment, ProverBlind), Error> {
    commit_with_rng::<C>(&mut OsRng, committed_messages)
}

/// [`commit`] with the caller's random number generator.
///
/// # Errors
/// As [`commit`].
pub fn commit_with_rng<C: Ciphersuite>(
    rng: &mut (impl RngCore + CryptoRng),
    committed_messages: &[impl AsRef<[u8]>],
) -> Result<(Commitment, ProverBlind), Error> {
    let scalars = messages_to_scalars::<C, _>(committed_messages, C::BLIND_API_ID)?;
    commit_scalars_with_rng::<C>(rng, &scalars, C::BLIND_API_ID)
}

/// `Commit` over scalars already mapped, under `api_id`, with random scalars from `rng`.
pub(crate) fn commit_scalars_with_rng<C: Ciphersuite>(
    rng: &mut (impl RngCore + CryptoRng),
    committed_scalars: &[Scalar],
    api_id: &[u8],
) -> Result<(Commitment, ProverBlind), Error> {
    let mut random_scalars = calculate_random_scalars(rng, committed_scalars.len() + 2);
    let generators = blind_generators::<C>(committed_scalars.len() + 1, api_id)?;
    let result = core_commit::<C>(committed_scalars, &generators, api_id, &random_scalars);
    wipe(&mut random_scalars);
    result
}

/// `create_generators(count, "BLIND_" || api_id)`: `(Q_2, J_1, ..., J_M)`.
pub(crate) fn blind_generators<C: Ciphersuite>(
    count: usize,
    api_id: &[u8],
) -> Result<Generators, Error> {
    create_generators::<C>(count, &dst(b"BLIND_", api_id))
}

/// `CoreCommit(committed_scalars, blind_generators, api_id)` (section 4.3.1) with the random
/// scalars `(secret_prover_blind, s~, m~_1, ..., m~_M)` given.
///
/// Both multiplications involve secrets and are constant time.
///
/// # Errors
/// [`Error::GeneratorCount`], [`Error::RandomScalarCount`].
pub(crate) fn core_commit<C: Ciphersuite>(
    committed_scalars: &[Scalar],
    blind_generators: &Generators,
    api_id: &[u8],
    random_scalars: &[Scalar],
) -> Result<(Commitment, ProverBlind), Error> {
    let m = committed_scalars.len();
    if blind_generators.len() != m + 1 {
        return Err(Error::GeneratorCount {
            expected: m + 1,
            found: blind_generators.len(),
        });
    }
    if random_scalars.len() != m + 2 {
        return Err(Error::RandomScalarCount {
            expected: m + 2,
            found: random_scalars.len(),
        });
    }
    let (blind, s_tilde, m_tilde) = (random_scalars[0], random_scalars[1], &random_scalars[2..]);
    let points = blind_generators.points();
    // C = Q_2 * secret_prover_blind + J_1 * msg_1 + ... + J_M * msg_M
    let secrets = SecretScalars([&[blind][..], committed_scalars].concat());
    let c = ct_multi_exp(points, &secrets)?;
    // Cbar = Q_2 * s~ + J_1 * m~_1 + ... + J_M * m~_M
    let c_bar = ct_multi_exp(points, &random_scalars[1..])?;
    if bool::from(c.is_identity()) {
        return Err(Error::DegenerateSignature);
    }
    let challenge =
        blind_challenge::<C>(&c.to_affine(), &c_bar.to_affine(), blind_generators, api_id)?;
    let commitment = Commitment {
        commit: c.to_affine(),
        s_hat: s_tilde + blind * challenge,
        m_hat: m_tilde
            .iter()
            .zip(committed_scalars)
            .map(|(m_t, msg)| m_t + msg * challenge)
            .collect(),
        challenge,
    };
    drop(secrets);
    Ok((commitment, ProverBlind::new(blind)))
}

/// `CoreCommitVerify(commitment, commitment_proof, blind_generators, api_id)` (section 4.3.2).
///
/// # Errors
/// [`Error::InvalidCommitment`]; [`Error::GeneratorCount`].
pub(crate) fn core_commit_verify<C: Ciphersuite>(
    commitment: &Commitment,
    blind_generators: &Generators,
    api_id: &[u8],
) -> Result<(), Error> {
    let m = commitment.m_hat.len();
    if blind_generators.len() != m + 1 {
        return Err(Error::GeneratorCount {
            expected: m + 1,
            found: blind_generators.len(),
        });
    }
    // Cbar = Q_2 * s^ + J_1 * m^_1 + ... + J_M * m^_M + C * (-cp)
    let mut points = blind_generators.points().to_vec();
    points.push(commitment.commit.into());
    let mut scalars = Vec::with_capacity(m + 2);
    scalars.push(commitment.s_hat);
    scalars.extend_from_slice(&commitment.m_hat);
    scalars.push(-commitment.challenge);
    let c_bar = vartime_multi_exp(&points, &scalars)?.to_affine();
    let cv = blind_challenge::<C>(&commitment.commit, &c_bar, blind_generators, api_id)?;
    if cv != commitment.challenge {
        return Err(Error::InvalidCommitment);
    }
    Ok(())
}

/// `calculate_blind_challenge(C, Cbar, generators, api_id)` (section 5.3):
/// `hash_to_scalar(serialize((M, Q_2, J_1, ..., J_M, C, Cbar)), api_id || "H2S_")`.
fn blind_challenge<C: Ciphersuite>(
    c: &G1Affine,
    c_bar: &G1Affine,
    generators: &Generators,
    api_id: &[u8],
) -> Result<Scalar, Error> {
    let m = generators.len().saturating_sub(1) as u64;
    Ok(hash_to_scalar::<C::Expander>(
        &[
            &i2osp8(m),
            generators.compressed(),
            &g1_to_bytes(c),
            &g1_to_bytes(c_bar),
        ],
        &dst(api_id, b"H2S_"),
    )?)
}

/// `deserialize_and_validate_commit` (section 4.1.2) for the Blind BBS Interface: checks the
/// commitment's proof of correctness, as [`blind_sign`] does before signing.
///
/// # Errors
/// [`Error::InvalidCommitment`].
pub fn verify_commitment<C: Ciphersuite>(commitment: &Commitment) -> Result<(), Error> {
    let generators = blind_generators::<C>(commitment.committed_count() + 1, C::BLIND_API_ID)?;
    core_commit_verify::<C>(commitment, &generators, C::BLIND_API_ID)
}

/// `BlindSign(SK, PK, commitment_with_proof, header, messages)` (section 4.2.1), with `PK`
/// the key's own public key. `commitment` is `None` for a signature without a commitment.
///
/// The commitment's proof is checked first: a holder cannot get a signature on a commitment
/// it cannot open.
///
/// # Errors
/// [`Error::InvalidCommitment`], [`Error::TooManyMessages`]; [`Error::DegenerateSignature`]
/// with negligible probability.
pub fn blind_sign<C: Ciphersuite>(
    sk: &SecretKey,
    commitment: Option<&Commitment>,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
) -> Result<Signature, Error> {
    blind_sign_core::<C>(sk, commitment, header, messages, C::BLIND_API_ID, None)
}

/// `BlindSign` under `api_id`, optionally adding `J_M * signer_nym_entropy` to `B` (the
/// pseudonym draft's `BlindSignWithNym`, which also passes its own header).
pub(crate) fn blind_sign_core<C: Ciphersuite>(
    sk: &SecretKey,
    commitment: Option<&Commitment>,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
    api_id: &[u8],
    signer_nym_entropy: Option<&Scalar>,
) -> Result<Signature, Error> {
    let l = messages.len();
    let m = commitment.map_or(0, Commitment::committed_count);
    if l + m + 1 > MAX_MESSAGES {
        return Err(Error::TooManyMessages(l + m + 1));
    }
    let generators = create_generators::<C>(l + 1, api_id)?;
    let blind_gens = blind_generators::<C>(m + 1, api_id)?;
    let commit = match commitment {
        Some(c) => {
            core_commit_verify::<C>(c, &blind_gens, api_id)?;
            G1Projective::from(c.commit)
        }
        None => G1Projective::identity(),
    };
    let message_scalars = messages_to_scalars::<C, _>(messages, api_id)?;
    let all = generators.append(&blind_gens);
    let pk = sk.public_key();
    let domain = calculate_domain::<C>(pk, &all, header, api_id)?;

    // B_calculate (section 5.1): B = P1 + Q_1 * domain + H_1 * msg_1 + ... + commit
    let points = generators.points();
    let mut scalars = Vec::with_capacity(l + 1);
    scalars.push(domain);
    scalars.extend_from_slice(&message_scalars);
    let mut b = p1::<C>()? + vartime_multi_exp(points, &scalars)? + commit;
    if let Some(entropy) = signer_nym_entropy {
        // B = B + blind_generators[-1] * signer_nym_entropy
        let last = blind_gens.points()[m];
        b += last * entropy;
    }
    if bool::from(b.is_identity()) {
        return Err(Error::DegenerateSignature);
    }

    // FinalizeBlindSign (-02 section 4.3.3): e = hash_to_scalar(serialize((SK, B))). The -03
    // text adds `domain` to the input; the fixtures follow -02, and `B` already commits to
    // `domain` (it is `P1 + Q_1 * domain + ...`).
    let sk_scalar = sk.scalar().expose();
    let mut e_input = Zeroizing::new(Vec::with_capacity(SCALAR_LEN + G1_LEN));
    e_input.extend_from_slice(&scalar_to_bytes(&sk_scalar));
    e_input.extend_from_slice(&g1_to_bytes(&b.to_affine()));
    let e = hash_to_scalar::<C::Expander>(&[&e_input], &dst(api_id, b"H2S_"))?;
    // A = B * (1 / (SK + e))
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

/// The message scalars and generators of a blind signature (-02 `prepare_parameters`):
/// `(msg_1, ..., msg_L, secret_prover_blind, cm_1, ..., cm_M, extra_1, ...)` under
/// `(Q_1, H_1, ..., H_L, Q_2, J_1, ...)`.
pub(crate) fn prepare<C: Ciphersuite>(
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    prover_blind: Scalar,
    extra: &[Scalar],
    api_id: &[u8],
) -> Result<(SecretScalars, Generators), Error> {
    let (l, m) = (messages.len(), committed_messages.len() + extra.len());
    if l + m + 1 > MAX_MESSAGES {
        return Err(Error::TooManyMessages(l + m + 1));
    }
    let mut scalars = SecretScalars(messages_to_scalars::<C, _>(messages, api_id)?);
    scalars.push(prover_blind);
    scalars.extend(messages_to_scalars::<C, _>(committed_messages, api_id)?);
    scalars.extend_from_slice(extra);
    let generators =
        create_generators::<C>(l + 1, api_id)?.append(&blind_generators::<C>(m + 1, api_id)?);
    Ok((scalars, generators))
}

/// The indexes in the full message list of the disclosed signer messages and the disclosed
/// committed messages: `i` and `L + 1 + j` (-02 section 4.2.3, steps 2-4).
pub(crate) fn merge_indexes(
    l: usize,
    m: usize,
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
) -> Result<Vec<usize>, Error> {
    check_indexes(disclosed_indexes, l)?;
    check_indexes(disclosed_committed_indexes, m)?;
    Ok(disclosed_indexes
        .iter()
        .copied()
        .chain(disclosed_committed_indexes.iter().map(|j| j + l + 1))
        .collect())
}

/// `Verify(PK, signature, header, messages, committed_messages, secret_prover_blind)` of the
/// Blind BBS Interface (-02 section 4.2.2). `prover_blind` is `None` for a signature issued
/// without a commitment.
///
/// # Errors
/// [`Error::InvalidSignature`]; [`Error::TooManyMessages`].
pub fn blind_verify<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    prover_blind: Option<&ProverBlind>,
) -> Result<(), Error> {
    let blind = prover_blind.map_or(Scalar::ZERO, ProverBlind::expose);
    let (scalars, generators) =
        prepare::<C>(messages, committed_messages, blind, &[], C::BLIND_API_ID)?;
    core_verify::<C>(
        pk,
        signature,
        &generators,
        header,
        &scalars,
        C::BLIND_API_ID,
    )
}

/// `BlindProofGen` (-02 section 4.2.3), with randomness from the operating system: a BBS proof
/// that discloses the signer messages at `disclosed_indexes` and the committed messages at
/// `disclosed_committed_indexes` (both strictly ascending, each into its own list).
///
/// # Errors
/// [`Error::IndexOutOfRange`], [`Error::IndexesNotAscending`], [`Error::TooManyMessages`].
#[allow(clippy::too_many_arguments)]
pub fn blind_proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    prover_blind: Option<&ProverBlind>,
) -> Result<Proof, Error> {
    let indexes = merge_indexes(
        messages.len(),
        committed_messages.len(),
        disclosed_indexes,
        disclosed_committed_indexes,
    )?;
    let undisclosed = messages.len() + 1 + committed_messages.len() - indexes.len();
    let mut random_scalars = calculate_random_scalars(&mut OsRng, undisclosed + 5);
    let proof = blind_proof_gen_with_scalars::<C>(
        pk,
        signature,
        header,
        ph,
        messages,
        committed_messages,
        disclosed_indexes,
        disclosed_committed_indexes,
        prover_blind,
        &random_scalars,
    );
    wipe(&mut random_scalars);
    proof
}

/// [`blind_proof_gen`] with the random scalars `(r1, r2, e~, r1~, r3~, m~_j1, ..., m~_jU)`
/// given (for the fixtures; see `hazmat`).
#[allow(clippy::too_many_arguments)]
pub(crate) fn blind_proof_gen_with_scalars<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    messages: &[impl AsRef<[u8]>],
    committed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_indexes: &[usize],
    prover_blind: Option<&ProverBlind>,
    random_scalars: &[Scalar],
) -> Result<Proof, Error> {
    let indexes = merge_indexes(
        messages.len(),
        committed_messages.len(),
        disclosed_indexes,
        disclosed_committed_indexes,
    )?;
    let blind = prover_blind.map_or(Scalar::ZERO, ProverBlind::expose);
    let (scalars, generators) =
        prepare::<C>(messages, committed_messages, blind, &[], C::BLIND_API_ID)?;
    core_proof_gen_ext::<C>(
        pk,
        signature,
        &generators,
        header,
        ph,
        &scalars,
        &indexes,
        C::BLIND_API_ID,
        random_scalars,
        |_| Ok(ChallengeExtension::default()),
    )
}

/// `BlindProofVerify` (-02 section 4.2.4): `l` is the number of signer messages `L`; the
/// number of committed messages follows from the proof's length.
///
/// # Errors
/// [`Error::InvalidProof`]; [`Error::SignerMessageCount`] when the proof covers fewer than
/// `L + 1` messages; [`Error::DisclosedCountMismatch`], [`Error::IndexOutOfRange`],
/// [`Error::IndexesNotAscending`], [`Error::TooManyMessages`] for malformed arguments.
#[allow(clippy::too_many_arguments)]
pub fn blind_proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    ph: &[u8],
    l: usize,
    disclosed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_messages: &[impl AsRef<[u8]>],
    disclosed_committed_indexes: &[usize],
) -> Result<(), Error> {
    blind_proof_verify_core::<C>(
        pk,
        proof,
        header,
        ph,
        l,
        disclosed_messages,
        disclosed_indexes,
        disclosed_committed_messages,
        disclosed_committed_indexes,
        0,
        C::BLIND_API_ID,
        |_, _| Ok(ChallengeExtension::default()),
    )
}

/// The shared body of [`blind_proof_verify`] and the pseudonym draft's `ProofVerifyWithNym`:
/// `extra` trailing undisclosed scalars (pseudonym secrets) that are never disclosed.
#[allow(clippy::too_many_arguments)]
pub(crate) fn blind_proof_verify_core<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    ph: &[u8],
    l: usize,
    disclosed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    disclosed_committed_messages: &[impl AsRef<[u8]>],
    disclosed_committed_indexes: &[usize],
    extra: usize,
    api_id: &[u8],
    extend: impl FnOnce(&[Scalar], &Scalar) -> Result<ChallengeExtension, Error>,
) -> Result<(), Error> {
    for (messages, indexes) in [
        (disclosed_messages.len(), disclosed_indexes.len()),
        (
            disclosed_committed_messages.len(),
            disclosed_committed_indexes.len(),
        ),
    ] {
        if messages != indexes {
            return Err(Error::DisclosedCountMismatch { messages, indexes });
        }
    }
    // total = L + 1 + M + extra = U + R
    let total =
        proof.undisclosed_count() + disclosed_indexes.len() + disclosed_committed_indexes.len();
    let m = l
        .checked_add(1 + extra)
        .and_then(|fixed| total.checked_sub(fixed))
        .ok_or(Error::SignerMessageCount { signer: l, total })?;
    let indexes = merge_indexes(l, m, disclosed_indexes, disclosed_committed_indexes)?;
    if total > MAX_MESSAGES {
        return Err(Error::TooManyMessages(total));
    }
    let mut scalars = messages_to_scalars::<C, _>(disclosed_messages, api_id)?;
    scalars.extend(messages_to_scalars::<C, _>(
        disclosed_committed_messages,
        api_id,
    )?);
    let generators = create_generators::<C>(l + 1, api_id)?
        .append(&blind_generators::<C>(m + extra + 1, api_id)?);
    core_proof_verify_ext::<C>(
        pk,
        proof,
        &generators,
        header,
        ph,
        &scalars,
        &indexes,
        api_id,
        extend,
    )
}
