//! Hazardous materials: the draft's core operations, with explicit `api_id`, generators and
//! random scalars.
//!
//! These exist for two audiences: auditors regenerating the published fixtures byte for byte
//! (proofs from the mocked random scalars of draft section 8.1), and protocol extensions that
//! define a new BBS Interface (section 3.8; blind signatures and pseudonyms do). Choosing the
//! random scalars of a proof yourself destroys its zero-knowledge property unless they are
//! uniformly random and never reused: nothing here is needed to sign, prove or verify.

use blstrs::Scalar;

use crate::ciphersuite::{dst, Ciphersuite};
pub use crate::generators::{create_generators, hash_to_curve_count, p1, Generators};
use crate::key::PublicKey;
pub use crate::proof::{core_proof_gen as core_proof_gen_with_scalars, core_proof_verify};
use crate::proof::{core_proof_gen, Proof};
use crate::signature::Signature;
pub use crate::signature::{core_sign, core_verify};
pub use crate::utils::{calculate_domain, messages_to_scalars, seeded_random_scalars};
use crate::Error;

/// `ProofGen` of the BBS Signatures Interface (section 3.4.3) with caller-chosen random scalars.
///
/// # Errors
/// As [`core_proof_gen_with_scalars`].
pub fn proof_gen_with_scalars<C: Ciphersuite>(
    pk: &PublicKey,
    signature: &Signature,
    header: &[u8],
    ph: &[u8],
    messages: &[impl AsRef<[u8]>],
    disclosed_indexes: &[usize],
    random_scalars: &[Scalar],
) -> Result<Proof, Error> {
    let message_scalars = messages_to_scalars::<C, _>(messages, C::API_ID)?;
    let generators = create_generators::<C>(messages.len() + 1, C::API_ID)?;
    core_proof_gen::<C>(
        pk,
        signature,
        &generators,
        header,
        ph,
        &message_scalars,
        disclosed_indexes,
        C::API_ID,
        random_scalars,
    )
}

/// The fixtures' `SEED` (section 8.1): the ASCII digits of pi, "3.141592653589793238462643383279".
pub const MOCKED_SEED: &[u8] = b"3.141592653589793238462643383279";

/// `mocked_calculate_random_scalars(count)` of section 8.1: `seeded_random_scalars` with
/// [`MOCKED_SEED`] and the DST `api_id || "MOCK_RANDOM_SCALARS_DST_"`.
///
/// # Errors
/// When `count * 48` exceeds 65535 bytes.
pub fn mocked_random_scalars<C: Ciphersuite>(count: usize) -> Result<Vec<Scalar>, Error> {
    seeded_random_scalars::<C>(
        MOCKED_SEED,
        &dst(C::API_ID, b"MOCK_RANDOM_SCALARS_DST_"),
        count,
    )
}

/// `CoreCommit` of the blind signatures draft (-02 section 4.3.1) with the random scalars
/// `(secret_prover_blind, s~, m~_1, ..., m~_M)` given, under `api_id` with the blind generators
/// `(Q_2, J_1, ..., J_M)`.
///
/// # Errors
/// [`Error::GeneratorCount`], [`Error::RandomScalarCount`].
pub fn core_commit<C: Ciphersuite>(
    committed_scalars: &[Scalar],
    blind_generators: &Generators,
    api_id: &[u8],
    random_scalars: &[Scalar],
) -> Result<(crate::blind::Commitment, crate::blind::ProverBlind), Error> {
    crate::blind::core_commit::<C>(committed_scalars, blind_generators, api_id, random_scalars)
}

/// `CoreCommitVerify` of the blind signatures draft (-02 section 4.3.2).
///
/// # Errors
/// [`Error::InvalidCommitment`], [`Error::GeneratorCount`].
pub fn core_commit_verify<C: Ciphersuite>(
    commitment: &crate::blind::Commitment,
    blind_generators: &Generators,
    api_id: &[u8],
) -> Result<(), Error> {
    crate::blind::core_commit_verify::<C>(commitment, blind_generators, api_id)
}
