//! `create_generators` (draft section 4.1.1) with a process-wide cache.
//!
//! The generators of a `(ciphersuite, api_id)` pair form one infinite chain, `v_i =
//! expand_message(v_(i-1) || I2OSP(i, 8), seed_dst, 48)`, so `create_generators(n)` is a prefix of
//! `create_generators(m)` for n < m. The cache keeps the chain's state `v` and every point
//! hashed so far, and extends it only when a caller needs more: repeated calls never rehash.

use std::collections::hash_map::{Entry, HashMap};
use std::sync::{Arc, OnceLock, RwLock};

use blstrs::{G1Affine, G1Projective};
use credkit_core::encoding::{g1_to_bytes, G1_LEN};
use credkit_core::expand_message::ExpandMessage;
use group::Curve;

use crate::ciphersuite::{dst, Ciphersuite};
use crate::{Error, MAX_MESSAGES};

/// `expand_len` of both BLS12-381 ciphersuites.
const EXPAND_LEN: usize = 48;

/// The first `count` generators of a chain: `(Q_1, H_1, ..., H_L)` for the message generators.
#[derive(Clone, Debug)]
pub struct Generators {
    chain: Arc<Chain>,
    count: usize,
}

/// A cached prefix of a generator chain, as points and as their compressed encodings.
#[derive(Debug)]
struct Chain {
    points: Vec<G1Projective>,
    affine: Vec<G1Affine>,
    /// `point_to_octets_E1` of every point, concatenated: hashed by `calculate_domain`.
    compressed: Vec<u8>,
}

impl Generators {
    /// Number of generators.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// All generators as projective points.
    pub fn points(&self) -> &[G1Projective] {
        &self.chain.points[..self.count]
    }

    /// All generators as affine points.
    pub fn affine(&self) -> &[G1Affine] {
        &self.chain.affine[..self.count]
    }

    /// The compressed encodings of all generators, concatenated.
    pub fn compressed(&self) -> &[u8] {
        &self.chain.compressed[..self.count * G1_LEN]
    }

    /// `self.append(other)`: the generators of an Interface that signs under two chains (the
    /// blind signatures draft's `generators.append(blind_generators)`). Copies both prefixes.
    pub fn append(&self, other: &Generators) -> Generators {
        let chain = Chain {
            points: [self.points(), other.points()].concat(),
            affine: [self.affine(), other.affine()].concat(),
            compressed: [self.compressed(), other.compressed()].concat(),
        };
        Generators {
            count: chain.points.len(),
            chain: Arc::new(chain),
        }
    }
}

/// State of one chain in the cache.
struct ChainState {
    v: [u8; EXPAND_LEN],
    chain: Arc<Chain>,
}

type CacheKey = (&'static str, Vec<u8>, Vec<u8>, Vec<u8>);

fn cache() -> &'static RwLock<HashMap<CacheKey, ChainState>> {
    static CACHE: OnceLock<RwLock<HashMap<CacheKey, ChainState>>> = OnceLock::new();
    CACHE.get_or_init(Default::default)
}

/// How many times `hash_to_curve_g1` ran for generators in this process (for tests of the cache).
#[cfg_attr(not(feature = "hazmat"), allow(dead_code))]
pub fn hash_to_curve_count() -> usize {
    HASHED.load(std::sync::atomic::Ordering::Relaxed)
}
static HASHED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// `create_generators(count, api_id)` of section 4.1.1.
///
/// # Errors
/// [`Error::TooManyMessages`] when `count` exceeds `MAX_MESSAGES + 1`.
pub fn create_generators<C: Ciphersuite>(count: usize, api_id: &[u8]) -> Result<Generators, Error> {
    let seed_dst = dst(api_id, b"SIG_GENERATOR_SEED_");
    let generator_dst = dst(api_id, b"SIG_GENERATOR_DST_");
    let generator_seed = dst(api_id, b"MESSAGE_GENERATOR_SEED");
    generators_from_seed::<C>(count, generator_seed, seed_dst, generator_dst)
}

/// The ciphersuite's fixed point `P1` (section 7.2): the first generator of the chain seeded with
/// `ciphersuite_id || "H2G_HM2S_BP_MESSAGE_GENERATOR_SEED"`.
pub fn p1<C: Ciphersuite>() -> Result<G1Projective, Error> {
    let generators = generators_from_seed::<C>(
        1,
        C::P1_GENERATOR_SEED.to_vec(),
        dst(C::API_ID, b"SIG_GENERATOR_SEED_"),
        dst(C::API_ID, b"SIG_GENERATOR_DST_"),
    )?;
    Ok(generators.points()[0])
}

fn generators_from_seed<C: Ciphersuite>(
    count: usize,
    generator_seed: Vec<u8>,
    seed_dst: Vec<u8>,
    generator_dst: Vec<u8>,
) -> Result<Generators, Error> {
    if count > MAX_MESSAGES + 1 {
        return Err(Error::TooManyMessages(count.saturating_sub(1)));
    }
    let key = (C::NAME, generator_seed, seed_dst, generator_dst);
    // Fast path: the chain is already long enough. A poisoned lock only means another thread
    // panicked mid-extension; a chain is replaced whole, so the state is consistent.
    {
        let cache = cache()
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(state) = cache.get(&key).filter(|s| s.chain.points.len() >= count) {
            return Ok(Generators {
                chain: state.chain.clone(),
                count,
            });
        }
    }
    let mut cache = cache()
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (seed_dst, generator_dst) = (key.2.clone(), key.3.clone());
    let state = match cache.entry(key) {
        Entry::Occupied(entry) => entry.into_mut(),
        Entry::Vacant(entry) => {
            // 1. v = expand_message(generator_seed, seed_dst, expand_len)
            let mut v = [0u8; EXPAND_LEN];
            C::Expander::expand_message(&[&entry.key().1], &seed_dst, &mut v)?;
            let chain = Arc::new(Chain {
                points: vec![],
                affine: vec![],
                compressed: vec![],
            });
            entry.insert(ChainState { v, chain })
        }
    };
    let have = state.chain.points.len();
    if have < count {
        let mut points = state.chain.points.clone();
        for i in have + 1..=count {
            // 3. v = expand_message(v || I2OSP(i, 8), seed_dst, expand_len)
            let mut next = [0u8; EXPAND_LEN];
            C::Expander::expand_message(
                &[&state.v, &(i as u64).to_be_bytes()],
                &seed_dst,
                &mut next,
            )?;
            state.v = next;
            // 4. generator_i = hash_to_curve_g1(v, generator_dst)
            points.push(C::hash_to_g1(&state.v, &generator_dst));
            HASHED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        }
        let mut affine = vec![G1Affine::default(); points.len()];
        G1Projective::batch_normalize(&points, &mut affine);
        let compressed = affine.iter().flat_map(g1_to_bytes).collect();
        state.chain = Arc::new(Chain {
            points,
            affine,
            compressed,
        });
    }
    Ok(Generators {
        chain: state.chain.clone(),
        count,
    })
}
