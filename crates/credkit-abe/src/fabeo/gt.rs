//! Constant-time exponentiation in GT with a fixed base.
//!
//! blstrs multiplies a GT element by a scalar with double-and-add, branching on every bit of
//! the exponent; FABEO's encapsulation raises the public `e(g1, g2)^alpha` to the secret `s`.
//! Here the base's powers `h^(j * 16^i)` (64 windows of 16) are computed once per public key,
//! and `h^s` is the product of one entry per window, each picked by a scan over all 16 with
//! `conditional_select`: 64 multiplications, no squaring, no secret-dependent branch or index.

use blstrs::{Fp12, Gt, Scalar};
use ff::Field;
use subtle::{ConditionallySelectable, ConstantTimeEq};

/// Windows of 4 bits over a 256-bit exponent.
const WINDOWS: usize = 64;

/// `table[i][j] = h^(j * 16^i)`.
pub(crate) struct GtTable {
    table: Vec<[Fp12; 16]>,
}

impl GtTable {
    /// Precomputes the powers of `h`: 960 multiplications in GT.
    pub(crate) fn new(h: &Gt) -> Self {
        let mut table = Vec::with_capacity(WINDOWS);
        let mut base = Fp12::from(*h);
        for _ in 0..WINDOWS {
            let mut row = [Fp12::ONE; 16];
            for j in 1..16 {
                row[j] = row[j - 1] * base;
            }
            // base^16 for the next window.
            base = row[15] * base;
            table.push(row);
        }
        GtTable { table }
    }

    /// `h^s`, in constant time in `s`.
    pub(crate) fn pow(&self, s: &Scalar) -> Gt {
        let bytes = s.to_bytes_le();
        let mut acc = Fp12::ONE;
        for (i, row) in self.table.iter().enumerate() {
            let nibble = (bytes[i / 2] >> (4 * (i % 2))) & 0x0f;
            let mut pick = Fp12::ONE;
            for (j, entry) in row.iter().enumerate() {
                pick.conditional_assign(entry, (j as u8).ct_eq(&nibble));
            }
            acc *= pick;
        }
        Gt::from(acc)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use group::Group;
    use rand_core::OsRng;

    #[test]
    fn matches_blstrs_exponentiation() {
        let h = Gt::random(&mut OsRng);
        let table = GtTable::new(&h);
        for s in [
            Scalar::ZERO,
            Scalar::ONE,
            Scalar::from(16u64),
            -Scalar::ONE,
            Scalar::random(&mut OsRng),
            Scalar::random(&mut OsRng),
        ] {
            assert_eq!(table.pow(&s), h * s);
        }
    }
}
