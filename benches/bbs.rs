//! BBS operations beside the raw curve operations they are built from.
//!
//! Run from the workspace root (see `benches/README.md`):
//!
//! ```text
//! cargo bench --bench bbs -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Benchmark ids, `group/id/parameter`:
//!
//! - `sign/<suite>/<L>`, `verify/<suite>/<L>`, `proof_gen/<suite>/<L>`,
//!   `proof_verify/<suite>/<L>` with `<suite>` one of `sha256`, `shake256` and `L` messages of
//!   which `proof_gen` and `proof_verify` disclose 2 (L = 10) or 50 (L = 100);
//! - `raw/g1_msm_vartime/<n>` and `raw/g1_msm_ct/<n>`: a G1 multi-scalar multiplication of `n`
//!   points (`n` = L + 1, as in `sign`; L + 3, as in `verify` and `proof_verify`'s `T2`; 3, as
//!   in `proof_verify`'s `T1`);
//! - `raw/pairing2/1`: `h(a, W) * h(b, BP2)`, one multi-Miller loop over two prepared G2 points
//!   and one final exponentiation (the check of `verify` and `proof_verify`);
//! - `raw/g1_mul/1`: one constant-time G1 scalar multiplication (`A = B * (1 / (SK + e))`).
//!
//! Blind signatures and pseudonyms, BLS12-381-SHA-256 only, at L = 10 signer messages of which
//! proofs disclose 2 (as the plain benchmarks at L = 10); the parameter names the sizes:
//! `M` committed messages, `N` pseudonym secrets (with no committed message):
//!
//! - `commit/sha256/M1`, `commit_with_nym/sha256/N1` and `/N10`, `verify_commitment/sha256/M1`;
//! - `blind_sign/sha256/L10_M1`, `blind_sign_with_nym/sha256/L10_N1` and `/L10_N10` (each checks
//!   the commitment's proof first), `blind_verify/sha256/L10_M1`;
//! - `blind_proof_gen/sha256/L10_M1` and `blind_proof_verify/sha256/L10_M1` (U = 10 undisclosed:
//!   8 signer messages, the prover's blind and the committed message);
//! - `proof_gen_with_nym/sha256/L10_N<n>` and `proof_verify_with_nym/sha256/L10_N<n>` for
//!   N = 1 and 10 (U = 9 + N: 8 signer messages, the prover's blind and the N secrets);
//! - the plain operations at the same total number of messages, `verify/sha256/12`,
//!   `proof_gen/sha256/12` and `/21`, `proof_verify/sha256/12` and `/21` (disclosing 2, so the
//!   same U), and the raw operations these add: `raw/g1_msm_vartime/<n>` for n = 2 (the
//!   pseudonym check `Uv`), 12 (the check of a commitment to 10 secrets), 15 and 24 (`T2` over
//!   12 and 21 messages), `raw/g1_msm_ct/2` (`commit`'s MSMs) and `raw/hash_to_g1/1` (the
//!   pseudonym's `OP = hash_to_curve_g1(context_id)`).
//!
//! With `CREDKIT_BENCH_RATIOS=1` set, the bench also prints an *interleaved* ratio report: each
//! BBS operation and the sum of its raw operations are timed alternately in one loop, so that
//! the slow and fast phases of a shared machine affect both sides alike. Pass a filter that
//! matches no benchmark to get the report alone:
//!
//! ```text
//! CREDKIT_BENCH_RATIOS=1 cargo bench --bench bbs -- ratios-only
//! ```
//!
//! `CREDKIT_BENCH_RATIOS=plain` reports the plain BBS operations only, and
//! `CREDKIT_BENCH_RATIOS=blind` the blind and pseudonym operations only.

use std::hint::black_box;
use std::time::{Duration, Instant};

use credkit::bbs::blind::{
    blind_proof_gen, blind_proof_verify, blind_sign, blind_verify, commit, verify_commitment,
    Commitment, ProverBlind,
};
use credkit::bbs::pseudonym::{
    blind_sign_with_nym, commit_with_nym, proof_gen_with_nym, proof_verify_with_nym,
    verify_finalize_with_nym, NymEntropy, NymSecrets, Pseudonym,
};
use credkit::bbs::{
    proof_gen, proof_verify, sign, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Proof,
    SecretKey, Signature,
};
use credkit::core::curve::{
    Bls12, Curve, Field, G1Affine, G1Projective, G2Affine, G2Prepared, Group, Gt, MillerLoopResult,
    MultiMillerLoop, PrimeCurveAffine, Scalar,
};
use credkit::core::msm::{ct_multi_exp, vartime_multi_exp};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The message counts swept, each with the number of messages a proof discloses.
const SWEEP: [(usize, usize); 2] = [(10, 2), (100, 50)];
const HEADER: &[u8] = b"credkit bench header";
const PH: &[u8] = b"credkit bench presentation header";

/// A signed credential of `L` messages, and a proof disclosing `R` of them.
struct Credential {
    sk: SecretKey,
    messages: Vec<Vec<u8>>,
    indexes: Vec<usize>,
    signature: Signature,
    proof: Proof,
}

impl Credential {
    /// Builds and checks the credential: every benchmark measures a successful operation. This
    /// also fills the generator cache and the public key's prepared G2 point.
    fn new<C: Ciphersuite>(l: usize, r: usize) -> Self {
        let sk = SecretKey::key_gen::<C>(&[42u8; 32], b"bench").expect("key_gen");
        let messages = attributes(l);
        let indexes = spread(l, r);
        let signature = sign::<C>(&sk, HEADER, &messages).expect("sign");
        let pk = sk.public_key();
        verify::<C>(pk, &signature, HEADER, &messages).expect("verify");
        let proof = proof_gen::<C>(pk, &signature, HEADER, PH, &messages, &indexes).expect("proof");
        let credential = Credential {
            sk,
            messages,
            indexes,
            signature,
            proof,
        };
        credential.proof_verify::<C>();
        credential
    }

    fn disclosed(&self) -> Vec<&[u8]> {
        self.indexes
            .iter()
            .map(|&i| &self.messages[i][..])
            .collect()
    }

    fn sign<C: Ciphersuite>(&self) -> Signature {
        sign::<C>(
            black_box(&self.sk),
            black_box(HEADER),
            black_box(&self.messages),
        )
        .unwrap()
    }

    fn verify<C: Ciphersuite>(&self) {
        let (pk, sig) = (self.sk.public_key(), &self.signature);
        verify::<C>(
            black_box(pk),
            black_box(sig),
            black_box(HEADER),
            black_box(&self.messages),
        )
        .unwrap();
    }

    fn proof_gen<C: Ciphersuite>(&self) -> Proof {
        let (pk, sig, msgs) = (self.sk.public_key(), &self.signature, &self.messages);
        proof_gen::<C>(
            black_box(pk),
            black_box(sig),
            HEADER,
            PH,
            black_box(msgs),
            &self.indexes,
        )
        .unwrap()
    }

    fn proof_verify<C: Ciphersuite>(&self) {
        let (pk, proof, disclosed) = (self.sk.public_key(), &self.proof, self.disclosed());
        proof_verify::<C>(
            black_box(pk),
            black_box(proof),
            HEADER,
            PH,
            &disclosed,
            &self.indexes,
        )
        .unwrap();
    }
}

/// `l` attribute messages of about 30 bytes.
fn attributes(l: usize) -> Vec<Vec<u8>> {
    (0..l)
        .map(|i| format!("attribute-{i:03}=value of attribute {i}").into_bytes())
        .collect()
}

/// `r` indexes of `l`, spread evenly and strictly ascending.
fn spread(l: usize, r: usize) -> Vec<usize> {
    (0..r).map(|k| k * l / r).collect()
}

/// Signer messages `L` of the blind and pseudonym benchmarks, and how many of them proofs
/// disclose (as the plain benchmarks at L = 10).
const BLIND_L: usize = 10;
const BLIND_R: usize = 2;
/// Pseudonym secret counts `N` swept.
const NYM_COUNTS: [usize; 2] = [1, 10];
/// The verifier's `context_id` of the pseudonym benchmarks.
const CONTEXT_ID: &[u8] = b"credkit bench verifier";
/// No committed messages (the pseudonym benchmarks commit to their secrets only).
const NO_COMMITTED: &[&[u8]] = &[];

/// A blind signature on `BLIND_L` signer messages and one committed message, and a proof
/// disclosing `BLIND_R` signer messages (and neither the committed message nor the blind).
struct BlindCredential {
    sk: SecretKey,
    messages: Vec<Vec<u8>>,
    committed: Vec<Vec<u8>>,
    indexes: Vec<usize>,
    commitment: Commitment,
    blind: ProverBlind,
    signature: Signature,
    proof: Proof,
}

impl BlindCredential {
    /// Builds and checks the credential, as [`Credential::new`].
    fn new<C: Ciphersuite>() -> Self {
        let sk = SecretKey::key_gen::<C>(&[43u8; 32], b"bench blind").expect("key_gen");
        let messages = attributes(BLIND_L);
        let committed = vec![b"holder secret=a 32-byte random binding key".to_vec()];
        let indexes = spread(BLIND_L, BLIND_R);
        let (commitment, blind) = commit::<C>(&committed).expect("commit");
        verify_commitment::<C>(&commitment).expect("verify_commitment");
        let signature =
            blind_sign::<C>(&sk, Some(&commitment), HEADER, &messages).expect("blind_sign");
        let pk = sk.public_key();
        blind_verify::<C>(pk, &signature, HEADER, &messages, &committed, Some(&blind))
            .expect("blind_verify");
        let proof = blind_proof_gen::<C>(
            pk,
            &signature,
            HEADER,
            PH,
            &messages,
            &committed,
            &indexes,
            &[],
            Some(&blind),
        )
        .expect("blind_proof_gen");
        assert_eq!(proof.undisclosed_count(), BLIND_L + 2 - BLIND_R);
        let credential = BlindCredential {
            sk,
            messages,
            committed,
            indexes,
            commitment,
            blind,
            signature,
            proof,
        };
        credential.blind_proof_verify::<C>();
        credential
    }

    fn disclosed(&self) -> Vec<&[u8]> {
        self.indexes
            .iter()
            .map(|&i| &self.messages[i][..])
            .collect()
    }

    fn commit<C: Ciphersuite>(&self) -> (Commitment, ProverBlind) {
        commit::<C>(black_box(&self.committed)).unwrap()
    }

    fn verify_commitment<C: Ciphersuite>(&self) {
        verify_commitment::<C>(black_box(&self.commitment)).unwrap();
    }

    fn blind_sign<C: Ciphersuite>(&self) -> Signature {
        blind_sign::<C>(
            black_box(&self.sk),
            Some(black_box(&self.commitment)),
            HEADER,
            black_box(&self.messages),
        )
        .unwrap()
    }

    fn blind_verify<C: Ciphersuite>(&self) {
        blind_verify::<C>(
            black_box(self.sk.public_key()),
            black_box(&self.signature),
            HEADER,
            black_box(&self.messages),
            &self.committed,
            Some(&self.blind),
        )
        .unwrap();
    }

    fn blind_proof_gen<C: Ciphersuite>(&self) -> Proof {
        blind_proof_gen::<C>(
            black_box(self.sk.public_key()),
            black_box(&self.signature),
            HEADER,
            PH,
            black_box(&self.messages),
            &self.committed,
            &self.indexes,
            &[],
            Some(&self.blind),
        )
        .unwrap()
    }

    fn blind_proof_verify<C: Ciphersuite>(&self) {
        blind_proof_verify::<C>(
            black_box(self.sk.public_key()),
            black_box(&self.proof),
            HEADER,
            PH,
            BLIND_L,
            &self.disclosed(),
            &self.indexes,
            NO_COMMITTED,
            &[],
        )
        .unwrap();
    }
}

/// A signature with `N` pseudonym secrets (and no committed message) on `BLIND_L` signer
/// messages, and a proof with pseudonym disclosing `BLIND_R` of them.
struct NymCredential {
    sk: SecretKey,
    n: usize,
    messages: Vec<Vec<u8>>,
    indexes: Vec<usize>,
    prover_nyms: NymSecrets,
    commitment: Commitment,
    blind: ProverBlind,
    entropy: NymEntropy,
    signature: Signature,
    nym_secrets: NymSecrets,
    proof: Proof,
    pseudonym: Pseudonym,
}

impl NymCredential {
    /// Builds and checks the credential, as [`Credential::new`].
    fn new<C: Ciphersuite>(n: usize) -> Self {
        let sk = SecretKey::key_gen::<C>(&[44u8; 32], b"bench nym").expect("key_gen");
        let mut rng = StdRng::seed_from_u64(n as u64);
        let messages = attributes(BLIND_L);
        let indexes = spread(BLIND_L, BLIND_R);
        let prover_nyms = NymSecrets::generate(&mut rng, n).expect("nym secrets");
        let (commitment, blind) =
            commit_with_nym::<C>(NO_COMMITTED, &prover_nyms).expect("commit_with_nym");
        let entropy = NymEntropy::generate(&mut rng);
        let signature = blind_sign_with_nym::<C>(&sk, &commitment, n, &entropy, HEADER, &messages)
            .expect("blind_sign_with_nym");
        let pk = sk.public_key();
        let nym_secrets = verify_finalize_with_nym::<C>(
            pk,
            &signature,
            HEADER,
            &messages,
            NO_COMMITTED,
            &prover_nyms,
            &entropy,
            Some(&blind),
        )
        .expect("verify_finalize_with_nym");
        let (proof, pseudonym) = proof_gen_with_nym::<C>(
            pk,
            &signature,
            HEADER,
            PH,
            &nym_secrets,
            CONTEXT_ID,
            &messages,
            NO_COMMITTED,
            &indexes,
            &[],
            Some(&blind),
        )
        .expect("proof_gen_with_nym");
        assert_eq!(proof.undisclosed_count(), BLIND_L + 1 + n - BLIND_R);
        let credential = NymCredential {
            sk,
            n,
            messages,
            indexes,
            prover_nyms,
            commitment,
            blind,
            entropy,
            signature,
            nym_secrets,
            proof,
            pseudonym,
        };
        credential.proof_verify_with_nym::<C>();
        credential
    }

    fn commit_with_nym<C: Ciphersuite>(&self) -> (Commitment, ProverBlind) {
        commit_with_nym::<C>(NO_COMMITTED, black_box(&self.prover_nyms)).unwrap()
    }

    fn blind_sign_with_nym<C: Ciphersuite>(&self) -> Signature {
        blind_sign_with_nym::<C>(
            black_box(&self.sk),
            black_box(&self.commitment),
            self.n,
            &self.entropy,
            HEADER,
            black_box(&self.messages),
        )
        .unwrap()
    }

    fn proof_gen_with_nym<C: Ciphersuite>(&self) -> (Proof, Pseudonym) {
        proof_gen_with_nym::<C>(
            black_box(self.sk.public_key()),
            black_box(&self.signature),
            HEADER,
            PH,
            &self.nym_secrets,
            CONTEXT_ID,
            black_box(&self.messages),
            NO_COMMITTED,
            &self.indexes,
            &[],
            Some(&self.blind),
        )
        .unwrap()
    }

    fn proof_verify_with_nym<C: Ciphersuite>(&self) {
        let disclosed: Vec<&[u8]> = self
            .indexes
            .iter()
            .map(|&i| &self.messages[i][..])
            .collect();
        proof_verify_with_nym::<C>(
            black_box(self.sk.public_key()),
            black_box(&self.proof),
            HEADER,
            PH,
            black_box(&self.pseudonym),
            CONTEXT_ID,
            self.n,
            BLIND_L,
            &disclosed,
            &self.indexes,
            NO_COMMITTED,
            &[],
        )
        .unwrap();
    }
}

/// Random points and scalars for the raw operations.
struct Raw {
    points: Vec<G1Projective>,
    scalars: Vec<Scalar>,
    a: G1Affine,
    b: G1Affine,
    w_prepared: G2Prepared,
    bp2_prepared: G2Prepared,
}

impl Raw {
    fn new(max_terms: usize) -> Self {
        let mut rng = StdRng::seed_from_u64(0x00c0_ffee);
        let points = (0..max_terms)
            .map(|_| G1Projective::random(&mut rng))
            .collect();
        let scalars = (0..max_terms).map(|_| Scalar::random(&mut rng)).collect();
        let w = (G2Affine::generator() * Scalar::random(&mut rng)).to_affine();
        Raw {
            points,
            scalars,
            a: G1Projective::random(&mut rng).to_affine(),
            b: G1Projective::random(&mut rng).to_affine(),
            // Both G2 points prepared beforehand, as `verify` has them: the public key caches
            // its lines, and BP2's are computed once per process.
            w_prepared: G2Prepared::from(w),
            bp2_prepared: G2Prepared::from(G2Affine::generator()),
        }
    }

    fn msm_vartime(&self, n: usize) -> G1Projective {
        vartime_multi_exp(black_box(&self.points[..n]), black_box(&self.scalars[..n])).unwrap()
    }

    fn msm_ct(&self, n: usize) -> G1Projective {
        ct_multi_exp(black_box(&self.points[..n]), black_box(&self.scalars[..n])).unwrap()
    }

    /// `h(a, W) * h(b, BP2)`: one multi-Miller loop and one final exponentiation.
    fn pairing2(&self) -> Gt {
        Bls12::multi_miller_loop(&[
            (black_box(&self.a), &self.w_prepared),
            (black_box(&self.b), &self.bp2_prepared),
        ])
        .final_exponentiation()
    }

    fn g1_mul(&self) -> G1Projective {
        black_box(self.points[0]) * black_box(self.scalars[0])
    }

    /// What `proof_gen` computes with `r` disclosed and `u` undisclosed messages: `B` as a
    /// variable-time MSM over `P1`, `Q_1` and the `r` disclosed generators plus a constant-time
    /// MSM over the `u` undisclosed ones; `D = B * r2` and `Abar = A * (r1 * r2)` by blst;
    /// `Bbar` and `T1`, two constant-time MSMs of 2 terms; `T2`, one of `u + 1` terms.
    fn proof_gen_terms(&self, r: usize, u: usize) -> [G1Projective; 5] {
        let b = self.msm_vartime(r + 2) + self.msm_ct(u);
        let muls = self.g1_mul() + self.g1_mul();
        [b, muls, self.msm_ct(2), self.msm_ct(2), self.msm_ct(u + 1)]
    }
}

/// `OP = hash_to_curve_g1(context_id, api_id)`: the pseudonym's base point, hashed anew by
/// every `proof_gen_with_nym` and `proof_verify_with_nym`.
fn hash_to_g1<C: Ciphersuite>() -> G1Projective {
    C::hash_to_g1(black_box(CONTEXT_ID), C::PSEUDONYM_API_ID)
}

/// `sign`, `verify`, `proof_gen` and `proof_verify` of one suite at every `L` of [`SWEEP`].
fn bbs_suite<C: Ciphersuite>(c: &mut Criterion, suite: &str) {
    for (l, r) in SWEEP {
        let cred = Credential::new::<C>(l, r);
        let id = BenchmarkId::new(suite, l);
        c.benchmark_group("sign")
            .bench_function(id.clone(), |b| b.iter(|| cred.sign::<C>()));
        c.benchmark_group("verify")
            .bench_function(id.clone(), |b| b.iter(|| cred.verify::<C>()));
        c.benchmark_group("proof_gen")
            .bench_function(id.clone(), |b| b.iter(|| cred.proof_gen::<C>()));
        c.benchmark_group("proof_verify")
            .bench_function(id, |b| b.iter(|| cred.proof_verify::<C>()));
    }
}

fn bbs_sha256(c: &mut Criterion) {
    bbs_suite::<Bls12381Sha256>(c, "sha256");
}

fn bbs_shake256(c: &mut Criterion) {
    bbs_suite::<Bls12381Shake256>(c, "shake256");
}

/// The blind and pseudonym operations (see the module comment), and the plain `verify`,
/// `proof_gen` and `proof_verify` at the same total number of messages, SHA-256 only.
fn blind_sha256(c: &mut Criterion) {
    type C = Bls12381Sha256;
    let suite = "sha256";
    let cred = BlindCredential::new::<C>();
    let lm = format!("L{BLIND_L}_M1");
    c.benchmark_group("commit")
        .bench_function(BenchmarkId::new(suite, "M1"), |b| {
            b.iter(|| cred.commit::<C>())
        });
    c.benchmark_group("verify_commitment")
        .bench_function(BenchmarkId::new(suite, "M1"), |b| {
            b.iter(|| cred.verify_commitment::<C>())
        });
    c.benchmark_group("blind_sign")
        .bench_function(BenchmarkId::new(suite, &lm), |b| {
            b.iter(|| cred.blind_sign::<C>())
        });
    c.benchmark_group("blind_verify")
        .bench_function(BenchmarkId::new(suite, &lm), |b| {
            b.iter(|| cred.blind_verify::<C>())
        });
    c.benchmark_group("blind_proof_gen")
        .bench_function(BenchmarkId::new(suite, &lm), |b| {
            b.iter(|| cred.blind_proof_gen::<C>())
        });
    c.benchmark_group("blind_proof_verify")
        .bench_function(BenchmarkId::new(suite, &lm), |b| {
            b.iter(|| cred.blind_proof_verify::<C>())
        });

    for n in NYM_COUNTS {
        let nym = NymCredential::new::<C>(n);
        let ln = format!("L{BLIND_L}_N{n}");
        c.benchmark_group("commit_with_nym")
            .bench_function(BenchmarkId::new(suite, format!("N{n}")), |b| {
                b.iter(|| nym.commit_with_nym::<C>())
            });
        c.benchmark_group("blind_sign_with_nym")
            .bench_function(BenchmarkId::new(suite, &ln), |b| {
                b.iter(|| nym.blind_sign_with_nym::<C>())
            });
        c.benchmark_group("proof_gen_with_nym")
            .bench_function(BenchmarkId::new(suite, &ln), |b| {
                b.iter(|| nym.proof_gen_with_nym::<C>())
            });
        c.benchmark_group("proof_verify_with_nym")
            .bench_function(BenchmarkId::new(suite, &ln), |b| {
                b.iter(|| nym.proof_verify_with_nym::<C>())
            });
    }

    // Plain BBS over as many messages as the blind signature (L + 1 + M = 12) and the
    // pseudonym signatures (L + 1 + N = 12, 21) carry, disclosing as many: the same U.
    for total in [BLIND_L + 2, BLIND_L + 1 + NYM_COUNTS[1]] {
        let plain = Credential::new::<C>(total, BLIND_R);
        let id = BenchmarkId::new(suite, total);
        if total == BLIND_L + 2 {
            c.benchmark_group("verify")
                .bench_function(id.clone(), |b| b.iter(|| plain.verify::<C>()));
        }
        c.benchmark_group("proof_gen")
            .bench_function(id.clone(), |b| b.iter(|| plain.proof_gen::<C>()));
        c.benchmark_group("proof_verify")
            .bench_function(id, |b| b.iter(|| plain.proof_verify::<C>()));
    }
}

/// The raw curve operations: MSMs of the sizes the BBS operations use, the 2-pairing product
/// and one scalar multiplication.
fn raw(c: &mut Criterion) {
    let raw = Raw::new(SWEEP[SWEEP.len() - 1].0 + 3);
    let mut group = c.benchmark_group("raw");

    let mut sizes: Vec<usize> = SWEEP.iter().flat_map(|&(l, _)| [l + 1, l + 3]).collect();
    sizes.push(3);
    // The blind and pseudonym operations: the pseudonym check `Uv` (2), a commitment's check
    // with 10 secrets (N + 2 = 12), and `T2` over L + 1 + M = 12 and L + 1 + N = 21 messages.
    let n_max = NYM_COUNTS[1];
    sizes.extend([2, n_max + 2, BLIND_L + 2 + 3, BLIND_L + 1 + n_max + 3]);
    sizes.sort_unstable();
    sizes.dedup();
    for n in sizes {
        group.bench_function(BenchmarkId::new("g1_msm_vartime", n), |b| {
            b.iter(|| raw.msm_vartime(n))
        });
        // The constant-time MSM only at L + 1, the size proof_gen is compared with, and at 2,
        // the size of `commit`'s two MSMs with one committed message.
        if n == 2 || SWEEP.iter().any(|&(l, _)| n == l + 1) {
            group.bench_function(BenchmarkId::new("g1_msm_ct", n), |b| {
                b.iter(|| raw.msm_ct(n))
            });
        }
    }
    group.bench_function(BenchmarkId::new("pairing2", 1), |b| {
        b.iter(|| raw.pairing2())
    });
    group.bench_function(BenchmarkId::new("g1_mul", 1), |b| b.iter(|| raw.g1_mul()));
    group.bench_function(BenchmarkId::new("hash_to_g1", 1), |b| {
        b.iter(hash_to_g1::<Bls12381Sha256>)
    });
    group.finish();
}

/// Pairs timed per operation in the ratio report.
const ROUNDS: usize = 31;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `op` and `raw` alternately; returns the median of each (ms) and the median of the
/// per-pair ratios `op / raw`.
fn interleave<A, B>(mut op: impl FnMut() -> A, mut raw: impl FnMut() -> B) -> (f64, f64, f64) {
    fn time(f: &mut dyn FnMut()) -> f64 {
        let start = Instant::now();
        f();
        start.elapsed().as_secs_f64() * 1e3
    }
    let (mut ops, mut raws, mut ratios) = (vec![], vec![], vec![]);
    for round in 0..=ROUNDS {
        let t_op = time(&mut || {
            black_box(op());
        });
        let t_raw = time(&mut || {
            black_box(raw());
        });
        if round > 0 {
            // Round 0 warms caches and blst's thread pool.
            ops.push(t_op);
            raws.push(t_raw);
            ratios.push(t_op / t_raw);
        }
    }
    (median(ops), median(raws), median(ratios))
}

fn ratio_suite<C: Ciphersuite>(suite: &str, raw: &Raw) {
    for (l, r) in SWEEP {
        let cred = Credential::new::<C>(l, r);
        let rows = [
            ("sign", format!("msm_vartime({}) + g1_mul", l + 1), {
                interleave(
                    || cred.sign::<C>(),
                    || raw.msm_vartime(l + 1) + raw.g1_mul(),
                )
            }),
            ("verify", format!("msm_vartime({}) + pairing2", l + 3), {
                interleave(
                    || cred.verify::<C>(),
                    || (raw.msm_vartime(l + 3), raw.pairing2()),
                )
            }),
            ("proof_gen", format!("msm_ct({})", l + 1), {
                interleave(|| cred.proof_gen::<C>(), || raw.msm_ct(l + 1))
            }),
            // What proof_gen computes, U = L - R: B = vartime(P1, Q_1, R disclosed) + ct(U
            // undisclosed); D = B * r2 and Abar = A * (r1 * r2) by blst; Bbar and T1 two
            // ct MSMs of 2 terms; T2 a ct MSM of U + 1 terms.
            (
                "proof_gen",
                format!("its {} ct terms + msm_vartime({})", 2 * (l - r) + 7, r + 2),
                { interleave(|| cred.proof_gen::<C>(), || raw.proof_gen_terms(r, l - r)) },
            ),
            (
                "proof_verify",
                format!("msm_vartime({}) + msm_vartime(3) + pairing2", l + 3),
                {
                    interleave(
                        || cred.proof_verify::<C>(),
                        || (raw.msm_vartime(l + 3), raw.msm_vartime(3), raw.pairing2()),
                    )
                },
            ),
        ];
        for (name, parts, (t_op, t_raw, ratio)) in rows {
            println!(
                "ratio {name:>12}/{suite}/{l:<3}  {t_op:7.3} ms  vs  {t_raw:7.3} ms  {parts:<42} \
                 ratio {ratio:.2}"
            );
        }
    }
}

/// One row of the blind and pseudonym ratio report: operation, sizes, what it is compared
/// with, and the interleaved timings.
type BlindRow = (&'static str, String, String, (f64, f64, f64));

/// The blind and pseudonym operations against the raw operations they are built from; for
/// `blind_sign`, `blind_verify` and the proofs, also against the plain operation over as many
/// messages (the same MSMs) and against the plain operation at the same L signer messages (what
/// blindness or a pseudonym costs an issuer, holder or verifier).
fn ratio_blind<C: Ciphersuite>(suite: &str, raw: &Raw) {
    let (l, r) = (BLIND_L, BLIND_R);
    let cred = BlindCredential::new::<C>();
    let plain_l = Credential::new::<C>(l, r);
    // The blind signature's messages: L signer messages, the prover's blind, 1 committed.
    let total = l + 2;
    let u = total - r;
    let plain = Credential::new::<C>(total, r);
    let lm = format!("L{l}_M1");
    let mut rows: Vec<BlindRow> = vec![
        ("commit", "M1".into(), "2 msm_ct(2)".into(), {
            interleave(|| cred.commit::<C>(), || (raw.msm_ct(2), raw.msm_ct(2)))
        }),
        ("verify_commitment", "M1".into(), "msm_vartime(3)".into(), {
            interleave(|| cred.verify_commitment::<C>(), || raw.msm_vartime(3))
        }),
        (
            "blind_sign",
            lm.clone(),
            format!("msm_vartime(3) + msm_vartime({}) + g1_mul", l + 1),
            interleave(
                || cred.blind_sign::<C>(),
                || (raw.msm_vartime(3), raw.msm_vartime(l + 1) + raw.g1_mul()),
            ),
        ),
        (
            "blind_sign",
            lm.clone(),
            format!("sign({l}) + verify_commitment(M1)"),
            interleave(
                || cred.blind_sign::<C>(),
                || (plain_l.sign::<C>(), cred.verify_commitment::<C>()),
            ),
        ),
        (
            "blind_verify",
            lm.clone(),
            format!("msm_vartime({}) + pairing2", total + 3),
            interleave(
                || cred.blind_verify::<C>(),
                || (raw.msm_vartime(total + 3), raw.pairing2()),
            ),
        ),
        ("blind_verify", lm.clone(), format!("verify({total})"), {
            interleave(|| cred.blind_verify::<C>(), || plain.verify::<C>())
        }),
        (
            "blind_proof_gen",
            lm.clone(),
            format!("its {} ct terms + msm_vartime({})", 2 * u + 7, r + 2),
            interleave(|| cred.blind_proof_gen::<C>(), || raw.proof_gen_terms(r, u)),
        ),
        (
            "blind_proof_gen",
            lm.clone(),
            format!("proof_gen({total})"),
            { interleave(|| cred.blind_proof_gen::<C>(), || plain.proof_gen::<C>()) },
        ),
        (
            "blind_proof_verify",
            lm.clone(),
            format!("msm_vartime({}) + msm_vartime(3) + pairing2", total + 3),
            interleave(
                || cred.blind_proof_verify::<C>(),
                || {
                    (
                        raw.msm_vartime(total + 3),
                        raw.msm_vartime(3),
                        raw.pairing2(),
                    )
                },
            ),
        ),
        (
            "blind_proof_verify",
            lm.clone(),
            format!("proof_verify({total})"),
            {
                interleave(
                    || cred.blind_proof_verify::<C>(),
                    || plain.proof_verify::<C>(),
                )
            },
        ),
    ];
    // What the commitment costs over plain BBS at the same L signer messages.
    rows.extend([
        ("blind_sign", lm.clone(), format!("plain sign({l})"), {
            interleave(|| cred.blind_sign::<C>(), || plain_l.sign::<C>())
        }),
        ("blind_verify", lm.clone(), format!("plain verify({l})"), {
            interleave(|| cred.blind_verify::<C>(), || plain_l.verify::<C>())
        }),
        (
            "blind_proof_gen",
            lm.clone(),
            format!("plain proof_gen({l})"),
            { interleave(|| cred.blind_proof_gen::<C>(), || plain_l.proof_gen::<C>()) },
        ),
        (
            "blind_proof_verify",
            lm,
            format!("plain proof_verify({l})"),
            {
                interleave(
                    || cred.blind_proof_verify::<C>(),
                    || plain_l.proof_verify::<C>(),
                )
            },
        ),
    ]);
    for n in NYM_COUNTS {
        let nym = NymCredential::new::<C>(n);
        // L signer messages, the prover's blind, N secrets.
        let total = l + 1 + n;
        let u = total - r;
        let plain = Credential::new::<C>(total, r);
        let ln = format!("L{l}_N{n}");
        rows.extend([
            (
                "commit_with_nym",
                format!("N{n}"),
                format!("2 msm_ct({})", n + 1),
                {
                    interleave(
                        || nym.commit_with_nym::<C>(),
                        || (raw.msm_ct(n + 1), raw.msm_ct(n + 1)),
                    )
                },
            ),
            (
                "blind_sign_with_nym",
                ln.clone(),
                format!("msm_vartime({}) + msm_vartime({}) + 2 g1_mul", n + 2, l + 1),
                interleave(
                    || nym.blind_sign_with_nym::<C>(),
                    || {
                        let b = raw.msm_vartime(l + 1) + raw.g1_mul();
                        (raw.msm_vartime(n + 2), b + raw.g1_mul())
                    },
                ),
            ),
            (
                "proof_gen_with_nym",
                ln.clone(),
                format!(
                    "its {} ct terms + msm_vartime({}) + hash_to_g1",
                    2 * u + 9,
                    r + 2
                ),
                interleave(
                    || nym.proof_gen_with_nym::<C>(),
                    || {
                        let nym_terms = (raw.msm_ct(1), raw.msm_ct(1), hash_to_g1::<C>());
                        (raw.proof_gen_terms(r, u), nym_terms)
                    },
                ),
            ),
            (
                "proof_gen_with_nym",
                ln.clone(),
                format!("proof_gen({total}) + 2 msm_ct(1) + hash_to_g1"),
                interleave(
                    || nym.proof_gen_with_nym::<C>(),
                    || {
                        let nym_terms = (raw.msm_ct(1), raw.msm_ct(1), hash_to_g1::<C>());
                        (plain.proof_gen::<C>(), nym_terms)
                    },
                ),
            ),
            (
                "proof_verify_with_nym",
                ln.clone(),
                format!(
                    "msm_vartime({}) + msm_vartime(3) + pairing2 + msm_vartime(2) + hash_to_g1",
                    total + 3
                ),
                interleave(
                    || nym.proof_verify_with_nym::<C>(),
                    || {
                        let proof = (raw.msm_vartime(total + 3), raw.msm_vartime(3));
                        (proof, raw.pairing2(), raw.msm_vartime(2), hash_to_g1::<C>())
                    },
                ),
            ),
            (
                "proof_verify_with_nym",
                ln.clone(),
                format!("proof_verify({total}) + msm_vartime(2) + hash_to_g1"),
                interleave(
                    || nym.proof_verify_with_nym::<C>(),
                    || {
                        plain.proof_verify::<C>();
                        (raw.msm_vartime(2), hash_to_g1::<C>())
                    },
                ),
            ),
        ]);
        // What the pseudonym costs over plain BBS at the same L signer messages.
        rows.extend([
            (
                "blind_sign_with_nym",
                ln.clone(),
                format!("plain sign({l})"),
                { interleave(|| nym.blind_sign_with_nym::<C>(), || plain_l.sign::<C>()) },
            ),
            (
                "proof_gen_with_nym",
                ln.clone(),
                format!("plain proof_gen({l})"),
                {
                    interleave(
                        || nym.proof_gen_with_nym::<C>(),
                        || plain_l.proof_gen::<C>(),
                    )
                },
            ),
            (
                "proof_verify_with_nym",
                ln,
                format!("plain proof_verify({l})"),
                interleave(
                    || nym.proof_verify_with_nym::<C>(),
                    || plain_l.proof_verify::<C>(),
                ),
            ),
        ]);
    }
    // Grouped by operation (a stable sort: each group keeps the order above).
    rows.sort_by(|a, b| (a.0, &a.1).cmp(&(b.0, &b.1)));
    for (name, sizes, parts, (t_op, t_raw, ratio)) in rows {
        println!(
            "ratio {name:>21}/{suite}/{sizes:<7}  {t_op:7.3} ms  vs  {t_raw:7.3} ms  {parts:<72} \
             ratio {ratio:.2}"
        );
    }
}

/// The interleaved ratio report, when `CREDKIT_BENCH_RATIOS` is set (see the module comment):
/// `plain` for the plain BBS operations, `blind` for the blind and pseudonym operations, any
/// other value for both.
fn ratios(_: &mut Criterion) {
    let Some(which) = std::env::var_os("CREDKIT_BENCH_RATIOS") else {
        return;
    };
    let (plain, blind) = match which.to_str() {
        Some("plain") => (true, false),
        Some("blind") => (false, true),
        _ => (true, true),
    };
    let raw = Raw::new(SWEEP[SWEEP.len() - 1].0 + 3);
    println!("interleaved: median of {ROUNDS} alternating runs each; ratio = median of op/raw");
    if plain {
        ratio_suite::<Bls12381Sha256>("sha256", &raw);
        ratio_suite::<Bls12381Shake256>("shake256", &raw);
    }
    if blind {
        ratio_blind::<Bls12381Sha256>("sha256", &raw);
    }
}

fn config() -> Criterion {
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3))
}

criterion_group! {
    name = benches;
    config = config();
    targets = raw, bbs_sha256, bbs_shake256, blind_sha256, ratios
}
criterion_main!(benches);
