//! Multi-scalar multiplication in G1: `P_1 * s_1 + ... + P_n * s_n`.
//!
//! - [`vartime_multi_exp`] runs blst's Pippenger (multi-threaded where blst's pool has more
//!   than one core). Its time depends on the scalars: use it only where every scalar is public
//!   (signature and proof verification, disclosed messages).
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
    Ok(G1Projective::multi_exp(points, scalars))
}

/// `sum(points[i] * scalars[i])`, constant time in the scalars (4-bit fixed-window Straus).
///
/// # Errors
/// [`Error::LengthMismatch`] when the slices differ in length.
pub fn ct_multi_exp(points: &[G1Projective], scalars: &[Scalar]) -> Result<G1Projective, Error> {
    check_lengths(points.len(), scalars.len())?;

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
