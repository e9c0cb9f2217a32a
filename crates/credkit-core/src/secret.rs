//! A scalar that is a secret.

use core::fmt;

use blstrs::Scalar;
use subtle::{Choice, ConstantTimeEq};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// A secret scalar, stored as its limbs so that it can be zeroized on drop.
///
/// `Debug` prints `<redacted>`; equality is constant time. [`SecretScalar::expose`] hands out a
/// [`Scalar`] copy for arithmetic: that copy is the caller's to keep short-lived.
///
/// ```
/// use credkit_core::{SecretScalar, curve::Scalar};
///
/// let s = SecretScalar::new(Scalar::from(42u64));
/// assert_eq!(format!("{s:?}"), "SecretScalar(<redacted>)");
/// assert_eq!(s.expose(), Scalar::from(42u64));
/// ```
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct SecretScalar {
    /// Montgomery limbs of blst's `blst_fr`, the representation inside [`Scalar`].
    limbs: [u64; 4],
}

impl SecretScalar {
    /// Wraps a scalar.
    pub fn new(s: Scalar) -> Self {
        SecretScalar {
            limbs: blst::blst_fr::from(s).l,
        }
    }

    /// The scalar, for arithmetic. Keep the copy short-lived.
    pub fn expose(&self) -> Scalar {
        Scalar::from(blst::blst_fr { l: self.limbs })
    }
}

impl fmt::Debug for SecretScalar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SecretScalar(<redacted>)")
    }
}

impl ConstantTimeEq for SecretScalar {
    fn ct_eq(&self, other: &Self) -> Choice {
        self.limbs.ct_eq(&other.limbs)
    }
}

impl PartialEq for SecretScalar {
    fn eq(&self, other: &Self) -> bool {
        self.ct_eq(other).into()
    }
}

impl Eq for SecretScalar {}
