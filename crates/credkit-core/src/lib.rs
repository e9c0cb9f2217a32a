//! # credkit-core
//!
//! The foundation every credkit capability is built on:
//!
//! - the BLS12-381 backend ([`blstrs`], on the audited `blst` C library), re-exported as
//!   [`curve`];
//! - RFC 9380 `expand_message_xmd` (SHA-256) and `expand_message_xof` (SHAKE-256)
//!   ([`expand_message`]), hash-to-G1 for both ([`hash_to_curve`]) and `hash_to_scalar`
//!   ([`hash_to_scalar()`]);
//! - canonical codecs for scalars and points that reject every malformed input with its own
//!   error ([`encoding`]);
//! - a zeroizing secret scalar ([`SecretScalar`]) and a constant-time multi-scalar
//!   multiplication for secret scalars ([`msm`]).
//!
//! ## Status
//!
//! - Not audited. Tested against the RFC 9380 test vectors (`vectors/hash-to-curve`).
//! - Constant time where secrets are touched: [`msm::ct_multi_exp`], scalar multiplication by a
//!   secret ([`blstrs`]' `Mul` calls blst's constant-time ladder), [`SecretScalar`] comparison.
//!   Functions whose running time depends on their inputs say `vartime` in their name.
//! - Secrets are zeroized on drop; copies made during arithmetic on the stack are not (as in
//!   every Rust curve library without `unsafe`).
//! - `#![forbid(unsafe_code)]`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod encoding;
mod error;
pub mod expand_message;
pub mod hash_to_curve;
mod hash_to_scalar;
pub mod msm;
mod secret;

pub use error::Error;
pub use hash_to_scalar::{hash_to_scalar, scalar_from_okm, HASH_TO_SCALAR_EXPAND_LEN};
pub use secret::SecretScalar;

/// The BLS12-381 backend: [`blstrs`] types and the `ff`/`group`/`pairing` traits they implement.
pub mod curve {
    pub use blstrs::{
        Bls12, G1Affine, G1Projective, G2Affine, G2Prepared, G2Projective, Gt, Scalar,
    };
    pub use ff::{Field, PrimeField};
    pub use group::{prime::PrimeCurveAffine, Curve, Group};
    pub use pairing::{MillerLoopResult, MultiMillerLoop};
}
