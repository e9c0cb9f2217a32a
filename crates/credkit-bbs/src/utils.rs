//! Utility operations of draft section 4: messages to scalars, the domain, random scalars, and
//! the pairing check.

use std::sync::OnceLock;

use blstrs::{Bls12, G1Affine, G2Affine, G2Prepared, Scalar};
use credkit_core::encoding::i2osp8;
use credkit_core::{hash_to_scalar, scalar_from_okm, HASH_TO_SCALAR_EXPAND_LEN};
use group::prime::PrimeCurveAffine;
use group::Group;
use pairing::{MillerLoopResult, MultiMillerLoop};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroize;

use credkit_core::expand_message::ExpandMessage;

use crate::ciphersuite::{dst, Ciphersuite};
use crate::generators::Generators;
use crate::key::PublicKey;
use crate::{Error, MAX_MESSAGES};

/// `messages_to_scalars(messages, api_id)` (section 4.1.2): each message through
/// `hash_to_scalar` under `api_id || "MAP_MSG_TO_SCALAR_AS_HASH_"`.
pub fn messages_to_scalars<C: Ciphersuite, M: AsRef<[u8]>>(
    messages: &[M],
    api_id: &[u8],
) -> Result<Vec<Scalar>, Error> {
    if messages.len() > MAX_MESSAGES {
        return Err(Error::TooManyMessages(messages.len()));
    }
    let map_dst = dst(api_id, b"MAP_MSG_TO_SCALAR_AS_HASH_");
    messages
        .iter()
        .map(|m| Ok(hash_to_scalar::<C::Expander>(&[m.as_ref()], &map_dst)?))
        .collect()
}

/// `calculate_domain(PK, Q_1, H_Points, header, api_id)` (section 4.2.3), with `Q_1` and
/// `H_Points` the first and remaining `generators`.
pub fn calculate_domain<C: Ciphersuite>(
    pk: &PublicKey,
    generators: &Generators,
    header: &[u8],
    api_id: &[u8],
) -> Result<Scalar, Error> {
    let l = generators.len().saturating_sub(1) as u64;
    // dom_input = PK || I2OSP(L, 8) || Q_1 || H_1 || ... || H_L || api_id
    //             || I2OSP(length(header), 8) || header
    Ok(hash_to_scalar::<C::Expander>(
        &[
            &pk.to_bytes(),
            &i2osp8(l),
            generators.compressed(),
            api_id,
            &i2osp8(header.len() as u64),
            header,
        ],
        &dst(api_id, b"H2S_"),
    )?)
}

/// `calculate_random_scalars(count)` (section 4.2.1): `OS2IP(get_random(48)) mod r`, each.
pub(crate) fn calculate_random_scalars(
    rng: &mut (impl RngCore + CryptoRng),
    count: usize,
) -> Vec<Scalar> {
    let mut okm = [0u8; HASH_TO_SCALAR_EXPAND_LEN];
    let scalars = (0..count)
        .map(|_| {
            rng.fill_bytes(&mut okm);
            scalar_from_okm(&okm)
        })
        .collect();
    okm.zeroize();
    scalars
}

/// `seeded_random_scalars(SEED, DST, count)` (section 8.1, "Mocked Random Scalars"): the
/// deterministic stand-in for `calculate_random_scalars` with which the fixtures were made.
#[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
pub fn seeded_random_scalars<C: Ciphersuite>(
    seed: &[u8],
    dst: &[u8],
    count: usize,
) -> Result<Vec<Scalar>, Error> {
    // ABORT if count * expand_len > 65535.
    let out_len = HASH_TO_SCALAR_EXPAND_LEN
        .checked_mul(count)
        .filter(|&len| len <= 65535)
        .ok_or(Error::Encoding(credkit_core::Error::ExpandLengthTooLarge))?;
    let mut v = vec![0u8; out_len];
    C::Expander::expand_message(&[seed], dst, &mut v)?;
    Ok(v.chunks_exact(HASH_TO_SCALAR_EXPAND_LEN)
        .map(|chunk| {
            let mut okm = [0u8; HASH_TO_SCALAR_EXPAND_LEN];
            okm.copy_from_slice(chunk);
            scalar_from_okm(&okm)
        })
        .collect())
}

/// Overwrites secret scalars once they are no longer needed (best effort: the optimiser may
/// keep copies in registers or on the stack).
pub(crate) fn wipe(scalars: &mut [Scalar]) {
    for s in scalars.iter_mut() {
        *s = Scalar::from(0u64);
    }
    core::hint::black_box(scalars);
}

/// `BP2`, the base point of G2, with its pairing lines precomputed once per process.
fn bp2_prepared() -> &'static G2Prepared {
    static BP2: OnceLock<G2Prepared> = OnceLock::new();
    BP2.get_or_init(|| G2Prepared::from(G2Affine::generator()))
}

/// `h(a, W) * h(b, BP2) == Identity_GT`, with one multi-Miller loop and one final
/// exponentiation.
pub(crate) fn pairing_check(a: &G1Affine, pk: &PublicKey, b: &G1Affine) -> bool {
    let ml = Bls12::multi_miller_loop(&[(a, pk.prepared()), (b, bp2_prepared())]);
    bool::from(ml.final_exponentiation().is_identity())
}

/// Checks that `indexes` are strictly ascending and below `count`.
pub(crate) fn check_indexes(indexes: &[usize], count: usize) -> Result<(), Error> {
    for (n, &index) in indexes.iter().enumerate() {
        if index >= count {
            return Err(Error::IndexOutOfRange { index, count });
        }
        if n > 0 && indexes[n - 1] >= index {
            return Err(Error::IndexesNotAscending);
        }
    }
    Ok(())
}

/// `(0, 1, ..., count - 1) \ indexes`, for strictly ascending `indexes`.
pub(crate) fn complement(indexes: &[usize], count: usize) -> Vec<usize> {
    let mut rest = Vec::with_capacity(count - indexes.len().min(count));
    let mut next = indexes.iter().peekable();
    for i in 0..count {
        if next.peek() == Some(&&i) {
            next.next();
        } else {
            rest.push(i);
        }
    }
    rest
}

/// A vector of secret scalars, overwritten on drop (as [`wipe`]): `blstrs::Scalar` does not
/// implement `Zeroize`.
#[derive(Default)]
pub(crate) struct SecretScalars(pub(crate) Vec<Scalar>);

impl Drop for SecretScalars {
    fn drop(&mut self) {
        wipe(&mut self.0);
    }
}

impl core::ops::Deref for SecretScalars {
    type Target = Vec<Scalar>;
    fn deref(&self) -> &Vec<Scalar> {
        &self.0
    }
}

impl core::ops::DerefMut for SecretScalars {
    fn deref_mut(&mut self) -> &mut Vec<Scalar> {
        &mut self.0
    }
}
