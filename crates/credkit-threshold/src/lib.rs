//! # credkit-threshold
//!
//! Any `min_signers` of a group's `max_signers` members (3 of 5 home-monitoring devices of a
//! study, 67 of 100 nurses of a ward) jointly sign a data upload; the collector verifies one
//! ordinary BLS signature under the group's key and learns that enough members approved, but
//! not which.
//!
//! - [`bls`]: IETF BLS signatures (draft-irtf-cfrg-bls-signature), minimal-pubkey-size,
//!   proof-of-possession ciphersuite `BLS_SIG_BLS12381G2_XMD:SHA-256_SSWU_RO_POP_`: public keys
//!   are 48-byte G1 points, signatures 96-byte G2 points, so any standard verifier accepts a
//!   group signature.
//!
//! ## Status
//!
//! - Not audited. The BLS layer passes the published test vectors (`vectors/bls`).
//! - Secret keys zeroize on drop and are redacted in `Debug`; signing multiplies in constant
//!   time (blst); `#![forbid(unsafe_code)]`.
#![forbid(unsafe_code)]
#![deny(missing_docs)]

pub mod bls;
pub mod combine;
pub mod dealer;
pub mod dkg;
mod error;
mod identifier;
mod keys;
pub mod reshare;
pub mod sign;
pub mod upload;

pub use dealer::{GroupKey, PublicKeyPackage};
pub use error::Error;
pub use identifier::Identifier;
pub use keys::{Commitments, SigningShare, VerifyingShare};
pub use sign::PartialSignature;
