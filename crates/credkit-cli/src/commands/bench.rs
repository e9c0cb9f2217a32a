//! `credkit bench [--json] [--iterations N]`: times the BBS operations, the threshold BLS
//! operations and attribute-based encryption on this machine, beside the curve operations they are built from, for people
//! choosing hardware for sensors and gateways.
//!
//! Each operation runs a few times untimed, then `N` times timed with [`Instant`]; the median
//! is reported. Every BBS operation is also given as a ratio to the sum of the curve operations
//! that dominate it, so that a number far from 1 points at overhead (hashing, allocation)
//! rather than arithmetic:
//!
//! | operation      | baseline                                  |
//! |----------------|-------------------------------------------|
//! | `sign`         | `msm_vartime` of L+1 points + `g1_mul`    |
//! | `verify`       | `msm_vartime` of L+1 points + `pairing_2` |
//! | `proof_gen`    | `msm_ct` of L+1 points                    |
//! | `proof_verify` | `msm_vartime` of L+1 points + `pairing_2` |
//! | `commit_nym`   | 4 `g1_mul` (`C` and `Cbar`, two constant-time terms each) |
//! | `blind_sign_nym` | `msm_vartime` of L+1 points + `g1_mul`  |
//! | `nym_proof_gen`  | `msm_ct` of L+1 points                  |
//! | `nym_proof_verify` | `msm_vartime` of L+1 points + `pairing_2` |
//!
//! The `*nym*` rows are the holder-bound credentials of the pseudonym draft, with one
//! pseudonym secret and no committed messages: the holder's commitment, the issuer's blind
//! signature (which first checks the commitment's proof), and a presentation with a pseudonym
//! and its check.
//!
//! The threshold rows, for `t` of `n` signers (67 of 100; 3 of 5 with `--quick`) and 100
//! upload envelopes (10 with `--quick`), are each timed alternately with their baseline, one
//! run of each in turn, so that a shared machine's slow and fast phases affect both alike;
//! their ratio is the median of the per-pair ratios:
//!
//! | operation               | baseline                                                   |
//! |-------------------------|------------------------------------------------------------|
//! | `group_sign_partial`    | `hash_to_G2` + one G2 multiplication                       |
//! | `group_verify_partials` | the same `t` partial signatures checked one at a time      |
//! | `group_combine`         | a G2 multi-scalar multiplication of `t` points (255-bit)   |
//! | `group_verify`          | blst's verification of an ordinary (one-key) BLS signature |
//! | `upload_batch_verify`   | `Collector::accept` on each envelope, one by one           |
//!
//! `group_verify` is `bls::Signature::verify`, which *is* blst's `min_pk` verification: its
//! ratio is 1 by construction, and shows only the noise. `group_verify_partials` and
//! `upload_batch_verify` are batch checks against one-by-one checks, so their ratios are
//! well below 1 (the speed-up is `1 / ratio`).
//!
//! The FABEO rows (credkit-abe), for a key of 10 attributes and a policy that is the AND of
//! 10 attributes, are timed alternately with their baseline as the threshold rows, with the
//! attribute hashes and the public key's GT table already computed (as in a long-running
//! process; `benches/abe.rs` also times them cold):
//!
//! | operation     | baseline                                                    |
//! |---------------|-------------------------------------------------------------|
//! | `abe_keygen`  | `g2_mul` + `msm_ct` of 2 points + 10 `g1_mul` (`K0`, `K1`, one `K_y` per attribute) |
//! | `abe_encrypt` | 2 `g2_mul` + 10 `msm_ct` of 2 points (`C0`, `C0'`, one `C_i` per leaf) |
//! | `abe_decrypt` | a 3-term multi-Miller loop and one final exponentiation     |
//!
//! `abe_encrypt` also raises the public key to `s` in GT (64 multiplications with a table,
//! in constant time), which no curve baseline holds.

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use credkit_abe::fabeo::{self, decapsulate, encapsulate};
use credkit_abe::policy::{Attribute, Policy};
use credkit_bbs::pseudonym::{
    blind_sign_with_nym, commit_with_nym, proof_gen_with_nym, proof_verify_with_nym,
    verify_finalize_with_nym, NymEntropy, NymSecrets,
};
use credkit_bbs::{
    proof_gen, proof_verify, sign, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite, SecretKey,
};
use credkit_core::curve::{
    Bls12, Curve, Field, G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Group,
    MillerLoopResult, MultiMillerLoop, PrimeCurveAffine, Scalar,
};
use credkit_core::hash_to_curve::hash_to_g2_xmd_sha256;
use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
use credkit_threshold::bls::{self, DST_SIGNATURE};
use credkit_threshold::upload::{
    unix_now, Collector, Envelope, GroupId, MemoryNonceStore, TaskId, UnsignedEnvelope,
};
use credkit_threshold::{combine, dealer, PartialSignature};
use rand_core::{OsRng, RngCore};
use serde::Serialize;

use crate::commands::Status;
use crate::error::CommandError;

/// Arguments of `credkit bench`.
#[derive(Debug, Clone, clap::Args)]
pub struct BenchArgs {
    /// Print one JSON document instead of a table.
    #[arg(long)]
    pub json: bool,

    /// Timed runs of each operation, after 2 untimed warm-up runs; the median is reported.
    #[arg(long, value_name = "N", default_value_t = 15, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub iterations: u32,

    /// For tests: L = 10, 3 of 5 signers and 10 envelopes only, one timed run, no warm-up.
    #[arg(long, hide = true)]
    pub quick: bool,
}

/// Untimed runs of each operation before the timed ones.
pub const WARMUPS: u32 = 2;

/// `(L, disclosed)`: messages signed, and how many of them a proof discloses.
const SIZES: [(usize, usize); 2] = [(10, 2), (100, 50)];

/// `(min_signers, max_signers)` of the threshold rows: a ward's 67 of 100 nurses.
const GROUP: (u16, u16) = (67, 100);
/// [`GROUP`] with `--quick`: 3 of 5 home-monitoring devices.
const QUICK_GROUP: (u16, u16) = (3, 5);
/// Upload envelopes verified in one batch by `upload_batch_verify`.
const ENVELOPES: usize = 100;
/// [`ENVELOPES`] with `--quick`.
const QUICK_ENVELOPES: usize = 10;
/// What the threshold rows sign.
const MESSAGE: &[u8] = b"credkit bench: upload 17 of study S";
/// Attributes of the key of `abe_keygen`, and leaves of the AND policy of `abe_encrypt` and
/// `abe_decrypt`.
const ABE_ATTRIBUTES: usize = 10;

/// The operations measured, in the order of the table.
pub const OPERATIONS: [&str; 20] = [
    "g1_mul",
    "pairing_2",
    "msm_vartime",
    "msm_ct",
    "sign",
    "verify",
    "proof_gen",
    "proof_verify",
    "commit_nym",
    "blind_sign_nym",
    "nym_proof_gen",
    "nym_proof_verify",
    "group_sign_partial",
    "group_verify_partials",
    "group_combine",
    "group_verify",
    "upload_batch_verify",
    "abe_keygen",
    "abe_encrypt",
    "abe_decrypt",
];

/// What `credkit bench` found, as printed by `--json`.
#[derive(Clone, Debug, Serialize)]
pub struct BenchReport {
    /// `release` or `debug`: debug numbers say little about a device.
    pub build: &'static str,
    /// The cores this process may use: blst's thread pool has one thread per core.
    pub cores: usize,
    /// Timed runs per operation.
    pub iterations: u32,
    /// Untimed runs per operation before them.
    pub warmups: u32,
    /// One row per operation and size (L and suite, signers, envelopes).
    pub results: Vec<Row>,
    /// How to read the table.
    pub notes: Vec<String>,
}

/// One measured operation.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The operation (one of [`OPERATIONS`]).
    pub operation: &'static str,
    /// Messages signed, or for an MSM, the messages of the signature it stands for (it has
    /// L+1 points); none for `g1_mul` and `pairing_2`.
    pub l: Option<usize>,
    /// Messages a proof discloses (proof operations only).
    pub disclosed: Option<usize>,
    /// The ciphersuite, for the BBS operations.
    pub suite: Option<&'static str>,
    /// The signers a group signature needs (`t`), for the `group_*` operations.
    pub min_signers: Option<u16>,
    /// The members of the group (`n`), for the `group_*` operations.
    pub max_signers: Option<u16>,
    /// Envelopes in the batch, for `upload_batch_verify`.
    pub envelopes: Option<usize>,
    /// Attributes of the key (`abe_keygen`), or leaves of the AND policy (`abe_encrypt`,
    /// `abe_decrypt`).
    pub attributes: Option<usize>,
    /// Median time, in nanoseconds.
    pub median_ns: u64,
    /// What the operation is compared with: for a BBS operation the curve operations that
    /// dominate it, as `a + b`; for a threshold operation, see the module documentation.
    pub baseline: Option<String>,
    /// The baseline's median (for a BBS operation, the sum of its curve operations' medians at
    /// the same L), in nanoseconds.
    pub baseline_ns: Option<u64>,
    /// For a BBS operation `median_ns / baseline_ns`; for a threshold operation, timed
    /// alternately with its baseline, the median of the per-pair ratios (close to, but not
    /// always equal to, `median_ns / baseline_ns`).
    pub ratio: Option<f64>,
}

/// Runs `credkit bench`.
///
/// # Errors
/// When an operation fails (a bug), or `out` cannot be written to.
pub fn run(args: &BenchArgs, out: &mut impl Write) -> Result<Status, CommandError> {
    let plan = Plan {
        warmups: if args.quick { 0 } else { WARMUPS },
        iterations: if args.quick { 1 } else { args.iterations },
    };
    let sizes: &[(usize, usize)] = if args.quick { &SIZES[..1] } else { &SIZES };
    let threshold = if args.quick {
        ThresholdSizes {
            group: QUICK_GROUP,
            envelopes: QUICK_ENVELOPES,
        }
    } else {
        ThresholdSizes {
            group: GROUP,
            envelopes: ENVELOPES,
        }
    };
    let report = measure(plan, sizes, threshold)?;
    if args.json {
        serde_json::to_writer_pretty(&mut *out, &report)?;
        writeln!(out)?;
    } else {
        print_table(&report, out)?;
    }
    Ok(Status::Success)
}

#[derive(Clone, Copy, Debug)]
struct Plan {
    warmups: u32,
    iterations: u32,
}

impl Plan {
    /// The median time of `f` over the plan's timed runs.
    fn median<T>(
        self,
        what: &str,
        mut f: impl FnMut() -> Result<T, String>,
    ) -> Result<Duration, CommandError> {
        let failed = |e: String| CommandError::internal(format!("{what} failed: {e}"));
        for _ in 0..self.warmups {
            black_box(f().map_err(failed)?);
        }
        let mut times = Vec::with_capacity(self.iterations as usize);
        for _ in 0..self.iterations {
            let start = Instant::now();
            let value = f();
            times.push(start.elapsed());
            black_box(value.map_err(failed)?);
        }
        Ok(median(&mut times))
    }

    /// `op` and `baseline` run alternately (one warm-up run of each per warm-up, then one
    /// timed run of each per iteration), so that a machine's slow and fast phases affect both
    /// alike: the median time of each, and the median of the per-pair ratios.
    fn median_pair<T, U>(
        self,
        what: &str,
        mut op: impl FnMut() -> Result<T, String>,
        mut baseline: impl FnMut() -> Result<U, String>,
    ) -> Result<Pair, CommandError> {
        let failed = |which: &str, e: String| {
            CommandError::internal(format!("{what} ({which}) failed: {e}"))
        };
        let op_failed = |e| failed("operation", e);
        let baseline_failed = |e| failed("baseline", e);
        for _ in 0..self.warmups {
            black_box(op().map_err(op_failed)?);
            black_box(baseline().map_err(baseline_failed)?);
        }
        let capacity = self.iterations as usize;
        let (mut ops, mut baselines) = (Vec::with_capacity(capacity), Vec::with_capacity(capacity));
        for _ in 0..self.iterations {
            let start = Instant::now();
            let value = op();
            ops.push(start.elapsed());
            black_box(value.map_err(op_failed)?);
            let start = Instant::now();
            let value = baseline();
            baselines.push(start.elapsed());
            black_box(value.map_err(baseline_failed)?);
        }
        let mut ratios: Vec<f64> = ops
            .iter()
            .zip(&baselines)
            .filter(|(_, b)| !b.is_zero())
            .map(|(o, b)| o.as_secs_f64() / b.as_secs_f64())
            .collect();
        ratios.sort_unstable_by(f64::total_cmp);
        let ratio = match ratios.len() {
            0 => None,
            n if n % 2 == 1 => Some(ratios[n / 2]),
            n => Some((ratios[n / 2 - 1] + ratios[n / 2]) / 2.0),
        };
        Ok(Pair {
            op: median(&mut ops),
            baseline: median(&mut baselines),
            ratio,
        })
    }
}

/// What [`Plan::median_pair`] measured.
#[derive(Clone, Copy, Debug)]
struct Pair {
    /// The operation's median time.
    op: Duration,
    /// The baseline's median time.
    baseline: Duration,
    /// The median of the per-pair ratios `op / baseline`.
    ratio: Option<f64>,
}

fn median(times: &mut [Duration]) -> Duration {
    times.sort_unstable();
    match times.len() {
        0 => Duration::ZERO,
        n if n % 2 == 1 => times[n / 2],
        n => (times[n / 2 - 1] + times[n / 2]) / 2,
    }
}

fn nanos(d: Duration) -> u64 {
    u64::try_from(d.as_nanos()).unwrap_or(u64::MAX)
}

/// The medians of the curve operations at one L.
#[derive(Clone, Copy, Debug)]
struct Raw {
    g1_mul: Duration,
    pairing_2: Duration,
    msm_vartime: Duration,
    msm_ct: Duration,
}

/// The sizes of the threshold rows.
#[derive(Clone, Copy, Debug)]
struct ThresholdSizes {
    /// `(min_signers, max_signers)`.
    group: (u16, u16),
    /// Envelopes of `upload_batch_verify`.
    envelopes: usize,
}

fn measure(
    plan: Plan,
    sizes: &[(usize, usize)],
    threshold: ThresholdSizes,
) -> Result<BenchReport, CommandError> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let mut rows = Vec::new();
    let mut rng = OsRng;

    // One G1 scalar multiplication by a full-size scalar (blst's constant-time ladder).
    let p = G1Projective::random(&mut rng);
    let s = Scalar::random(&mut rng);
    let g1_mul = plan.median("g1_mul", || Ok(black_box(p) * black_box(s)))?;
    rows.push(raw_row("g1_mul", None, g1_mul));

    // h(a, Q) * h(b, Q): one multi-Miller loop and one final exponentiation, as in verify.
    let a = G1Projective::random(&mut rng).to_affine();
    let b = G1Projective::random(&mut rng).to_affine();
    let prep = G2Prepared::from(G2Affine::generator());
    let pairing_2 = plan.median("pairing_2", || {
        let (a, b): (&G1Affine, &G1Affine) = (black_box(&a), black_box(&b));
        Ok(bool::from(
            Bls12::multi_miller_loop(&[(a, &prep), (b, &prep)])
                .final_exponentiation()
                .is_identity(),
        ))
    })?;
    rows.push(raw_row("pairing_2", None, pairing_2));

    for &(l, disclosed) in sizes {
        let points: Vec<G1Projective> = (0..=l).map(|_| G1Projective::random(&mut rng)).collect();
        let scalars: Vec<Scalar> = (0..=l).map(|_| Scalar::random(&mut rng)).collect();
        let msm_vartime = plan.median("msm_vartime", || {
            vartime_multi_exp(black_box(&points), black_box(&scalars)).map_err(|e| e.to_string())
        })?;
        rows.push(raw_row("msm_vartime", Some(l), msm_vartime));
        let msm_ct = plan.median("msm_ct", || {
            ct_multi_exp(black_box(&points), black_box(&scalars)).map_err(|e| e.to_string())
        })?;
        rows.push(raw_row("msm_ct", Some(l), msm_ct));

        let raw = Raw {
            g1_mul,
            pairing_2,
            msm_vartime,
            msm_ct,
        };
        bbs_rows::<Bls12381Sha256>(plan, l, disclosed, raw, &mut rows)?;
        bbs_rows::<Bls12381Shake256>(plan, l, disclosed, raw, &mut rows)?;
    }

    group_rows(plan, threshold.group, &mut rows)?;
    rows.push(upload_row(plan, threshold.envelopes)?);
    abe_rows(plan, &mut rows)?;
    let notes = notes(sizes, threshold, cores, &rows);

    Ok(BenchReport {
        build: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        cores,
        iterations: plan.iterations,
        warmups: plan.warmups,
        results: rows,
        notes,
    })
}

fn raw_row(operation: &'static str, l: Option<usize>, median: Duration) -> Row {
    Row {
        operation,
        l,
        disclosed: None,
        suite: None,
        min_signers: None,
        max_signers: None,
        envelopes: None,
        attributes: None,
        median_ns: nanos(median),
        baseline: None,
        baseline_ns: None,
        ratio: None,
    }
}

/// Signs, verifies, proves and verifies a proof of `l` messages, `disclosed` of them disclosed.
fn bbs_rows<C: Ciphersuite>(
    plan: Plan,
    l: usize,
    disclosed: usize,
    raw: Raw,
    rows: &mut Vec<Row>,
) -> Result<(), CommandError> {
    let fail = |what: &str, e: credkit_bbs::Error| {
        CommandError::internal(format!("{what} failed at L={l} ({}): {e}", C::NAME))
    };
    // Attribute-sized messages; the disclosed ones spread over the list.
    let messages: Vec<Vec<u8>> = (0..l)
        .map(|i| format!("attribute-{i:03}=value of attribute {i}").into_bytes())
        .collect();
    let indexes: Vec<usize> = (0..disclosed).map(|i| i * l / disclosed.max(1)).collect();
    let disclosed_messages: Vec<&[u8]> = indexes
        .iter()
        .filter_map(|&i| messages.get(i).map(Vec::as_slice))
        .collect();
    let (header, ph) = (
        b"credkit bench header".as_slice(),
        b"verifier nonce".as_slice(),
    );

    // Set-up, untimed: also fills the generator cache, as a long-running issuer's would be.
    let sk = SecretKey::generate::<C>(&mut OsRng);
    let pk = sk.public_key();
    let signature = sign::<C>(&sk, header, &messages).map_err(|e| fail("sign", e))?;
    let proof = proof_gen::<C>(pk, &signature, header, ph, &messages, &indexes)
        .map_err(|e| fail("proof_gen", e))?;
    proof_verify::<C>(pk, &proof, header, ph, &disclosed_messages, &indexes)
        .map_err(|e| fail("proof_verify", e))?;

    let err = |e: credkit_bbs::Error| e.to_string();
    let sign_t = plan.median("sign", || sign::<C>(&sk, header, &messages).map_err(err))?;
    let verify_t = plan.median("verify", || {
        verify::<C>(pk, &signature, header, &messages).map_err(err)
    })?;
    let proof_gen_t = plan.median("proof_gen", || {
        proof_gen::<C>(pk, &signature, header, ph, &messages, &indexes).map_err(err)
    })?;
    let proof_verify_t = plan.median("proof_verify", || {
        proof_verify::<C>(pk, &proof, header, ph, &disclosed_messages, &indexes).map_err(err)
    })?;

    let row =
        |operation, median: Duration, disclosed: Option<usize>, baseline: &str, baseline_t| {
            let (median_ns, baseline_ns) = (nanos(median), nanos(baseline_t));
            Row {
                operation,
                l: Some(l),
                disclosed,
                suite: Some(C::NAME),
                min_signers: None,
                max_signers: None,
                envelopes: None,
                attributes: None,
                median_ns,
                baseline: Some(String::from(baseline)),
                baseline_ns: Some(baseline_ns),
                ratio: (baseline_ns > 0).then(|| median_ns as f64 / baseline_ns as f64),
            }
        };
    rows.push(row(
        "sign",
        sign_t,
        None,
        "msm_vartime + g1_mul",
        raw.msm_vartime + raw.g1_mul,
    ));
    rows.push(row(
        "verify",
        verify_t,
        None,
        "msm_vartime + pairing_2",
        raw.msm_vartime + raw.pairing_2,
    ));
    rows.push(row(
        "proof_gen",
        proof_gen_t,
        Some(disclosed),
        "msm_ct",
        raw.msm_ct,
    ));
    rows.push(row(
        "proof_verify",
        proof_verify_t,
        Some(disclosed),
        "msm_vartime + pairing_2",
        raw.msm_vartime + raw.pairing_2,
    ));

    // Holder-bound credentials with pseudonyms (one secret, no committed messages).
    let none: &[&[u8]] = &[];
    let context = b"verifier context".as_slice();
    let prover_nyms = NymSecrets::generate(&mut OsRng, 1).map_err(|e| fail("nym secrets", e))?;
    let entropy = NymEntropy::generate(&mut OsRng);
    let (commitment, blind) =
        commit_with_nym::<C>(none, &prover_nyms).map_err(|e| fail("commit_nym", e))?;
    let bound = blind_sign_with_nym::<C>(&sk, &commitment, 1, &entropy, header, &messages)
        .map_err(|e| fail("blind_sign_nym", e))?;
    let nym_secrets = verify_finalize_with_nym::<C>(
        pk,
        &bound,
        header,
        &messages,
        none,
        &prover_nyms,
        &entropy,
        Some(&blind),
    )
    .map_err(|e| fail("verify_finalize_with_nym", e))?;
    let nym_proof = |rows: &[usize]| {
        proof_gen_with_nym::<C>(
            pk,
            &bound,
            header,
            ph,
            &nym_secrets,
            context,
            &messages,
            none,
            rows,
            &[],
            Some(&blind),
        )
    };
    let (nym_proof_v, pseudonym) = nym_proof(&indexes).map_err(|e| fail("nym_proof_gen", e))?;
    let nym_verify = || {
        proof_verify_with_nym::<C>(
            pk,
            &nym_proof_v,
            header,
            ph,
            &pseudonym,
            context,
            1,
            l,
            &disclosed_messages,
            &indexes,
            none,
            &[],
        )
    };
    nym_verify().map_err(|e| fail("nym_proof_verify", e))?;
    let commit_t = plan.median("commit_nym", || {
        commit_with_nym::<C>(none, &prover_nyms).map_err(err)
    })?;
    let blind_sign_t = plan.median("blind_sign_nym", || {
        blind_sign_with_nym::<C>(&sk, &commitment, 1, &entropy, header, &messages).map_err(err)
    })?;
    let nym_gen_t = plan.median("nym_proof_gen", || nym_proof(&indexes).map_err(err))?;
    let nym_verify_t = plan.median("nym_proof_verify", || nym_verify().map_err(err))?;
    rows.push(row(
        "commit_nym",
        commit_t,
        None,
        "4 x g1_mul",
        raw.g1_mul * 4,
    ));
    rows.push(row(
        "blind_sign_nym",
        blind_sign_t,
        None,
        "msm_vartime + g1_mul",
        raw.msm_vartime + raw.g1_mul,
    ));
    rows.push(row(
        "nym_proof_gen",
        nym_gen_t,
        Some(disclosed),
        "msm_ct",
        raw.msm_ct,
    ));
    rows.push(row(
        "nym_proof_verify",
        nym_verify_t,
        Some(disclosed),
        "msm_vartime + pairing_2",
        raw.msm_vartime + raw.pairing_2,
    ));
    Ok(())
}

/// A row of the threshold operations, measured alternately with its baseline; its ratio is
/// the median of the per-pair ratios.
fn compared_row(operation: &'static str, pair: Pair, baseline: String) -> Row {
    let (median_ns, baseline_ns) = (nanos(pair.op), nanos(pair.baseline));
    Row {
        operation,
        l: None,
        disclosed: None,
        suite: None,
        min_signers: None,
        max_signers: None,
        envelopes: None,
        attributes: None,
        median_ns,
        baseline: Some(baseline),
        baseline_ns: Some(baseline_ns),
        ratio: pair.ratio,
    }
}

/// `k` distinct indexes below `n`, drawn at random (a partial Fisher-Yates shuffle; the
/// modulo bias is irrelevant here).
fn sample(rng: &mut impl RngCore, n: usize, k: usize) -> Vec<usize> {
    let mut indexes: Vec<usize> = (0..n).collect();
    for i in 0..k.min(n) {
        let j = i + (rng.next_u64() % (n - i) as u64) as usize;
        indexes.swap(i, j);
    }
    indexes.truncate(k);
    indexes
}

/// Deals a `t`-of-`n` group key, has `t` members drawn at random sign one message, and times
/// signing, checking, combining and verifying.
fn group_rows(plan: Plan, (t, n): (u16, u16), rows: &mut Vec<Row>) -> Result<(), CommandError> {
    let fail = |what: &str, e: credkit_threshold::Error| {
        CommandError::internal(format!("{what} failed at {t} of {n}: {e}"))
    };
    let err = |e: credkit_threshold::Error| e.to_string();
    let mut rng = OsRng;

    // Set-up, untimed. The signers are drawn at random: the Lagrange coefficients of members
    // 1..=t are small integers, which would flatter `combine`.
    let (group_key, shares) = dealer::deal(&mut rng, t, n).map_err(|e| fail("deal", e))?;
    let partials: Vec<PartialSignature> = sample(&mut rng, usize::from(n), usize::from(t))
        .into_iter()
        .filter_map(|i| shares.get(i))
        .map(|share| credkit_threshold::sign::sign(share, MESSAGE))
        .collect();
    let signature = combine::combine_and_verify(&group_key, MESSAGE, &partials)
        .map_err(|e| fail("combine_and_verify", e))?;
    let share = shares
        .first()
        .ok_or_else(|| CommandError::internal(format!("deal gave no shares at {t} of {n}")))?;

    // One partial signature: hash_to_G2, then a constant-time G2 multiplication by the share.
    let h = G2Projective::random(&mut rng).to_affine();
    let s = Scalar::random(&mut rng);
    let sign_t = plan.median_pair(
        "group_sign_partial",
        || Ok(credkit_threshold::sign::sign(black_box(share), MESSAGE)),
        || {
            let hashed = hash_to_g2_xmd_sha256(black_box(MESSAGE), DST_SIGNATURE).to_affine();
            Ok((black_box(&h) * black_box(&s), hashed))
        },
    )?;

    // All t partial signatures in one batch, against t checks of one each (blsttc's way).
    let mut batch_rng = OsRng;
    let verify_partials_t = plan.median_pair(
        "group_verify_partials",
        || {
            credkit_threshold::sign::verify_partials(
                &mut batch_rng,
                &group_key,
                MESSAGE,
                black_box(&partials),
            )
            .map_err(err)
        },
        || {
            black_box(&partials)
                .iter()
                .try_for_each(|partial| {
                    credkit_threshold::sign::verify_partial(&group_key, MESSAGE, partial)
                })
                .map_err(err)
        },
    )?;

    // Lagrange interpolation in the exponent, against a plain G2 MSM of as many points.
    let points: Vec<G2Projective> = partials
        .iter()
        .map(|p| G2Projective::from(*p.point()))
        .collect();
    let scalars: Vec<Scalar> = points.iter().map(|_| Scalar::random(&mut rng)).collect();
    let combine_t = plan.median_pair(
        "group_combine",
        || combine::combine(&group_key, black_box(&partials)).map_err(err),
        || {
            Ok(G2Projective::multi_exp(
                black_box(&points),
                black_box(&scalars),
            ))
        },
    )?;

    // The group signature under the group key, against an ordinary one-key BLS signature:
    // both are blst's own verification.
    let key = bls::SecretKey::generate(&mut rng);
    let ordinary = key.sign(MESSAGE);
    let verify_t = plan.median_pair(
        "group_verify",
        || {
            black_box(&signature)
                .verify(group_key.public_key(), MESSAGE)
                .map_err(err)
        },
        || {
            black_box(&ordinary)
                .verify(key.public_key(), MESSAGE)
                .map_err(err)
        },
    )?;

    let group = |row: Row| Row {
        min_signers: Some(t),
        max_signers: Some(n),
        ..row
    };
    rows.push(group(compared_row(
        "group_sign_partial",
        sign_t,
        "hash_to_g2 + g2_mul".into(),
    )));
    rows.push(group(compared_row(
        "group_verify_partials",
        verify_partials_t,
        format!("{t} x verify_partial (one at a time)"),
    )));
    rows.push(group(compared_row(
        "group_combine",
        combine_t,
        format!("g2_msm of {t} points (255-bit)"),
    )));
    rows.push(group(compared_row(
        "group_verify",
        verify_t,
        "blst verify (one-key BLS signature)".into(),
    )));
    Ok(())
}

/// A collector accepting `count` envelopes in one batch, against one by one. A one-key BLS
/// signature stands in for the group's: a group signature is one (see `group_verify`).
fn upload_row(plan: Plan, count: usize) -> Result<Row, CommandError> {
    let err = |e: credkit_threshold::Error| e.to_string();
    let key = bls::SecretKey::generate(&mut OsRng);
    let group_id = GroupId::from_public_key(key.public_key());
    let task = TaskId::new("credkit-bench/visit-3")
        .map_err(|e| CommandError::internal(format!("the bench's task id: {e}")))?;
    let now = unix_now();
    let (envelopes, payloads): (Vec<Envelope>, Vec<Vec<u8>>) = (0..count)
        .map(|i| {
            let payload = format!("{{\"heart_rate\": {}}}", 60 + i % 40).into_bytes();
            let unsigned = UnsignedEnvelope::new(group_id, task.clone(), now, &payload);
            let signature = key.sign(&unsigned.signing_bytes());
            (unsigned.attach(signature), payload)
        })
        .unzip();
    // A fresh nonce store for every run, so that every envelope is new.
    let collector = || Collector::new(key.public_key().clone(), MemoryNonceStore::new());
    let times = plan.median_pair(
        "upload_batch_verify",
        || {
            let report = collector()
                .accept_batch(black_box(&envelopes), &payloads, now)
                .map_err(err)?;
            if report.is_all_accepted() {
                Ok(())
            } else {
                Err("an envelope was refused".to_owned())
            }
        },
        || {
            let mut collector = collector();
            black_box(&envelopes)
                .iter()
                .zip(&payloads)
                .try_for_each(|(envelope, payload)| collector.accept(envelope, payload, now))
                .map_err(err)
        },
    )?;
    Ok(Row {
        envelopes: Some(count),
        ..compared_row(
            "upload_batch_verify",
            times,
            format!("{count} x Collector::accept (one by one)"),
        )
    })
}

/// FABEO key generation for [`ABE_ATTRIBUTES`] attributes, encapsulation under their AND and
/// decapsulation, each against the curve operations it is made of.
fn abe_rows(plan: Plan, rows: &mut Vec<Row>) -> Result<(), CommandError> {
    let fail = |what: &str, e: credkit_abe::Error| {
        CommandError::internal(format!(
            "{what} failed for {ABE_ATTRIBUTES} attributes: {e}"
        ))
    };
    let err = |e: credkit_abe::Error| e.to_string();
    let mut rng = OsRng;
    let attributes = (0..ABE_ATTRIBUTES)
        .map(|i| Attribute::new("unit", &format!("ward-{i:02}")))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| fail("the attributes", e.into()))?;
    let text: Vec<String> = attributes.iter().map(ToString::to_string).collect();
    let policy = Policy::parse(&text.join(" and ")).map_err(|e| fail("the policy", e.into()))?;

    // Set-up, untimed: hashes the attributes and computes the public key's GT table once, as
    // a long-running authority or gateway would have.
    let (public, secret) = fabeo::setup(&mut rng);
    let key = secret
        .keygen(&mut rng, &attributes)
        .map_err(|e| fail("keygen", e))?;
    let (ciphertext, shared) =
        encapsulate(&mut rng, &public, &policy).map_err(|e| fail("encapsulate", e))?;
    if decapsulate(&key, &ciphertext).map_err(|e| fail("decapsulate", e))? != shared {
        return Err(CommandError::internal(
            "decapsulation gave another key than encapsulation",
        ));
    }

    let g1 = G1Projective::random(&mut rng);
    let g2 = G2Projective::random(&mut rng);
    let pair = [
        G1Projective::random(&mut rng),
        G1Projective::random(&mut rng),
    ];
    let scalars = [Scalar::random(&mut rng), Scalar::random(&mut rng)];
    let s = Scalar::random(&mut rng);
    let msm_2 = || ct_multi_exp(black_box(&pair), black_box(&scalars)).map_err(|e| e.to_string());

    let mut keygen_rng = OsRng;
    let keygen_t = plan.median_pair(
        "abe_keygen",
        || {
            secret
                .keygen(&mut keygen_rng, black_box(&attributes))
                .map_err(err)
        },
        || {
            let k0 = black_box(g2) * black_box(s);
            let k1 = msm_2()?;
            let k: Vec<G1Projective> = (0..ABE_ATTRIBUTES)
                .map(|_| black_box(g1) * black_box(s))
                .collect();
            Ok((k0, k1, k))
        },
    )?;
    let mut encrypt_rng = OsRng;
    let encrypt_t = plan.median_pair(
        "abe_encrypt",
        || encapsulate(&mut encrypt_rng, &public, black_box(&policy)).map_err(err),
        || {
            let c0 = [black_box(g2) * black_box(s), black_box(g2) * black_box(s)];
            let c = (0..ABE_ATTRIBUTES)
                .map(|_| msm_2())
                .collect::<Result<Vec<_>, _>>()?;
            Ok((c0, c))
        },
    )?;
    let ps: Vec<G1Affine> = (0..3)
        .map(|_| G1Projective::random(&mut rng).to_affine())
        .collect();
    let qs: Vec<G2Affine> = (0..3)
        .map(|_| G2Projective::random(&mut rng).to_affine())
        .collect();
    let decrypt_t = plan.median_pair(
        "abe_decrypt",
        || decapsulate(&key, black_box(&ciphertext)).map_err(err),
        || {
            let ps: Vec<blst::blst_p1_affine> =
                black_box(&ps).iter().map(|p| *p.as_ref()).collect();
            let qs: Vec<blst::blst_p2_affine> =
                black_box(&qs).iter().map(|q| *q.as_ref()).collect();
            Ok(blst::blst_fp12::miller_loop_n(&qs, &ps).final_exp())
        },
    )?;

    let abe = |row: Row| Row {
        attributes: Some(ABE_ATTRIBUTES),
        ..row
    };
    rows.push(abe(compared_row(
        "abe_keygen",
        keygen_t,
        format!("g2_mul + msm_ct(2) + {ABE_ATTRIBUTES} x g1_mul"),
    )));
    rows.push(abe(compared_row(
        "abe_encrypt",
        encrypt_t,
        format!("2 x g2_mul + {ABE_ATTRIBUTES} x msm_ct(2)"),
    )));
    rows.push(abe(compared_row(
        "abe_decrypt",
        decrypt_t,
        "pairing_3 (multi-Miller loop, final exponentiation)".into(),
    )));
    Ok(())
}

fn notes(
    sizes: &[(usize, usize)],
    threshold: ThresholdSizes,
    cores: usize,
    rows: &[Row],
) -> Vec<String> {
    let (t, n) = threshold.group;
    let speedup = rows
        .iter()
        .find(|r| r.operation == "upload_batch_verify")
        .and_then(|r| r.ratio)
        .filter(|r| *r > 0.0)
        .map_or_else(String::new, |r| format!(" Here {:.1}x faster.", 1.0 / r));
    let disclosure: Vec<String> = sizes.iter().map(|(l, d)| format!("{d} of {l}")).collect();
    vec![
        format!("L: messages signed; proofs disclose {}.", disclosure.join(" and ")),
        "msm_vartime, msm_ct: G1 multi-scalar multiplication of L+1 points, variable time (Pippenger) and constant time (4-bit Straus).".into(),
        "pairing_2: a product of 2 pairings with one final exponentiation. g1_mul: one G1 scalar multiplication.".into(),
        format!(
            "Threads: msm_vartime (so also sign, verify and proof_verify) runs on blst's thread pool, one thread per core ({cores} here; below 32 points it multiplies each point alone, one per thread); msm_ct, g1_mul and pairing_2 run on one thread."
        ),
        "ratio: the median divided by the sum of its baseline's medians at the same L.".into(),
        "*nym* rows: holder-bound credentials with one pseudonym secret. blind_sign_nym also checks the holder's commitment proof (a 3-point MSM and a hash); nym_proof_gen proves U+2 undisclosed terms (the prover's blind and secret too) plus the pseudonym and its commitment (hash_to_G1 and 2 CT multiplications); nym_proof_verify adds hash_to_G1 and a 2-point MSM.".into(),
        "Expected: proof_gen's ratio is above 1, as proof generation multiplies 2U+7 secret terms in constant time (U = L - disclosed: U for B, 2 for Bbar, 2 for T1, U+1 for T2, and D and Abar one each), against the L+1 of one msm_ct.".into(),
        format!(
            "group_*: threshold BLS (BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_), {t} of {n} members drawn at random signing one message. These rows and upload_batch_verify are timed alternately with their baseline; their ratio is the median of the per-pair ratios."
        ),
        format!(
            "group_verify_partials: the {t} partial signatures checked in one batch (64-bit random coefficients, a G1 and a G2 MSM on blst's thread pool, one 2-pairing product), against checking them one at a time (a hash_to_G2 and a 2-pairing product each)."
        ),
        // From 8 signers on, `combine` uses the GLS endomorphism (`GLS_MIN_POINTS` in
        // credkit-threshold's combine.rs).
        if t >= 8 {
            format!(
                "group_combine: Lagrange coefficients and one G2 MSM of {} points with 64-bit scalars (the GLS endomorphism), against a plain G2 MSM of {t} points with 255-bit scalars; a ratio below 1 is the endomorphism's gain.",
                4 * usize::from(t)
            )
        } else {
            format!(
                "group_combine: Lagrange coefficients and one G2 MSM of {t} points with 255-bit scalars (below 8 signers, without the GLS endomorphism), against the same MSM alone."
            )
        },
        "group_verify: blst's own min_pk verification (bls::Signature::verify calls blst), and so is its baseline: the ratio is 1 by construction, and its distance from 1 is noise.".into(),
        format!(
            "upload_batch_verify: {} envelopes accepted with one batch verification (hash_to_G2 on up to {cores} threads, one per 32 envelopes; two G2 MSMs, one 2-pairing product), against one by one (one blst verification each, on one thread); the speed-up is 1 / ratio.{speedup}",
            threshold.envelopes
        ),
        format!(
            "abe_*: FABEO CP-ABE (credkit-abe): a key of {ABE_ATTRIBUTES} attributes, a policy that is the AND of {ABE_ATTRIBUTES}; attribute hashes cached and the public key's GT table built, as in a long-running process (benches/abe.rs times them cold too). Timed alternately with their baseline. abe_encrypt's ratio includes the constant-time GT exponentiation mpk^s, which its baseline does not; abe_decrypt is one pairing_3 whatever the policy's size, plus two sums of the key's and the ciphertext's points."
        ),
    ]
}

/// A duration in a unit that keeps three or four significant digits.
fn human(ns: u64) -> String {
    let ns = ns as f64;
    if ns < 1e6 {
        format!("{:.1} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
}

/// The table's "suite / size" column: the BBS ciphersuite, `t of n` signers, envelopes, or a
/// key's attributes and a policy's leaves.
fn size(row: &Row) -> String {
    match (
        row.suite,
        row.min_signers,
        row.max_signers,
        row.envelopes,
        row.attributes,
    ) {
        (Some(suite), ..) => suite.to_owned(),
        (None, Some(t), Some(n), ..) => format!("{t} of {n}"),
        (None, _, _, Some(count), _) => format!("{count} envelopes"),
        (None, _, _, None, Some(n)) if row.operation == "abe_keygen" => {
            format!("{n} attributes")
        }
        (None, _, _, None, Some(n)) => format!("AND of {n}"),
        _ => "-".to_owned(),
    }
}

fn print_table(report: &BenchReport, out: &mut impl Write) -> Result<(), CommandError> {
    let plural = |n: u32, one: &str, many: &str| match n {
        0 => format!("no {one}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    writeln!(
        out,
        "credkit bench: median of {} after {}, {} build, {}",
        plural(report.iterations, "run", "runs"),
        plural(report.warmups, "warm-up", "warm-ups"),
        report.build,
        plural(
            u32::try_from(report.cores).unwrap_or(u32::MAX),
            "core",
            "cores"
        )
    )?;
    if report.build == "debug" {
        writeln!(out, "warning: a debug build; run `cargo run --release -p credkit-cli -- bench` for numbers that mean something")?;
    }
    writeln!(out)?;
    writeln!(
        out,
        "{:<21} {:>4}  {:<20} {:>11}  {:>6}  baseline",
        "operation", "L", "suite / size", "median", "ratio"
    )?;
    for row in &report.results {
        let l = row.l.map_or_else(|| "-".to_owned(), |l| l.to_string());
        // Two decimals, or three below 0.1 (a batch check's ratio to checking one by one).
        let ratio = row.ratio.map_or_else(String::new, |r| {
            if r < 0.1 {
                format!("{r:.3}")
            } else {
                format!("{r:.2}")
            }
        });
        let line = format!(
            "{:<21} {:>4}  {:<20} {:>11}  {:>6}  {}",
            row.operation,
            l,
            size(row),
            human(row.median_ns),
            ratio,
            row.baseline.as_deref().unwrap_or(""),
        );
        writeln!(out, "{}", line.trim_end())?;
    }
    writeln!(out)?;
    for note in &report.notes {
        writeln!(out, "{note}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(
            median(&mut [ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
        assert_eq!(median(&mut []), Duration::ZERO);
    }

    #[test]
    fn samples_are_distinct_and_in_range() {
        let picked = sample(&mut OsRng, 100, 67);
        assert_eq!(picked.len(), 67);
        let mut sorted = picked.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 67);
        assert!(sorted.iter().all(|&i| i < 100));
        assert_eq!(sample(&mut OsRng, 5, 5).len(), 5);
    }

    #[test]
    fn durations_read_well() {
        assert_eq!(human(12_345), "12.3 µs");
        assert_eq!(human(1_234_567), "1.23 ms");
        assert_eq!(human(2_500_000_000), "2.50 s");
    }
}
