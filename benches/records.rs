//! Sealed records (credkit-abe `record`): sealing and opening bodies of 1 KiB, 1 MiB and
//! 16 MiB, beside XChaCha20-Poly1305 alone on the same bodies.
//!
//! Run from the workspace root (see `benches/README.md`):
//!
//! ```text
//! cargo bench --bench records -- --warm-up-time 1 --measurement-time 3
//! ```
//!
//! Benchmark ids, `group/id/parameter` (parameter: body bytes):
//!
//! - `records/seal/<n>`: `seal_record` under a 2-leaf AND policy for a window of 8 epochs with 3
//!   in-memory key servers (2 of 3): FABEO encapsulation, the epoch layer's seal (one masked
//!   key per cover node, the shred secret's shares stored by all 3 servers), HKDF, the AEAD;
//! - `records/open/<n>`: `open_record` inside the window: decapsulation, 2 partial decryptions
//!   with DLEQ proofs checked and combined, HKDF, the AEAD;
//! - `records/aead_encrypt/<n>`, `records/aead_decrypt/<n>`: XChaCha20-Poly1305 alone.
//!
//! The fixed part (keys and servers) does not grow with the body; the per-byte cost is the
//! AEAD's, so `(t(16 MiB) - t(1 MiB)) / 15 MiB` is the AEAD's throughput.

use std::hint::black_box;

use chacha20poly1305::aead::{Aead, Payload};
use chacha20poly1305::{KeyInit, XChaCha20Poly1305, XNonce};
use credkit::abe::epoch::{deal_schedule, Epoch, LocalServers, Schedule, TreeParams, Window};
use credkit::abe::fabeo::{setup, MasterPublicKey, UserKey};
use credkit::abe::policy::{Attribute, Policy};
use credkit::abe::record::{open_record, seal_record, SealedRecord};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use rand::rngs::OsRng;

const SIZES: [usize; 3] = [1 << 10, 1 << 20, 16 << 20];

struct World {
    mpk: MasterPublicKey,
    key: UserKey,
    schedule: Schedule,
    servers: LocalServers,
    policy: Policy,
    window: Window,
}

fn world() -> World {
    let (mpk, msk) = setup(&mut OsRng);
    let params = TreeParams::new(10, Epoch(0)).unwrap();
    let horizon = Window::new(Epoch(0), Epoch(63)).unwrap();
    let (schedule, servers) = deal_schedule(&mut OsRng, params, horizon, 2, 3).unwrap();
    let key = msk
        .keygen(
            &mut OsRng,
            &Attribute::parse_list("role:cardiologist, hospital:H1").unwrap(),
        )
        .unwrap();
    World {
        mpk,
        key,
        schedule,
        servers: LocalServers::new(servers, Epoch(12)),
        policy: Policy::parse("role:cardiologist and hospital:H1").unwrap(),
        window: Window::new(Epoch(10), Epoch(17)).unwrap(),
    }
}

fn records(c: &mut Criterion) {
    let w = world();
    let mut group = c.benchmark_group("records");
    group.sample_size(10);
    for &n in &SIZES {
        let body = vec![0x5au8; n];
        group.throughput(Throughput::Bytes(n as u64));
        group.bench_with_input(BenchmarkId::new("seal", n), &body, |b, body| {
            b.iter(|| {
                seal_record(
                    &mut OsRng,
                    &w.mpk,
                    &w.policy,
                    &w.schedule,
                    &w.servers,
                    w.window,
                    black_box(body),
                )
                .unwrap()
            })
        });
        let (record, _) = seal_record(
            &mut OsRng,
            &w.mpk,
            &w.policy,
            &w.schedule,
            &w.servers,
            w.window,
            &body,
        )
        .unwrap();
        let record = SealedRecord::from_bytes(&record.to_bytes()).unwrap();
        group.bench_with_input(BenchmarkId::new("open", n), &record, |b, record| {
            b.iter(|| {
                open_record(
                    &w.key,
                    &w.schedule,
                    &w.servers,
                    black_box(record),
                    Epoch(12),
                )
                .unwrap()
            })
        });
        let aead = XChaCha20Poly1305::new(&[7u8; 32].into());
        let nonce = XNonce::from_slice(&[9u8; 24]);
        let header = vec![1u8; 900];
        group.bench_with_input(BenchmarkId::new("aead_encrypt", n), &body, |b, body| {
            b.iter(|| {
                aead.encrypt(
                    nonce,
                    Payload {
                        msg: black_box(body),
                        aad: &header,
                    },
                )
                .unwrap()
            })
        });
        let sealed = aead
            .encrypt(
                nonce,
                Payload {
                    msg: &body,
                    aad: &header,
                },
            )
            .unwrap();
        group.bench_with_input(BenchmarkId::new("aead_decrypt", n), &sealed, |b, sealed| {
            b.iter(|| {
                aead.decrypt(
                    nonce,
                    Payload {
                        msg: black_box(sealed),
                        aad: &header,
                    },
                )
                .unwrap()
            })
        });
    }
    group.finish();
}

criterion_group!(benches, records);
criterion_main!(benches);
