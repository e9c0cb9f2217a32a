//! BBS proofs: `ProofGen` and `ProofVerify` (draft sections 3.4.3-3.4.4), their core operations
//! (sections 3.6.3-3.6.4), the proof subroutines (section 3.7) and the proof encoding
//! (sections 4.2.4.4-4.2.4.5).

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{
    g1_from_bytes, g1_to_bytes, i2osp8, nonzero_scalar_from_bytes, scalar_to_bytes, G1_LEN,
    SCALAR_LEN,
};
use credkit_core::hash_to_scalar;
use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
use ff::Field;
use group::Curve;
use rand_core::{CryptoRng, OsRng, RngCore};

use crate::ciphersuite::{dst, Ciphersuite};
use crate::generators::{create_generators, p1, Generators};
use crate::key::PublicKey;
use crate::signature::{split_generators, Signature};
use crate::utils::{
    calculate_domain, calculate_random_scalars, check_indexes, complement, messages_to_scalars,
    pairing_check, wipe,
};
use crate::{Error, MAX_MESSAGES};

/// A BBS proof: `(Abar, Bbar, D, e^, r1^, r3^, (m^_j1, ..., m^_jU), c)`.
///
/// Every component is freshly randomised: two proofs from one signature share none of them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Proof {
    pub(crate) a_bar: G1Affine,
    pub(crate) b_bar: G1Affine,
    pub(crate) d: G1Affine,
    pub(crate) e_hat: Scalar,
    pub(crate) r1_hat: Scalar,
    pub(crate) r3_hat: Scalar,
    pub(crate) m_hat: Vec<Scalar>,
    pub(crate) challenge: Scalar,
}

/// `proof_len_floor` (section 3.4.4): three points and four scalars.
const PROOF_LEN_FLOOR: usize = 3 * G1_LEN + 4 * SCALAR_LEN;

impl Proof {
    /// `octets_to_proof` (section 4.2.4.5).
    ///
    /// # Errors
    /// [`Error::ProofLength`] unless the length is `3 * 48 + (4 + U) * 32`;
    /// [`Error::TooManyMessages`] when U exceeds [`MAX_MESSAGES`]; [`Error::Encoding`] for a
    /// malformed, off-subgroup or identity point, or a scalar that is zero or not below `r`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() < PROOF_LEN_FLOOR || (bytes.len() - PROOF_LEN_FLOOR) % SCALAR_LEN != 0 {
            return Err(Error::ProofLength(bytes.len()));
        }
        let u = (bytes.len() - PROOF_LEN_FLOOR) / SCALAR_LEN;
        if u > MAX_MESSAGES {
            return Err(Error::TooManyMessages(u));
        }
        let (points, scalars) = bytes.split_at(3 * G1_LEN);
        let mut points = points.chunks_exact(G1_LEN).map(g1_from_bytes);
        let mut scalars = scalars
            .chunks_exact(SCALAR_LEN)
            .map(nonzero_scalar_from_bytes);
        // The lengths were checked above, so each `next()` below has an item.
        let mut point = || {
            points
                .next()
                .unwrap_or(Err(credkit_core::Error::IdentityPoint))
        };
        let (a_bar, b_bar, d) = (point()?, point()?, point()?);
        let scalars: Vec<Scalar> = scalars.by_ref().collect::<Result<_, _>>()?;
        let (challenge, rest) = scalars
            .split_last()
            .ok_or(Error::ProofLength(bytes.len()))?;
        Ok(Proof {
            a_bar,
            b_bar,
            d,
            e_hat: rest[0],
            r1_hat: rest[1],
            r3_hat: rest[2],
            m_hat: rest[3..].to_vec(),
            challenge: *challenge,
        })
    }

    /// `proof_to_octets` (section 4.2.4.4).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(PROOF_LEN_FLOOR + self.m_hat.len() * SCALAR_LEN);
        for p in [&self.a_bar, &self.b_bar, &self.d] {
            out.extend_from_slice(&g1_to_bytes(p));
        }
        for s in [&self.e_hat, &self.r1_hat, &self.r3_hat]
            .into_iter()
            .chain(&self.m_hat)
            .chain([&self.challenge])
        {
            out.extend_from_slice(&scalar_to_bytes(s));
        }
        out
    }

    /// The number of undisclosed messages `U` the proof hides.
    pub fn undisclosed_count(&self) -> usize {
        self.m_hat.len()
    }
}

/// `ProofGen(PK, signature, header, ph, messages, disclosed_indexes)` (section 3.4.3), with
/// randomness from the operating system.
///
/// `disclosed_indexes` must be strictly ascending. The signature is not re-verified here:
/// verify a credential once when it is received ([`crate::verify`]).
///
/// ```
/// use credkit_bbs::{proof_gen, proof_verify, sign, Bls12381Shake256, SecretKey};
///
/// let sk = SecretKey::key_gen::<Bls12381Shake256>(&[2u8; 32], b"")?;
/// let messages = [&b"name: Ada"[..], b"born: 1815-12-10", b"allergy: none"];
/// let signature = sign::<Bls12381Shake256>(&sk, b"", &messages)?;
///
/// // Disclose only the allergy line, bound to the verifier's nonce.
/// let proof = proof_gen::<Bls12381Shake256>(sk.public_key(), &signature, b"", b"nonce-42", &messages, &[2])?;
/// proof_verify::<Bls12381Shake256>(sk.public_key(), &proof, b"", b"nonce-42", &[b"allergy: none"], &[2])?;
///
/// // Replayed with another nonce, or with another disclosed value, it fails.
/// assert!(proof_verify::<Bls12381Shake256>(sk.public_key(), &proof, b"", b"nonce-43", &[b"allergy: none"], &[2]).is_err());
/// assert!(proof_verify::<Bls12381Shake256>(sk.public_key(), &proof, b"", b"nonce-42", &[b"allergy: nuts"], &[2]).is_err());
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
///
/// # Errors
/// [`Error::IndexOutOfRange`], [`Error::IndexesNotAscending`], [`Error::TooManyMessages`].
pub fn proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
) -> Result<Proof, Error> {
    proof_gen_with_rng::<C>(
        &mut OsRng,
        pk,
        signature,
        header,
        ph,
        messages,
        disclosed_indexes,
    )
}

/// [`proof_gen`] with the caller's random number generator.
///
/// # Errors
/// As [`proof_gen`].
pub fn proof_gen_with_rng<C: Ciphersuite>(
    rng: &mut (impl RngCore + CryptoRng),
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
) -> Result<Proof, Error> {
    let message_scalars = messages_to_scalars::<C, _>(messages, C::API_ID)?;
    let generators = create_generators::<C>(messages.len() + 1, C::API_ID)?;
    check_indexes(disclosed_indexes, messages.len())?;
    let undisclosed = messages.len() - disclosed_indexes.len();
    let mut random_scalars = calculate_random_scalars(rng, undisclosed + 5);
    let proof = core_proof_gen::<C>(
        pk,
        signature,
        &generators,
        header,
        ph,
        &message_scalars,
        disclosed_indexes,
        C::API_ID,
        &random_scalars,
    );
    wipe(&mut random_scalars);
    proof
}

/// `ProofVerify(PK, proof, header, ph, disclosed_messages, disclosed_indexes)` (section 3.4.4).
///
/// # Errors
/// [`Error::InvalidProof`] when the proof does not verify; [`Error::DisclosedCountMismatch`],
/// [`Error::IndexOutOfRange`], [`Error::IndexesNotAscending`], [`Error::TooManyMessages`] for
/// malformed arguments.
pub fn proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    header: &[u8],
    ph: &[u8],
    disclosed_messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
) -> Result<(), Error> {
    // The cheap argument checks first, before hashing messages or generators.
    if disclosed_messages.len() != disclosed_indexes.len() {
        return Err(Error::DisclosedCountMismatch {
            messages: disclosed_messages.len(),
            indexes: disclosed_indexes.len(),
        });
    }
    let total = proof.undisclosed_count() + disclosed_indexes.len();
    check_indexes(disclosed_indexes, total)?;
    let message_scalars = messages_to_scalars::<C, _>(disclosed_messages, C::API_ID)?;
    let generators = create_generators::<C>(total + 1, C::API_ID)?;
    core_proof_verify::<C>(
        pk,
        proof,
        &generators,
        header,
        ph,
        &message_scalars,
        disclosed_indexes,
        C::API_ID,
    )
}

/// The output of `ProofInit` and `ProofVerifyInit` (sections 3.7.1, 3.7.3).
struct InitResult {
    a_bar: G1Affine,
    b_bar: G1Affine,
    d: G1Affine,
    t1: G1Affine,
    t2: G1Affine,
    domain: Scalar,
}

/// `CoreProofGen` (section 3.6.3) with the random scalars given:
/// `(r1, r2, e~, r1~, r3~, m~_j1, ..., m~_jU)`.
///
/// Every multiplication that involves the signature, an undisclosed message or a random
/// scalar is constant time ([`ct_multi_exp`]); only `P1 + Q_1 * domain + sum(H_i * msg_i)` over
/// the disclosed messages is variable time.
///
/// # Errors
/// [`Error::RandomScalarCount`], [`Error::GeneratorCount`], [`Error::IndexOutOfRange`],
/// [`Error::IndexesNotAscending`], [`Error::ZeroRandomScalar`].
#[allow(clippy::too_many_arguments)]
pub fn core_proof_gen<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    generators: &Generators,
    header: &[u8],
    ph: &[u8],
    messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
    random_scalars: &[Scalar],
) -> Result<Proof, Error> {
    core_proof_gen_ext::<C>(
        pk,
        signature,
        generators,
        header,
        ph,
        messages,
        disclosed_indexes,
        api_id,
        random_scalars,
        |_| Ok(ChallengeExtension::default()),
    )
}

/// What an extension of the BBS proof adds to its challenge (section 3.7.4, as extended by
/// the pseudonym draft's `ProofWithPseudonymChallengeCalculate`): points serialized after
/// `T2` and before `domain`, and octets appended after `I2OSP(length(ph), 8) || ph`.
#[derive(Default)]
pub(crate) struct ChallengeExtension {
    pub(crate) points: Vec<G1Affine>,
    pub(crate) trailer: Vec<u8>,
}

/// [`core_proof_gen`] with an extension of the challenge, computed by `extend` from the random
/// scalars `m~_j1, ..., m~_jU` of the undisclosed messages (in index order).
#[allow(clippy::too_many_arguments)]
pub(crate) fn core_proof_gen_ext<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    generators: &Generators,
    header: &[u8],
    ph: &[u8],
    messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
    random_scalars: &[Scalar],
    extend: impl FnOnce(&[Scalar]) -> Result<ChallengeExtension, Error>,
) -> Result<Proof, Error> {
    let l = messages.len();
    check_indexes(disclosed_indexes, l)?;
    let undisclosed_indexes = complement(disclosed_indexes, l);
    let u = undisclosed_indexes.len();
    if random_scalars.len() != u + 5 {
        return Err(Error::RandomScalarCount {
            expected: u + 5,
            found: random_scalars.len(),
        });
    }
    let (q_1, h) = split_generators(generators, l)?;
    let (r1, r2, e_tilde, r1_tilde, r3_tilde) = (
        random_scalars[0],
        random_scalars[1],
        random_scalars[2],
        random_scalars[3],
        random_scalars[4],
    );
    let m_tilde = &random_scalars[5..];

    // ProofInit (section 3.7.1)
    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;
    // B = P1 + Q_1 * domain + H_1 * msg_1 + ... + H_L * msg_L, split into the public part
    // (variable time) and the undisclosed messages (constant time).
    let mut public_points = vec![p1::<C>()?, *q_1];
    let mut public_scalars = vec![Scalar::ONE, domain];
    for &i in disclosed_indexes {
        public_points.push(h[i]);
        public_scalars.push(messages[i]);
    }
    let h_undisclosed: Vec<G1Projective> = undisclosed_indexes.iter().map(|&j| h[j]).collect();
    let mut m_undisclosed: Vec<Scalar> = undisclosed_indexes.iter().map(|&j| messages[j]).collect();
    let b = vartime_multi_exp(&public_points, &public_scalars)?
        + ct_multi_exp(&h_undisclosed, &m_undisclosed)?;
    // D = B * r2; Abar = A * (r1 * r2); Bbar = D * r1 - Abar * e
    let d = b * r2;
    let a_bar = G1Projective::from(signature.a) * (r1 * r2);
    let b_bar = ct_multi_exp(&[d, a_bar], &[r1, -signature.e])?;
    // T1 = Abar * e~ + D * r1~; T2 = D * r3~ + H_j1 * m~_j1 + ... + H_jU * m~_jU
    let t1 = ct_multi_exp(&[a_bar, d], &[e_tilde, r1_tilde])?;
    let mut t2_points = vec![d];
    t2_points.extend_from_slice(&h_undisclosed);
    let t2 = ct_multi_exp(&t2_points, &[&[r3_tilde][..], m_tilde].concat())?;

    let mut affine = [G1Affine::default(); 5];
    G1Projective::batch_normalize(&[a_bar, b_bar, d, t1, t2], &mut affine);
    let init = InitResult {
        a_bar: affine[0],
        b_bar: affine[1],
        d: affine[2],
        t1: affine[3],
        t2: affine[4],
        domain,
    };

    let disclosed_messages: Vec<Scalar> = disclosed_indexes.iter().map(|&i| messages[i]).collect();
    let extension = extend(m_tilde)?;
    let challenge = challenge_calculate::<C>(
        &init,
        &disclosed_messages,
        disclosed_indexes,
        ph,
        api_id,
        &extension,
    )?;

    // ProofFinalize (section 3.7.2)
    let r3 = Option::<Scalar>::from(r2.invert()).ok_or(Error::ZeroRandomScalar)?;
    let proof = Proof {
        a_bar: init.a_bar,
        b_bar: init.b_bar,
        d: init.d,
        e_hat: e_tilde + signature.e * challenge,
        r1_hat: r1_tilde - r1 * challenge,
        r3_hat: r3_tilde - r3 * challenge,
        m_hat: m_tilde
            .iter()
            .zip(&m_undisclosed)
            .map(|(m_t, m)| m_t + m * challenge)
            .collect(),
        challenge,
    };
    wipe(&mut m_undisclosed);
    Ok(proof)
}

/// `CoreProofVerify` (section 3.6.4) with `ProofVerifyInit` (section 3.7.3).
///
/// # Errors
/// [`Error::InvalidProof`] and the argument errors of [`proof_verify`].
#[allow(clippy::too_many_arguments)]
pub fn core_proof_verify<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    generators: &Generators,
    header: &[u8],
    ph: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
) -> Result<(), Error> {
    core_proof_verify_ext::<C>(
        pk,
        proof,
        generators,
        header,
        ph,
        disclosed_messages,
        disclosed_indexes,
        api_id,
        |_, _| Ok(ChallengeExtension::default()),
    )
}

/// [`core_proof_verify`] with an extension of the challenge, computed by `extend` from the
/// proof's `(m^_j1, ..., m^_jU)` and its challenge `cp`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn core_proof_verify_ext<C: Ciphersuite>(
    pk: &PublicKey,
    proof: &Proof,
    generators: &Generators,
    header: &[u8],
    ph: &[u8],
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    api_id: &[u8],
    extend: impl FnOnce(&[Scalar], &Scalar) -> Result<ChallengeExtension, Error>,
) -> Result<(), Error> {
    let u = proof.m_hat.len();
    let r = disclosed_indexes.len();
    let l = r + u;
    if disclosed_messages.len() != r {
        return Err(Error::DisclosedCountMismatch {
            messages: disclosed_messages.len(),
            indexes: r,
        });
    }
    check_indexes(disclosed_indexes, l)?;
    let undisclosed_indexes = complement(disclosed_indexes, l);
    let (q_1, h) = split_generators(generators, l)?;
    let c = proof.challenge;

    let domain = calculate_domain::<C>(pk, generators, header, api_id)?;
    // T1 = Bbar * c + Abar * e^ + D * r1^
    let d = G1Projective::from(proof.d);
    let t1 = vartime_multi_exp(
        &[proof.b_bar.into(), proof.a_bar.into(), d],
        &[c, proof.e_hat, proof.r1_hat],
    )?;
    // T2 = Bv * c + D * r3^ + H_j1 * m^_j1 + ... + H_jU * m^_jU, with
    // Bv = P1 + Q_1 * domain + H_i1 * msg_i1 + ... + H_iR * msg_iR, in one multiplication.
    let mut points = Vec::with_capacity(l + 3);
    let mut scalars = Vec::with_capacity(l + 3);
    points.extend([p1::<C>()?, *q_1, d]);
    scalars.extend([c, domain * c, proof.r3_hat]);
    for (&i, msg) in disclosed_indexes.iter().zip(disclosed_messages) {
        points.push(h[i]);
        scalars.push(msg * c);
    }
    for (&j, m_hat) in undisclosed_indexes.iter().zip(&proof.m_hat) {
        points.push(h[j]);
        scalars.push(*m_hat);
    }
    let t2 = vartime_multi_exp(&points, &scalars)?;

    let mut affine = [G1Affine::default(); 2];
    G1Projective::batch_normalize(&[t1, t2], &mut affine);
    let init = InitResult {
        a_bar: proof.a_bar,
        b_bar: proof.b_bar,
        d: proof.d,
        t1: affine[0],
        t2: affine[1],
        domain,
    };
    let extension = extend(&proof.m_hat, &proof.challenge)?;
    let challenge = challenge_calculate::<C>(
        &init,
        disclosed_messages,
        disclosed_indexes,
        ph,
        api_id,
        &extension,
    )?;
    if challenge != proof.challenge {
        return Err(Error::InvalidProof);
    }
    // h(Abar, W) * h(Bbar, -BP2) = h(Abar, W) * h(-Bbar, BP2) = 1
    if !pairing_check(&proof.a_bar, pk, &(-proof.b_bar)) {
        return Err(Error::InvalidProof);
    }
    Ok(())
}

/// `ProofChallengeCalculate` (section 3.7.4), with the points and trailer of an extension
/// (empty for plain BBS).
fn challenge_calculate<C: Ciphersuite>(
    init: &InitResult,
    disclosed_messages: &[Scalar],
    disclosed_indexes: &[usize],
    ph: &[u8],
    api_id: &[u8],
    extension: &ChallengeExtension,
) -> Result<Scalar, Error> {
    // c_arr = (R, i1, msg_i1, ..., iR, msg_iR, Abar, Bbar, D, T1, T2, domain)
    // c_octs = serialize(c_arr) || I2OSP(length(ph), 8) || ph
    let r = disclosed_indexes.len();
    let mut c_octs =
        Vec::with_capacity(8 + r * (8 + SCALAR_LEN) + 5 * G1_LEN + SCALAR_LEN + 8 + ph.len());
    c_octs.extend_from_slice(&i2osp8(r as u64));
    for (&i, msg) in disclosed_indexes.iter().zip(disclosed_messages) {
        c_octs.extend_from_slice(&i2osp8(i as u64));
        c_octs.extend_from_slice(&scalar_to_bytes(msg));
    }
    for p in [&init.a_bar, &init.b_bar, &init.d, &init.t1, &init.t2]
        .into_iter()
        .chain(&extension.points)
    {
        c_octs.extend_from_slice(&g1_to_bytes(p));
    }
    c_octs.extend_from_slice(&scalar_to_bytes(&init.domain));
    c_octs.extend_from_slice(&i2osp8(ph.len() as u64));
    Ok(hash_to_scalar::<C::Expander>(
        &[&c_octs, ph, &extension.trailer],
        &dst(api_id, b"H2S_"),
    )?)
}
