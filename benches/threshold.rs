//! Threshold BLS operations beside the raw curve operations they are built from.
//!
//! Run from the workspace root:
//!
//! ```text
//! cargo bench --bench threshold -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Benchmark ids, `group/id/parameter`, for `t` of `n` members (3 of 5, 67 of 100):
//!
//! - `sign/partial/<t>_of_<n>`: one partial signature (`hash_to_G2` and a constant-time G2
//!   multiplication);
//! - `verify_partials/batch/<t>_of_<n>`: `t` valid partial signatures of one message checked in
//!   one batch (`hash_to_G2`, 64-bit G1 and G2 multi-scalar multiplications, two Miller loops,
//!   one final exponentiation);
//! - `combine/interpolate/<t>_of_<n>`: Lagrange coefficients and one G2 multi-scalar
//!   multiplication (with the GLS endomorphism: `4t` points, 64-bit scalars);
//!   `combine/and_verify/<t>_of_<n>`: the same and `Verify`;
//! - `verify/group_signature/1`: `Signature::verify` of the combined signature under the group
//!   key, which is blst's own `min_pk` verification (so this is also blst's number);
//! - `dealer/deal/<t>_of_<n>`: dealing a fresh key, including every verifying share and the
//!   proof of possession;
//! - `raw/g2_msm/<t>`: blstrs' G2 multi-scalar multiplication (blst's Pippenger, 255-bit
//!   scalars) of `t` points, what `combine` would cost without the endomorphism; `raw/pairing2/1`: a two-term multi-Miller loop over prepared G2
//!   points and one final exponentiation; `raw/hash_to_g2/1`.
//!
//! With `CREDKIT_BENCH_RATIOS=1` set, the bench also prints an *interleaved* ratio report (as
//! `benches/bbs.rs` does): each operation at 67 of 100 and a reference (`Signature::verify`,
//! blst's own verification, and the plain G2 multi-scalar multiplication) are timed alternately,
//! so that the load of a shared machine affects both alike. The report alone:
//!
//! ```text
//! CREDKIT_BENCH_RATIOS=1 cargo bench --bench threshold -- ratios-only
//! ```

use std::hint::black_box;
use std::time::Instant;

use credkit::core::curve::{
    Bls12, Curve, Field, G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Group, Gt,
    MillerLoopResult, MultiMillerLoop, Scalar,
};
use credkit::core::hash_to_curve::hash_to_g2_xmd_sha256;
use credkit::threshold::bls::DST_SIGNATURE;
use credkit::threshold::{combine, dealer, sign, GroupKey, PartialSignature, SigningShare};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// `(min_signers, max_signers)` swept.
const SWEEP: [(u16, u16); 2] = [(3, 5), (67, 100)];
const MESSAGE: &[u8] = b"credkit bench: upload 17 of study S";

struct Fixture {
    group_key: GroupKey,
    shares: Vec<SigningShare>,
    /// The partial signatures of `min_signers` members drawn at random (their Lagrange
    /// coefficients are full-size scalars; those of members `1..=t` are small binomials, which
    /// would flatter `combine`).
    partials: Vec<PartialSignature>,
}

impl Fixture {
    fn new(rng: &mut StdRng, t: u16, n: u16) -> Self {
        let (group_key, shares) = dealer::deal(rng, t, n).expect("deal");
        let signers = rand::seq::index::sample(rng, usize::from(n), usize::from(t));
        let partials: Vec<PartialSignature> = signers
            .iter()
            .map(|i| sign::sign(&shares[i], MESSAGE))
            .collect();
        // Every benchmark measures a successful operation. The signers are a random subset.
        sign::verify_partials(rng, &group_key, MESSAGE, &partials).expect("partials");
        combine::combine_and_verify(&group_key, MESSAGE, &partials).expect("combine");
        Fixture {
            group_key,
            shares,
            partials,
        }
    }
}

fn threshold(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(0x7e57);
    for (t, n) in SWEEP {
        let g = Fixture::new(&mut rng, t, n);
        let id = BenchmarkId::new("partial", format!("{t}_of_{n}"));
        c.benchmark_group("sign").bench_function(id, |b| {
            b.iter(|| sign::sign(black_box(&g.shares[0]), black_box(MESSAGE)))
        });
        let id = BenchmarkId::new("batch", format!("{t}_of_{n}"));
        c.benchmark_group("verify_partials")
            .bench_function(id, |b| {
                b.iter(|| {
                    sign::verify_partials(&mut rng, &g.group_key, MESSAGE, black_box(&g.partials))
                        .unwrap()
                })
            });
        let mut group = c.benchmark_group("combine");
        group.bench_function(
            BenchmarkId::new("interpolate", format!("{t}_of_{n}")),
            |b| b.iter(|| combine::combine(&g.group_key, black_box(&g.partials)).unwrap()),
        );
        group.bench_function(BenchmarkId::new("and_verify", format!("{t}_of_{n}")), |b| {
            b.iter(|| {
                combine::combine_and_verify(&g.group_key, MESSAGE, black_box(&g.partials)).unwrap()
            })
        });
        group.finish();
        if t == SWEEP[SWEEP.len() - 1].0 {
            let signature = combine::combine(&g.group_key, &g.partials).unwrap();
            c.benchmark_group("verify").bench_function(
                BenchmarkId::new("group_signature", 1),
                |b| {
                    b.iter(|| {
                        black_box(&signature)
                            .verify(g.group_key.public_key(), MESSAGE)
                            .unwrap()
                    })
                },
            );
        }
        let id = BenchmarkId::new("deal", format!("{t}_of_{n}"));
        c.benchmark_group("dealer")
            .bench_function(id, |b| b.iter(|| dealer::deal(&mut rng, t, n).unwrap()));
    }
}

fn raw(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(0x00c0_ffee);
    let max = usize::from(SWEEP[SWEEP.len() - 1].0);
    let points: Vec<G2Projective> = (0..max).map(|_| G2Projective::random(&mut rng)).collect();
    let scalars: Vec<Scalar> = (0..max).map(|_| Scalar::random(&mut rng)).collect();
    let a: G1Affine = G1Projective::random(&mut rng).to_affine();
    let b: G1Affine = G1Projective::random(&mut rng).to_affine();
    let p = G2Prepared::from(G2Projective::random(&mut rng).to_affine());
    let q = G2Prepared::from(G2Affine::from(G2Projective::random(&mut rng)));

    let mut group = c.benchmark_group("raw");
    for (t, _) in SWEEP {
        let t = usize::from(t);
        group.bench_function(BenchmarkId::new("g2_msm", t), |bench| {
            bench.iter(|| G2Projective::multi_exp(black_box(&points[..t]), &scalars[..t]))
        });
    }
    group.bench_function(BenchmarkId::new("pairing2", 1), |bench| {
        bench.iter(|| -> Gt {
            Bls12::multi_miller_loop(&[(black_box(&a), &p), (black_box(&b), &q)])
                .final_exponentiation()
        })
    });
    group.bench_function(BenchmarkId::new("hash_to_g2", 1), |bench| {
        bench.iter(|| hash_to_g2_xmd_sha256(black_box(MESSAGE), DST_SIGNATURE))
    });
    group.finish();
}

/// Alternating runs per row of the ratio report.
const ROUNDS: usize = 60;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `op` and `reference` alternately; returns the median of each (ms) and the median of
/// the per-pair ratios `op / reference`.
fn interleave<A, B>(mut op: impl FnMut() -> A, mut reference: impl FnMut() -> B) -> [f64; 3] {
    let (mut ops, mut refs, mut ratios) = (vec![], vec![], vec![]);
    for round in 0..=ROUNDS {
        let start = Instant::now();
        black_box(op());
        let t_op = start.elapsed().as_secs_f64() * 1e3;
        let start = Instant::now();
        black_box(reference());
        let t_ref = start.elapsed().as_secs_f64() * 1e3;
        // Round 0 warms caches and blst's thread pool.
        if round > 0 {
            ops.push(t_op);
            refs.push(t_ref);
            ratios.push(t_op / t_ref);
        }
    }
    [median(ops), median(refs), median(ratios)]
}

/// The interleaved ratio report, when `CREDKIT_BENCH_RATIOS` is set.
fn ratios(_: &mut Criterion) {
    if std::env::var_os("CREDKIT_BENCH_RATIOS").is_none() {
        return;
    }
    let mut rng = StdRng::seed_from_u64(0x7a71);
    let (t, n) = SWEEP[SWEEP.len() - 1];
    let g = Fixture::new(&mut rng, t, n);
    let signature = combine::combine(&g.group_key, &g.partials).unwrap();
    let verify = || signature.verify(g.group_key.public_key(), MESSAGE).unwrap();
    let points: Vec<G2Projective> = g.partials.iter().map(|p| p.point().into()).collect();
    let scalars: Vec<Scalar> = (0..points.len())
        .map(|_| Scalar::random(&mut rng))
        .collect();
    let mut rng2 = StdRng::seed_from_u64(1);
    let rows = [
        (
            "combine",
            "Signature::verify (blst)",
            interleave(
                || combine::combine(&g.group_key, &g.partials).unwrap(),
                verify,
            ),
        ),
        (
            "verify_partials",
            "Signature::verify (blst)",
            interleave(
                || sign::verify_partials(&mut rng2, &g.group_key, MESSAGE, &g.partials).unwrap(),
                verify,
            ),
        ),
        (
            "combine",
            "raw g2_msm (255-bit)",
            interleave(
                || combine::combine(&g.group_key, &g.partials).unwrap(),
                || G2Projective::multi_exp(&points, &scalars),
            ),
        ),
    ];
    println!("interleaved, {t} of {n}: median of {ROUNDS} alternating runs each");
    for (name, reference, [t_op, t_ref, ratio]) in rows {
        println!(
            "ratio {name:>16}  {t_op:7.3} ms  vs  {t_ref:7.3} ms  {reference:<26} ratio {ratio:.2}"
        );
    }
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = threshold, raw, ratios
}
criterion_main!(benches);
