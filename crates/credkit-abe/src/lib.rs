//! # credkit-abe
//!
//! Time-bound self-destructing medical records.
//!
//! - [`policy`]: the policy language (`role:cardiologist and hospital:H1`, `2 of (a, b, c)`),
//!   parsed with positions and compiled to a linear secret-sharing scheme (LSSS).
//! - [`fabeo`]: FABEO ciphertext-policy attribute-based encryption (Riepel and Wee, CCS 2022)
//!   on BLS12-381, as a key encapsulation mechanism.
//! - [`epoch`]: the epoch key service: epochs as leaves of a binary tree, per-node secrets
//!   Shamir-shared among key servers that erase them when the node's range has ended.
//!
//! - [`record`]: sealed records: the body under XChaCha20-Poly1305 with a key derived from
//!   both layers, the whole header authenticated.
//!
//! Not audited. `#![forbid(unsafe_code)]`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod epoch;
mod error;
pub mod fabeo;
pub mod policy;
pub mod record;

pub use error::Error;
