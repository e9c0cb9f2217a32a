//! `credkit bench [--json] [--iterations N]`: times the BBS operations on this machine, beside
//! the curve operations they are built from, for people choosing hardware for sensors and
//! gateways.
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

use std::hint::black_box;
use std::io::Write;
use std::time::{Duration, Instant};

use credkit_bbs::{
    proof_gen, proof_verify, sign, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite, SecretKey,
};
use credkit_core::curve::{
    Bls12, Curve, Field, G1Affine, G1Projective, G2Affine, G2Prepared, Group, MillerLoopResult,
    MultiMillerLoop, PrimeCurveAffine, Scalar,
};
use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
use rand_core::OsRng;
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

    /// For tests: L = 10 only, one timed run, no warm-up.
    #[arg(long, hide = true)]
    pub quick: bool,
}

/// Untimed runs of each operation before the timed ones.
pub const WARMUPS: u32 = 2;

/// `(L, disclosed)`: messages signed, and how many of them a proof discloses.
const SIZES: [(usize, usize); 2] = [(10, 2), (100, 50)];

/// The operations measured, in the order of the table.
pub const OPERATIONS: [&str; 8] = [
    "g1_mul",
    "pairing_2",
    "msm_vartime",
    "msm_ct",
    "sign",
    "verify",
    "proof_gen",
    "proof_verify",
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
    /// One row per operation, L and suite.
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
    /// Median time, in nanoseconds.
    pub median_ns: u64,
    /// The curve operations the BBS operation is compared with, as `a + b`.
    pub baseline: Option<&'static str>,
    /// The sum of the baseline's medians at the same L, in nanoseconds.
    pub baseline_ns: Option<u64>,
    /// `median_ns / baseline_ns`.
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
    let report = measure(plan, sizes)?;
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

fn measure(plan: Plan, sizes: &[(usize, usize)]) -> Result<BenchReport, CommandError> {
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
        notes: notes(sizes, cores),
    })
}

fn raw_row(operation: &'static str, l: Option<usize>, median: Duration) -> Row {
    Row {
        operation,
        l,
        disclosed: None,
        suite: None,
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
        |operation, median: Duration, disclosed: Option<usize>, baseline, baseline_t: Duration| {
            let (median_ns, baseline_ns) = (nanos(median), nanos(baseline_t));
            Row {
                operation,
                l: Some(l),
                disclosed,
                suite: Some(C::NAME),
                median_ns,
                baseline: Some(baseline),
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
    Ok(())
}

fn notes(sizes: &[(usize, usize)], cores: usize) -> Vec<String> {
    let disclosure: Vec<String> = sizes.iter().map(|(l, d)| format!("{d} of {l}")).collect();
    vec![
        format!("L: messages signed; proofs disclose {}.", disclosure.join(" and ")),
        "msm_vartime, msm_ct: G1 multi-scalar multiplication of L+1 points, variable time (Pippenger) and constant time (4-bit Straus).".into(),
        "pairing_2: a product of 2 pairings with one final exponentiation. g1_mul: one G1 scalar multiplication.".into(),
        format!(
            "Threads: msm_vartime (so also sign, verify and proof_verify) runs on blst's thread pool, one thread per core ({cores} here; below 32 points it multiplies each point alone, one per thread); msm_ct, g1_mul and pairing_2 run on one thread."
        ),
        "ratio: the median divided by the sum of its baseline's medians at the same L.".into(),
        "Expected: proof_gen's ratio is above 1, as proof generation multiplies 2U+7 secret terms in constant time (U = L - disclosed: U for B, 2 for Bbar, 2 for T1, U+1 for T2, and D and Abar one each), against the L+1 of one msm_ct.".into(),
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
        "{:<13} {:>4}  {:<20} {:>11}  {:>6}  baseline",
        "operation", "L", "suite", "median", "ratio"
    )?;
    for row in &report.results {
        let l = row.l.map_or_else(|| "-".to_owned(), |l| l.to_string());
        let ratio = row.ratio.map_or_else(String::new, |r| format!("{r:.2}"));
        let line = format!(
            "{:<13} {:>4}  {:<20} {:>11}  {:>6}  {}",
            row.operation,
            l,
            row.suite.unwrap_or("-"),
            human(row.median_ns),
            ratio,
            row.baseline.unwrap_or(""),
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
    fn durations_read_well() {
        assert_eq!(human(12_345), "12.3 µs");
        assert_eq!(human(1_234_567), "1.23 ms");
        assert_eq!(human(2_500_000_000), "2.50 s");
    }
}
