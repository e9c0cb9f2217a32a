//! # credkit
//!
//! Privacy-preserving credentials for the Internet of Medical Things, on BLS12-381.
//!
//! This umbrella crate re-exports the member crates:
//!
//! - [`core`]: the curve backend, RFC 9380 hashing, canonical encodings and secret handling.
//! - [`bbs`]: IETF BBS signatures and zero-knowledge proofs with selective disclosure, and the
//!   credential layer built on them.
//! - [`threshold`]: threshold BLS group signatures for anonymous n-of-group uploads.
//! - [`abe`]: ciphertext-policy attribute-based encryption (FABEO) with a policy language,
//!   for records that only the right people can open.
//!
//! See `README.md` for the status of each capability and `SPEC.md` for the design of record.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub use credkit_abe as abe;
pub use credkit_bbs as bbs;
pub use credkit_core as core;
pub use credkit_threshold as threshold;
