//! FABEO CP-ABE (credkit-abe) beside the raw curve operations it is built from.
//!
//! Run from the workspace root:
//!
//! ```text
//! cargo bench --bench abe -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Benchmark ids, `group/id/parameter`:
//!
//! - `keygen/warm/10`: `MasterSecretKey::keygen` for 10 attributes whose hashes `H(y)` are in
//!   credkit-abe's process-wide cache (a long-running authority's case);
//!   `keygen/cold/10`: the same for 10 attributes never seen before (each is hashed to G1);
//! - `encapsulate/<policy>/<n>` for `and` (the AND of n attributes) and `threshold` (`n/2 of
//!   (n attributes)`), n = 10 and 100: attribute hashes cached, the public key's GT table
//!   built; `encapsulate/and_cold_hashes/10`: a policy of 10 attributes never seen before;
//!   `encapsulate/and_cold_table/10`: a public key just decoded, whose GT table (960
//!   multiplications in GT) is built on this first use, as in a fresh `credkit abe encrypt`
//!   process;
//! - `decapsulate/<policy>/<n>`: the same policies, with a key holding exactly the policy's
//!   attributes (for a threshold, `satisfy` picks `n/2` of them, with Lagrange coefficients);
//! - `raw/g1_mul/1`, `raw/g2_mul/1`: one constant-time scalar multiplication (blst);
//!   `raw/msm_ct/2`: credkit's constant-time MSM of 2 points (each `C_i` and `K1`);
//!   `raw/msm_vartime/<n>` for n = 5 and 50 (decapsulation under a threshold); `raw/hash_to_g1/1`:
//!   RFC 9380 hash-to-G1 under credkit-abe's DST; `raw/pairing3/1`: blst's multi-Miller loop of
//!   3 affine pairs and one final exponentiation (what decapsulation computes);
//!   `raw/gt_pow_vartime/1`: blstrs' `Gt * Scalar` (double-and-add), for scale against the
//!   constant-time table exponentiation inside `encapsulate`.
//!
//! With `CREDKIT_BENCH_RATIOS=1` set, the bench also prints an *interleaved* ratio report (as
//! `benches/bbs.rs` does): each operation and the sum of its raw operations are timed
//! alternately, so that the load of a shared machine affects both alike. The report alone:
//!
//! ```text
//! CREDKIT_BENCH_RATIOS=1 cargo bench --bench abe -- ratios-only
//! ```

use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use credkit::abe::fabeo::{
    decapsulate, encapsulate, setup, Ciphertext, MasterPublicKey, MasterSecretKey, UserKey,
    HASH_DST,
};
use credkit::abe::policy::{Attribute, Policy};
use credkit::core::curve::{
    Curve, Field, G1Affine, G1Projective, G2Affine, G2Projective, Group, Gt, Scalar,
};
use credkit::core::hash_to_curve::hash_to_g1_xmd_sha256;
use credkit::core::msm::{ct_multi_exp, vartime_multi_exp};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::SeedableRng;

/// Leaves swept.
const SIZES: [usize; 2] = [10, 100];

/// `count` attributes `unit:<prefix>-<i>`.
fn attributes(prefix: &str, count: usize) -> Vec<Attribute> {
    (0..count)
        .map(|i| Attribute::new("unit", &format!("{prefix}-{i:03}")).unwrap())
        .collect()
}

/// `count` attributes no process has hashed before: a fresh prefix each call.
fn fresh_attributes(count: usize) -> Vec<Attribute> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let prefix = format!("cold{}", COUNTER.fetch_add(1, Ordering::Relaxed));
    attributes(&prefix, count)
}

/// The AND of `attributes`, or `k of (attributes)`.
fn policy(attributes: &[Attribute], k: Option<usize>) -> Policy {
    let list: Vec<String> = attributes.iter().map(ToString::to_string).collect();
    let text = match k {
        None => list.join(" and "),
        Some(k) => format!("{k} of ({})", list.join(", ")),
    };
    Policy::parse(&text).unwrap()
}

/// A policy, a key with exactly its attributes, and a ciphertext under it.
struct Fixture {
    policy: Policy,
    key: UserKey,
    ciphertext: Ciphertext,
}

impl Fixture {
    /// Builds and checks the fixture: every benchmark measures a successful operation. This
    /// also fills the attribute hash cache and the public key's GT table.
    fn new(
        rng: &mut StdRng,
        mpk: &MasterPublicKey,
        msk: &MasterSecretKey,
        n: usize,
        k: Option<usize>,
    ) -> Self {
        let attributes = attributes("w", n);
        let policy = policy(&attributes, k);
        let key = msk.keygen(rng, &attributes).unwrap();
        let (ciphertext, shared) = encapsulate(rng, mpk, &policy).unwrap();
        assert_eq!(decapsulate(&key, &ciphertext).unwrap(), shared);
        Fixture {
            policy,
            key,
            ciphertext,
        }
    }
}

/// The policies benchmarked: `(id, n, k)`.
fn policies() -> Vec<(&'static str, usize, Option<usize>)> {
    SIZES
        .iter()
        .flat_map(|&n| [("and", n, None), ("threshold", n, Some(n / 2))])
        .collect()
}

fn abe(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(0xabe);
    let (mpk, msk) = setup(&mut rng);

    let mut group = c.benchmark_group("keygen");
    let warm = attributes("w", 10);
    msk.keygen(&mut rng, &warm).unwrap();
    group.bench_function(BenchmarkId::new("warm", 10), |b| {
        b.iter(|| msk.keygen(&mut rng, black_box(&warm)).unwrap())
    });
    group.bench_function(BenchmarkId::new("cold", 10), |b| {
        b.iter_batched(
            || fresh_attributes(10),
            |fresh| msk.keygen(&mut rng, black_box(&fresh)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let fixtures: Vec<_> = policies()
        .into_iter()
        .map(|(id, n, k)| (id, n, Fixture::new(&mut rng, &mpk, &msk, n, k)))
        .collect();
    let mut group = c.benchmark_group("encapsulate");
    for (id, n, f) in &fixtures {
        group.bench_function(BenchmarkId::new(*id, n), |b| {
            b.iter(|| encapsulate(&mut rng, &mpk, black_box(&f.policy)).unwrap())
        });
    }
    group.bench_function(BenchmarkId::new("and_cold_hashes", 10), |b| {
        b.iter_batched(
            || policy(&fresh_attributes(10), None),
            |fresh| encapsulate(&mut rng, &mpk, black_box(&fresh)).unwrap(),
            BatchSize::SmallInput,
        )
    });
    let mpk_bytes = mpk.to_bytes();
    let and10 = &fixtures[0].2.policy;
    group.bench_function(BenchmarkId::new("and_cold_table", 10), |b| {
        b.iter_batched(
            || MasterPublicKey::from_bytes(&mpk_bytes).unwrap(),
            |fresh| encapsulate(&mut rng, black_box(&fresh), and10).unwrap(),
            BatchSize::SmallInput,
        )
    });
    group.finish();

    let mut group = c.benchmark_group("decapsulate");
    for (id, n, f) in &fixtures {
        group.bench_function(BenchmarkId::new(*id, n), |b| {
            b.iter(|| decapsulate(&f.key, black_box(&f.ciphertext)).unwrap())
        });
    }
    group.finish();
}

/// Random inputs of the raw operations.
struct Raw {
    g1: G1Projective,
    g2: G2Projective,
    s: Scalar,
    pair: [G1Projective; 2],
    pair_scalars: [Scalar; 2],
    points: Vec<G1Projective>,
    scalars: Vec<Scalar>,
    ps: [G1Affine; 3],
    qs: [G2Affine; 3],
    gt: Gt,
}

impl Raw {
    fn new(rng: &mut StdRng) -> Self {
        let mut g1 = || G1Projective::random(&mut *rng);
        let pair = [g1(), g1()];
        let points: Vec<G1Projective> = (0..50).map(|_| g1()).collect();
        let ps = [g1().to_affine(), g1().to_affine(), g1().to_affine()];
        let g1 = g1();
        let qs = [(); 3].map(|()| G2Projective::random(&mut *rng).to_affine());
        Raw {
            g1,
            g2: G2Projective::random(&mut *rng),
            s: Scalar::random(&mut *rng),
            pair,
            pair_scalars: [Scalar::random(&mut *rng), Scalar::random(&mut *rng)],
            points,
            scalars: (0..50).map(|_| Scalar::random(&mut *rng)).collect(),
            ps,
            qs,
            gt: Gt::random(&mut *rng),
        }
    }

    fn g1_mul(&self) -> G1Projective {
        black_box(self.g1) * black_box(self.s)
    }

    fn g2_mul(&self) -> G2Projective {
        black_box(self.g2) * black_box(self.s)
    }

    fn msm_ct_2(&self) -> G1Projective {
        ct_multi_exp(black_box(&self.pair), black_box(&self.pair_scalars)).unwrap()
    }

    fn msm_vartime(&self, n: usize) -> G1Projective {
        vartime_multi_exp(black_box(&self.points[..n]), black_box(&self.scalars[..n])).unwrap()
    }

    /// A fresh input each call, so that nothing is cached.
    fn hash_to_g1(&self, i: u64) -> G1Projective {
        hash_to_g1_xmd_sha256(&i.to_be_bytes(), HASH_DST)
    }

    fn pairing3(&self) -> blst::blst_fp12 {
        let ps = black_box(&self.ps).map(|p| *p.as_ref());
        let qs = black_box(&self.qs).map(|q| *q.as_ref());
        blst::blst_fp12::miller_loop_n(&qs, &ps).final_exp()
    }
}

fn raw(c: &mut Criterion) {
    let mut rng = StdRng::seed_from_u64(0x00c0_ffee);
    let raw = Raw::new(&mut rng);
    let mut group = c.benchmark_group("raw");
    group.bench_function(BenchmarkId::new("g1_mul", 1), |b| b.iter(|| raw.g1_mul()));
    group.bench_function(BenchmarkId::new("g2_mul", 1), |b| b.iter(|| raw.g2_mul()));
    group.bench_function(BenchmarkId::new("msm_ct", 2), |b| b.iter(|| raw.msm_ct_2()));
    for n in [5, 50] {
        group.bench_function(BenchmarkId::new("msm_vartime", n), |b| {
            b.iter(|| raw.msm_vartime(n))
        });
    }
    let mut i = 0u64;
    group.bench_function(BenchmarkId::new("hash_to_g1", 1), |b| {
        b.iter(|| {
            i += 1;
            raw.hash_to_g1(i)
        })
    });
    group.bench_function(BenchmarkId::new("pairing3", 1), |b| {
        b.iter(|| raw.pairing3())
    });
    group.bench_function(BenchmarkId::new("gt_pow_vartime", 1), |b| {
        b.iter(|| black_box(raw.gt) * black_box(raw.s))
    });
    group.finish();
}

/// Alternating runs per row of the ratio report.
const ROUNDS: usize = 40;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Times `op` and `reference` alternately; returns the median of each (ms) and the median of
/// the per-pair ratios `op / reference`. `setup` makes each round's input, untimed.
fn interleave<I, A, B>(
    mut setup: impl FnMut() -> I,
    mut op: impl FnMut(I) -> A,
    mut reference: impl FnMut() -> B,
) -> [f64; 3] {
    let (mut ops, mut refs, mut ratios) = (vec![], vec![], vec![]);
    for round in 0..=ROUNDS {
        let input = setup();
        let start = Instant::now();
        black_box(op(input));
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
    let raw = Raw::new(&mut rng);
    let (mpk, msk) = setup(&mut rng);
    let fixtures: Vec<_> = policies()
        .into_iter()
        .map(|(id, n, k)| (id, n, k, Fixture::new(&mut rng, &mpk, &msk, n, k)))
        .collect();
    let warm = attributes("w", 10);
    let mut rng2 = StdRng::seed_from_u64(2);
    let mut hashes = 1u64 << 40;
    let mut rows: Vec<(String, String, [f64; 3])> = Vec::new();

    let keygen_raw = |raw: &Raw| {
        black_box(raw.g2_mul());
        black_box(raw.msm_ct_2());
        for _ in 0..10 {
            black_box(raw.g1_mul());
        }
    };
    rows.push((
        "keygen warm, 10 attributes".into(),
        "g2_mul + msm_ct(2) + 10 g1_mul".into(),
        interleave(
            || (),
            |()| msk.keygen(&mut rng2, &warm).unwrap(),
            || keygen_raw(&raw),
        ),
    ));
    rows.push((
        "keygen cold, 10 attributes".into(),
        "the same + 10 hash_to_g1".into(),
        interleave(
            || fresh_attributes(10),
            |fresh| msk.keygen(&mut rng2, &fresh).unwrap(),
            || {
                keygen_raw(&raw);
                for _ in 0..10 {
                    hashes += 1;
                    black_box(raw.hash_to_g1(hashes));
                }
            },
        ),
    ));
    for (id, n, k, f) in &fixtures {
        let what = match k {
            None => format!("AND of {n}"),
            Some(k) => format!("{k} of {n}"),
        };
        rows.push((
            format!("encapsulate, {what}"),
            format!("2 g2_mul + {n} msm_ct(2)"),
            interleave(
                || (),
                |()| encapsulate(&mut rng2, &mpk, &f.policy).unwrap(),
                || {
                    black_box(raw.g2_mul());
                    black_box(raw.g2_mul());
                    for _ in 0..*n {
                        black_box(raw.msm_ct_2());
                    }
                },
            ),
        ));
        let _ = id;
    }
    let and10 = &fixtures[0].3.policy;
    rows.push((
        "encapsulate, AND of 10, cold hashes".into(),
        "2 g2_mul + 10 msm_ct(2) + 10 hash_to_g1".into(),
        interleave(
            || policy(&fresh_attributes(10), None),
            |fresh| encapsulate(&mut rng2, &mpk, &fresh).unwrap(),
            || {
                black_box(raw.g2_mul());
                black_box(raw.g2_mul());
                for _ in 0..10 {
                    black_box(raw.msm_ct_2());
                    hashes += 1;
                    black_box(raw.hash_to_g1(hashes));
                }
            },
        ),
    ));
    let mpk_bytes = mpk.to_bytes();
    let mut rng3 = StdRng::seed_from_u64(3);
    rows.push((
        "encapsulate, AND of 10, cold GT table".into(),
        "encapsulate, AND of 10, warm".into(),
        interleave(
            || MasterPublicKey::from_bytes(&mpk_bytes).unwrap(),
            |fresh| encapsulate(&mut rng2, &fresh, and10).unwrap(),
            || encapsulate(&mut rng3, &mpk, and10).unwrap(),
        ),
    ));
    for (_, n, k, f) in &fixtures {
        let (what, reference) = match k {
            None => (format!("AND of {n}"), "pairing3".to_owned()),
            Some(k) => (
                format!("{k} of {n}"),
                format!("pairing3 + 2 msm_vartime({k})"),
            ),
        };
        rows.push((
            format!("decapsulate, {what}"),
            reference,
            interleave(
                || (),
                |()| decapsulate(&f.key, &f.ciphertext).unwrap(),
                || {
                    black_box(raw.pairing3());
                    if let Some(k) = k {
                        black_box(raw.msm_vartime(*k));
                        black_box(raw.msm_vartime(*k));
                    }
                },
            ),
        ));
    }

    println!("\nInterleaved ratios ({ROUNDS} alternating pairs after one warm-up pair; medians):");
    println!(
        "{:<40} {:<42} {:>9} {:>9} {:>6}",
        "operation", "compared with", "op (ms)", "ref (ms)", "ratio"
    );
    for (op, reference, [t_op, t_ref, ratio]) in rows {
        println!("{op:<40} {reference:<42} {t_op:>9.3} {t_ref:>9.3} {ratio:>6.2}");
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
    targets = abe, raw, ratios
}
criterion_main!(benches);
