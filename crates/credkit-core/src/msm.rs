//! Multi-scalar multiplication in G1: `P_1 * s_1 + ... + P_n * s_n`.
//!
//! - [`vartime_multi_exp`] runs blst's Pippenger from 32 points on (multi-threaded where blst's
//!   pool has more than one core), and a single-threaded wNAF Straus below. Its time depends
//!   on the scalars: use it only where every scalar is public (signature and proof
//!   verification, disclosed messages).
//! - [`ct_multi_exp`] is a fixed-window (4-bit) Straus multi-exponentiation whose table lookups
//!   are constant-time selects and whose additions are blst's complete formulas: its time
//!   depends only on the number of terms. Proof generation uses it for every term that
//!   involves the holder's secrets (blinding scalars, undisclosed messages, the signature).
//!
//! ```
//! use credkit_core::msm::{ct_multi_exp, vartime_multi_exp};
//! use credkit_core::curve::{G1Projective, Group, Scalar};
//!
//! let g = G1Projective::generator();
//! let points = [g, g.double()];
//! let scalars = [Scalar::from(3u64), Scalar::from(5u64)];
//! let expected = g * Scalar::from(13u64);
//! assert_eq!(vartime_multi_exp(&points, &scalars)?, expected);
//! assert_eq!(ct_multi_exp(&points, &scalars)?, expected);
//! assert!(ct_multi_exp(&points, &scalars[..1]).is_err());
//! # Ok::<(), credkit_core::Error>(())
//! ```

use blstrs::{G1Projective, Scalar};
use group::Group;
use subtle::{ConditionallySelectable, ConstantTimeEq};
use zeroize::Zeroize;

use crate::Error;

/// Window width of [`ct_multi_exp`], in bits.
const WINDOW: usize = 4;
/// Up to this many points, [`ct_multi_exp`] multiplies each point separately.
const CT_STRAUS_THRESHOLD: usize = 2;
/// Number of windows in a 256-bit scalar.
const WINDOWS: usize = 256 / WINDOW;

fn check_lengths(points: usize, scalars: usize) -> Result<(), Error> {
    if points != scalars {
        return Err(Error::LengthMismatch {
            left: points,
            right: scalars,
        });
    }
    Ok(())
}

/// `sum(points[i] * scalars[i])`, variable time in the scalars (blst's Pippenger).
///
/// # Errors
/// [`Error::LengthMismatch`] when the slices differ in length.
pub fn vartime_multi_exp(
    points: &[G1Projective],
    scalars: &[Scalar],
) -> Result<G1Projective, Error> {
    check_lengths(points.len(), scalars.len())?;
    if points.is_empty() {
        // blst indexes the first point unconditionally.
        return Ok(G1Projective::identity());
    }
    if points.len() < PIPPENGER_THRESHOLD {
        return Ok(vartime_straus_wnaf(points, scalars));
    }
    Ok(G1Projective::multi_exp(points, scalars))
}

/// Below this many points, [`vartime_multi_exp`] runs a single-threaded wNAF Straus rather
/// than blst: for fewer than 32 points blst falls back to one constant-time multiplication per
/// point on its thread pool, which costs more work and both cores.
const PIPPENGER_THRESHOLD: usize = 32;

/// wNAF window of the Straus path: tables of the odd multiples `P, 3P, ..., 15P`.
const WNAF_WINDOW: usize = 5;

/// The width-`WNAF_WINDOW` non-adjacent form of a scalar, least significant digit first: every
/// nonzero digit is odd and below `2^(WNAF_WINDOW - 1)` in absolute value, and any two nonzero
/// digits are at least `WNAF_WINDOW` positions apart.
fn wnaf_digits(s: &Scalar) -> [i8; 257] {
    const WIDTH: u64 = 1 << WNAF_WINDOW;
    // k, little-endian 64-bit limbs, with one spare limb for the carry of a negative digit.
    let mut k = [0u64; 5];
    for (limb, chunk) in k.iter_mut().zip(s.to_bytes_le().chunks_exact(8)) {
        let mut le = [0u8; 8];
        le.copy_from_slice(chunk);
        *limb = u64::from_le_bytes(le);
    }
    let mut digits = [0i8; 257];
    for digit in digits.iter_mut() {
        if k[0] & 1 == 1 {
            let window = k[0] & (WIDTH - 1);
            if window >= WIDTH / 2 {
                // digit = window - WIDTH < 0: k -= digit, i.e. k += WIDTH - window.
                *digit = (window as i64 - WIDTH as i64) as i8;
                let mut carry = WIDTH - window;
                for limb in k.iter_mut() {
                    let (sum, overflow) = limb.overflowing_add(carry);
                    *limb = sum;
                    carry = overflow as u64;
                }
            } else {
                // digit = window > 0: k -= window clears the low bits without borrowing.
                *digit = window as i8;
                k[0] -= window;
            }
        }
        // k >>= 1
        for j in 0..k.len() {
            let next = if j + 1 < k.len() { k[j + 1] << 63 } else { 0 };
            k[j] = (k[j] >> 1) | next;
        }
    }
    digits
}

/// Single-threaded Straus multi-exponentiation over wNAF digits: one shared doubling chain,
/// tables of odd multiples per point. Variable time.
fn vartime_straus_wnaf(points: &[G1Projective], scalars: &[Scalar]) -> G1Projective {
    const TABLE: usize = 1 << (WNAF_WINDOW - 2);
    let tables: Vec<[G1Projective; TABLE]> = points
        .iter()
        .map(|p| {
            let double = p.double();
            let mut t = [*p; TABLE];
            for k in 1..TABLE {
                t[k] = t[k - 1] + double;
            }
            t
        })
        .collect();
    let digits: Vec<[i8; 257]> = scalars.iter().map(wnaf_digits).collect();
    let top = digits
        .iter()
        .filter_map(|d| d.iter().rposition(|&x| x != 0))
        .max();
    let Some(top) = top else {
        return G1Projective::identity();
    };
    let mut acc = G1Projective::identity();
    for i in (0..=top).rev() {
        acc = acc.double();
        for (table, d) in tables.iter().zip(&digits) {
            let digit = d[i];
            if digit > 0 {
                acc += table[(digit as usize) / 2];
            } else if digit < 0 {
                acc -= table[(-digit) as usize / 2];
            }
        }
    }
    acc
}

/// `sum(points[i] * scalars[i])`, constant time in the scalars (4-bit fixed-window Straus).
///
/// # Errors
/// [`Error::LengthMismatch`] when the slices differ in length.
pub fn ct_multi_exp(points: &[G1Projective], scalars: &[Scalar]) -> Result<G1Projective, Error> {
    check_lengths(points.len(), scalars.len())?;
    if points.len() <= CT_STRAUS_THRESHOLD {
        // For one or two points blst's constant-time (GLV, 5-bit window) multiplication is
        // cheaper than building tables: 1.8 M against 2.2 M instructions for two points.
        return Ok(points
            .iter()
            .zip(scalars)
            .fold(G1Projective::identity(), |acc, (p, s)| acc + p * s));
    }

    // tables[i][k] = points[i] * k for k in 0..16: public, derived from the points alone.
    let tables: Vec<[G1Projective; 1 << WINDOW]> = points
        .iter()
        .map(|p| {
            let mut t = [G1Projective::identity(); 1 << WINDOW];
            for k in 1..t.len() {
                t[k] = t[k - 1] + p;
            }
            t
        })
        .collect();

    // digits[i][w]: the w-th 4-bit digit of scalars[i], most significant first. Secret.
    let mut digits: Vec<[u8; WINDOWS]> = scalars
        .iter()
        .map(|s| {
            let be = s.to_bytes_be();
            let mut d = [0u8; WINDOWS];
            for (j, byte) in be.iter().enumerate() {
                d[2 * j] = byte >> 4;
                d[2 * j + 1] = byte & 0x0f;
            }
            d
        })
        .collect();

    let mut acc = G1Projective::identity();
    for w in 0..WINDOWS {
        if w > 0 {
            for _ in 0..WINDOW {
                acc = acc.double();
            }
        }
        for (table, d) in tables.iter().zip(&digits) {
            let mut selected = G1Projective::identity();
            for (k, entry) in table.iter().enumerate() {
                selected.conditional_assign(entry, (k as u8).ct_eq(&d[w]));
            }
            acc += selected;
        }
    }
    digits.zeroize();
    Ok(acc)
}
