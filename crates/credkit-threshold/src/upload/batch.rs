//! Batch verification of many BLS signatures under one public key, naming the bad ones.
//!
//! For messages `m_i` with signatures `sigma_i` under the key `PK = sk * P1`, draw random
//! nonzero scalars `r_i` and check
//!
//! ```text
//! e(PK, sum r_i * H(m_i)) == e(P1, sum r_i * sigma_i)
//! ```
//!
//! that is two G2 multi-scalar multiplications and one product of two pairings for the whole
//! batch (plus one hash-to-G2 per message, which dominates). If some `sigma_i != sk * H(m_i)`,
//! the differences `d_i = sk * H(m_i) - sigma_i` are points of the prime-order subgroup
//! (every signature was subgroup-checked when it was decoded) and `sum r_i * d_i = 0` holds
//! for at most one value of any one `r_j` given the others: the check passes with probability
//! at most `1 / (r - 1)`, about `2^-255`, over the verifier's coins. The coefficients come from
//! the verifier's CSPRNG after the signatures are fixed.
//!
//! When the check fails, bisection names the bad signatures, reusing the cached hashes and
//! coefficients. Every set searched comes with its two sums `sum r_i H(m_i)` and
//! `sum r_i sigma_i`; a set known to hold a bad signature is split in halves, the first half's
//! sums are computed (two multi-scalar multiplications) and the second half's are the
//! difference, so each level costs two MSMs over half the set and one or two pairing
//! products. If the first half passes, the bad signature is in the second half, which is
//! split without a check of its own; if it fails, both halves are searched (the second after
//! a check of its own). A set of one that is known bad is bad. With `k` bad signatures among
//! `n` that is about `2k log2(n)` pairing products and `k` MSMs' worth of points, instead of
//! `n` pairing products.
//!
//! Each bad signature found that way costs, as measured, about as much as `5 log2(n)` to
//! `10 log2(n)` single checks (the MSMs over mid-sized sets dominate), so once the bad
//! signatures found reach `n / (8 log2(n))` (13 of 1000, 2 of 100) the rest of the search
//! checks signatures one by one: a batch of mostly forgeries costs little more than checking
//! it one by one.
//!
//! Hashing to G2 runs on up to `std::thread::available_parallelism()` scoped threads (blst's
//! multi-scalar multiplication already uses its own thread pool).

use blstrs::{G1Affine, G2Affine, G2Projective, Scalar};
use ff::Field;
use group::prime::PrimeCurveAffine;
use rand_core::{CryptoRng, RngCore};

use crate::bls::{pairing_product_is_one, PublicKey, DST_SIGNATURE};
use credkit_core::hash_to_curve::hash_to_g2_xmd_sha256;

/// The search goes one by one once `bad * DENSE_FACTOR * log2(n) >= n`.
const DENSE_FACTOR: usize = 8;

/// Fewest messages worth a hashing thread of their own.
const MIN_PER_THREAD: usize = 32;

/// Returns the indexes (into `messages`) of the signatures that do not verify under
/// `public_key`, in increasing order; empty when all verify.
///
/// `signatures` must be subgroup points (as every decoded [`crate::bls::Signature`] is).
pub(crate) fn invalid_signatures(
    rng: &mut (impl RngCore + CryptoRng),
    public_key: &PublicKey,
    messages: &[Vec<u8>],
    signatures: &[G2Affine],
) -> Vec<usize> {
    debug_assert_eq!(messages.len(), signatures.len());
    let n = messages.len().min(signatures.len());
    if n == 0 {
        return Vec::new();
    }
    let batch = Batch {
        public_key: *public_key.point(),
        hashes: hash_all(&messages[..n]),
        signatures: signatures[..n].iter().map(G2Projective::from).collect(),
        coefficients: (0..n).map(|_| nonzero_scalar(rng)).collect(),
    };
    let all: Vec<usize> = (0..n).collect();
    let sums = batch.sums(&all);
    let mut bad = Vec::new();
    batch.find_bad(&all, sums, false, &mut bad);
    bad.sort_unstable();
    bad
}

/// `hash_to_G2` of every message under the signature DST, in order, on scoped threads.
fn hash_all(messages: &[Vec<u8>]) -> Vec<G2Projective> {
    let hash = |m: &Vec<u8>| hash_to_g2_xmd_sha256(m, DST_SIGNATURE);
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(messages.len() / MIN_PER_THREAD)
        .max(1);
    if threads == 1 {
        return messages.iter().map(hash).collect();
    }
    let chunks: Vec<&[Vec<u8>]> = messages.chunks(messages.len().div_ceil(threads)).collect();
    std::thread::scope(|scope| {
        // A chunk whose thread cannot be started, or fails, is hashed here instead.
        let handles: Vec<_> = chunks
            .iter()
            .map(|&chunk| {
                std::thread::Builder::new()
                    .spawn_scoped(scope, move || chunk.iter().map(hash).collect::<Vec<_>>())
                    .ok()
            })
            .collect();
        chunks
            .iter()
            .zip(handles)
            .flat_map(|(&chunk, handle)| {
                handle
                    .and_then(|h| h.join().ok())
                    .unwrap_or_else(|| chunk.iter().map(hash).collect())
            })
            .collect()
    })
}

/// A uniformly random nonzero scalar.
fn nonzero_scalar(rng: &mut (impl RngCore + CryptoRng)) -> Scalar {
    loop {
        let s = Scalar::random(&mut *rng);
        if !bool::from(s.is_zero()) {
            return s;
        }
    }
}

struct Batch {
    public_key: G1Affine,
    hashes: Vec<G2Projective>,
    signatures: Vec<G2Projective>,
    coefficients: Vec<Scalar>,
}

/// `(sum r_i H(m_i), sum r_i sigma_i)` over a set.
#[derive(Clone, Copy)]
struct Sums {
    hashes: G2Projective,
    signatures: G2Projective,
}

impl Batch {
    /// Adds the bad members of `set`, whose sums are `sums`, to `bad`. `known_bad`: `set` is
    /// known to contain at least one bad signature, so checking it whole would be wasted.
    fn find_bad(&self, set: &[usize], sums: Sums, known_bad: bool, bad: &mut Vec<usize>) {
        let n = self.hashes.len();
        let log2_n = (usize::BITS - n.leading_zeros()) as usize;
        if !bad.is_empty() && bad.len() * DENSE_FACTOR * log2_n >= n {
            bad.extend(set.iter().copied().filter(|&i| !self.check_one(i)));
            return;
        }
        if !known_bad && self.check(sums) {
            return;
        }
        let (left, right) = set.split_at(set.len() / 2);
        if left.is_empty() {
            // A set of one that fails is bad.
            bad.extend_from_slice(right);
            return;
        }
        let left_sums = self.sums(left);
        let right_sums = Sums {
            hashes: sums.hashes - left_sums.hashes,
            signatures: sums.signatures - left_sums.signatures,
        };
        if self.check(left_sums) {
            self.find_bad(right, right_sums, true, bad);
        } else {
            self.find_bad(left, left_sums, true, bad);
            self.find_bad(right, right_sums, false, bad);
        }
    }

    /// The sums over `set` (not empty), two multi-scalar multiplications.
    fn sums(&self, set: &[usize]) -> Sums {
        let pick = |points: &[G2Projective]| -> Vec<G2Projective> {
            set.iter().map(|&i| points[i]).collect()
        };
        let coefficients: Vec<Scalar> = set.iter().map(|&i| self.coefficients[i]).collect();
        // blst's Pippenger indexes the first point unconditionally: `set` is never empty
        // (`invalid_signatures` returns early for no messages, `find_bad` splits sets of two
        // or more).
        Sums {
            hashes: G2Projective::multi_exp(&pick(&self.hashes), &coefficients),
            signatures: G2Projective::multi_exp(&pick(&self.signatures), &coefficients),
        }
    }

    /// `e(PK, sum r_i H_i) == e(P1, sum r_i sigma_i)`.
    fn check(&self, sums: Sums) -> bool {
        self.pairing_check(sums.hashes.into(), sums.signatures.into())
    }

    /// `e(PK, H_i) == e(P1, sigma_i)`.
    fn check_one(&self, i: usize) -> bool {
        self.pairing_check(self.hashes[i].into(), self.signatures[i].into())
    }

    /// `e(PK, h) == e(P1, s)`, as `e(PK, h) * e(-P1, s) == 1`.
    fn pairing_check(&self, h: G2Affine, s: G2Affine) -> bool {
        pairing_product_is_one(&[(self.public_key, h), (-G1Affine::generator(), s)])
    }
}
