//! Anonymous uploads: a collector accepting `n` envelopes one by one against one batch.
//!
//! Run from the workspace root (see `benches/README.md`):
//!
//! ```text
//! cargo bench --bench uploads -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Benchmark ids, `group/id/parameter`, each over `n` = 10, 100, 1000 envelopes of one group
//! (fresh in-memory nonce store per iteration, so every envelope is new):
//!
//! - `uploads/accept_one_by_one/<n>`: `Collector::accept` on each envelope (payload hash,
//!   window, `bls::Signature::verify` in blst, nonce);
//! - `uploads/accept_batch/<n>`: `Collector::accept_batch` on all of them (one hash-to-G2 per
//!   envelope, two G2 multi-scalar multiplications, one two-pairing product);
//! - `uploads/accept_batch_3_bad/<n>`: the same with 3 envelopes signed under another key,
//!   which the bisection names.
//!
//! With `CREDKIT_BENCH_RATIOS=1` set, the bench also prints an interleaved report for
//! n = 1000: one-by-one and batch runs alternate, so that a shared machine's slow and fast
//! phases affect both alike. Pass a filter that matches no benchmark to get the report alone:
//!
//! ```text
//! CREDKIT_BENCH_RATIOS=1 cargo bench --bench uploads -- ratios-only
//! ```

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use credkit::threshold::bls::SecretKey;
use credkit::threshold::upload::{
    Collector, Envelope, GroupId, MemoryNonceStore, TaskId, UnsignedEnvelope,
};
use criterion::{criterion_group, criterion_main, BatchSize, BenchmarkId, Criterion};
use rand::rngs::StdRng;
use rand::SeedableRng;

const SWEEP: [usize; 3] = [10, 100, 1000];
const NOW: u64 = 1_750_000_000;
/// Alternating rounds of the ratio report.
const ROUNDS: usize = 5;

struct Uploads {
    group: SecretKey,
    envelopes: Vec<Envelope>,
    payloads: Vec<Vec<u8>>,
}

impl Uploads {
    /// `n` uploads of one group; the first `bad` are signed under another key.
    fn new(n: usize, bad: usize) -> Self {
        let group = SecretKey::key_gen(&[1u8; 32], b"bench group").unwrap();
        let other = SecretKey::key_gen(&[2u8; 32], b"bench group").unwrap();
        let group_id = GroupId::from_public_key(group.public_key());
        let task = TaskId::new("study-S/visit-3").unwrap();
        let mut rng = StdRng::seed_from_u64(7);
        // The bad ones spread evenly: 0, n/3, 2n/3 for three.
        let bad: BTreeSet<usize> = (0..bad).map(|k| k * n / bad).collect();
        let (envelopes, payloads) = (0..n)
            .map(|i| {
                let payload = format!("{{\"heart_rate\": {}}}", 60 + i % 40).into_bytes();
                let unsigned =
                    UnsignedEnvelope::new_with_rng(&mut rng, group_id, task.clone(), NOW, &payload);
                let signer = if bad.contains(&i) { &other } else { &group };
                let signature = signer.sign(&unsigned.signing_bytes());
                (unsigned.attach(signature), payload)
            })
            .unzip();
        Uploads {
            group,
            envelopes,
            payloads,
        }
    }

    fn collector(&self) -> Collector<MemoryNonceStore> {
        Collector::new(self.group.public_key().clone(), MemoryNonceStore::new())
    }

    fn one_by_one(&self, mut c: Collector<MemoryNonceStore>) -> usize {
        self.envelopes
            .iter()
            .zip(&self.payloads)
            .filter(|(e, p)| c.accept(e, p, NOW).is_ok())
            .count()
    }

    fn batch(&self, mut c: Collector<MemoryNonceStore>) -> usize {
        c.accept_batch(&self.envelopes, &self.payloads, NOW)
            .unwrap()
            .accepted()
            .count()
    }
}

fn uploads(c: &mut Criterion) {
    let mut group = c.benchmark_group("uploads");
    for n in SWEEP {
        let all_good = Uploads::new(n, 0);
        assert_eq!(all_good.batch(all_good.collector()), n);
        group.bench_with_input(BenchmarkId::new("accept_one_by_one", n), &n, |b, _| {
            b.iter_batched(
                || all_good.collector(),
                |c| black_box(all_good.one_by_one(c)),
                BatchSize::LargeInput,
            )
        });
        group.bench_with_input(BenchmarkId::new("accept_batch", n), &n, |b, _| {
            b.iter_batched(
                || all_good.collector(),
                |c| black_box(all_good.batch(c)),
                BatchSize::LargeInput,
            )
        });
        let three_bad = Uploads::new(n, 3);
        assert_eq!(three_bad.batch(three_bad.collector()), n - 3);
        group.bench_with_input(BenchmarkId::new("accept_batch_3_bad", n), &n, |b, _| {
            b.iter_batched(
                || three_bad.collector(),
                |c| black_box(three_bad.batch(c)),
                BatchSize::LargeInput,
            )
        });
    }
    group.finish();
}

/// The interleaved ratio report, when `CREDKIT_BENCH_RATIOS` is set (see the module comment).
fn ratios(_: &mut Criterion) {
    if std::env::var_os("CREDKIT_BENCH_RATIOS").is_none() {
        return;
    }
    let n = SWEEP[SWEEP.len() - 1];
    let uploads = Uploads::new(n, 0);
    let time = |f: &dyn Fn() -> usize| {
        let start = Instant::now();
        black_box(f());
        start.elapsed()
    };
    let mut rows = Vec::new();
    for _ in 0..ROUNDS {
        let one = time(&|| uploads.one_by_one(uploads.collector()));
        let batch = time(&|| uploads.batch(uploads.collector()));
        rows.push((one, batch, one.as_secs_f64() / batch.as_secs_f64()));
    }
    rows.sort_by(|a, b| a.2.total_cmp(&b.2));
    for (one, batch, ratio) in &rows {
        println!("n = {n}: one by one {one:?}, batch {batch:?}, ratio {ratio:.2}");
    }
    let (one, batch, ratio) = rows[rows.len() / 2];
    println!("median of {ROUNDS} alternating runs: one by one {one:?}, batch {batch:?}, ratio {ratio:.2}");
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
    targets = uploads, ratios
}
criterion_main!(benches);
