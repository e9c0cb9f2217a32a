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
//! With `CREDKIT_BENCH_RATIOS=1` set, the bench also prints an *interleaved* ratio report: each
//! BBS operation and the sum of its raw operations are timed alternately in one loop, so that
//! the slow and fast phases of a shared machine affect both sides alike. Pass a filter that
//! matches no benchmark to get the report alone:
//!
//! ```text
//! CREDKIT_BENCH_RATIOS=1 cargo bench --bench bbs -- ratios-only
//! ```

use std::hint::black_box;
use std::time::{Duration, Instant};

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
        let messages: Vec<Vec<u8>> = (0..l)
            .map(|i| format!("attribute-{i:03}=value of attribute {i}").into_bytes())
            .collect();
        // `r` of `l`, spread evenly and strictly ascending.
        let indexes: Vec<usize> = (0..r).map(|k| k * l / r).collect();
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

/// The raw curve operations: MSMs of the sizes the BBS operations use, the 2-pairing product
/// and one scalar multiplication.
fn raw(c: &mut Criterion) {
    let raw = Raw::new(SWEEP[SWEEP.len() - 1].0 + 3);
    let mut group = c.benchmark_group("raw");

    let mut sizes: Vec<usize> = SWEEP.iter().flat_map(|&(l, _)| [l + 1, l + 3]).collect();
    sizes.push(3);
    sizes.sort_unstable();
    for n in sizes {
        group.bench_function(BenchmarkId::new("g1_msm_vartime", n), |b| {
            b.iter(|| raw.msm_vartime(n))
        });
        // The constant-time MSM only at L + 1, the size proof_gen is compared with.
        if SWEEP.iter().any(|&(l, _)| n == l + 1) {
            group.bench_function(BenchmarkId::new("g1_msm_ct", n), |b| {
                b.iter(|| raw.msm_ct(n))
            });
        }
    }
    group.bench_function(BenchmarkId::new("pairing2", 1), |b| {
        b.iter(|| raw.pairing2())
    });
    group.bench_function(BenchmarkId::new("g1_mul", 1), |b| b.iter(|| raw.g1_mul()));
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
                {
                    let u = l - r;
                    interleave(
                        || cred.proof_gen::<C>(),
                        || {
                            let b = raw.msm_vartime(r + 2) + raw.msm_ct(u);
                            let muls = raw.g1_mul() + raw.g1_mul();
                            (b, muls, raw.msm_ct(2), raw.msm_ct(2), raw.msm_ct(u + 1))
                        },
                    )
                },
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

/// The interleaved ratio report, when `CREDKIT_BENCH_RATIOS` is set (see the module comment).
fn ratios(_: &mut Criterion) {
    if std::env::var_os("CREDKIT_BENCH_RATIOS").is_none() {
        return;
    }
    let raw = Raw::new(SWEEP[SWEEP.len() - 1].0 + 3);
    println!("interleaved: median of {ROUNDS} alternating runs each; ratio = median of op/raw");
    ratio_suite::<Bls12381Sha256>("sha256", &raw);
    ratio_suite::<Bls12381Shake256>("shake256", &raw);
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
    targets = raw, bbs_sha256, bbs_shake256, ratios
}
criterion_main!(benches);
