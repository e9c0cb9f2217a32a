//! Errors of credkit-bbs.

/// Everything that can go wrong in credkit-bbs.
///
/// Variants are grouped by cause. *Input* variants can be triggered by untrusted bytes or
/// arguments (a verifier sees them on hostile input); *verification* variants are deliberately
/// opaque: a verifier learns that a signature or proof is invalid, not why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input ----
    /// A key, signature or proof encoding was malformed (the inner error says how).
    #[error("malformed encoding: {0}")]
    Encoding(#[from] credkit_core::Error),
    /// A proof's length is not 3 points, 4 scalars and a whole number of scalars more.
    #[error("proof length {0} is not 3 * 48 + (4 + U) * 32 bytes for any U")]
    ProofLength(usize),
    /// A message index is not below the number of signed messages.
    #[error("message index {index} is out of range for {count} messages")]
    IndexOutOfRange {
        /// The offending index.
        index: usize,
        /// The number of signed messages.
        count: usize,
    },
    /// Message indexes must be strictly ascending (which also rules out duplicates).
    #[error("message indexes are not strictly ascending")]
    IndexesNotAscending,
    /// The number of disclosed messages and disclosed indexes differ.
    #[error("{messages} disclosed messages but {indexes} disclosed indexes")]
    DisclosedCountMismatch {
        /// Number of disclosed messages.
        messages: usize,
        /// Number of disclosed indexes.
        indexes: usize,
    },
    /// More messages than this implementation signs or verifies ([`crate::MAX_MESSAGES`]).
    #[error("{0} messages exceed the limit of {max}", max = crate::MAX_MESSAGES)]
    TooManyMessages(usize),
    /// `KeyGen` key material shorter than 32 bytes.
    #[error("key material must be at least 32 bytes")]
    KeyMaterialTooShort,
    /// `KeyGen` key info longer than 65535 bytes.
    #[error("key info must be at most 65535 bytes")]
    KeyInfoTooLong,

    // ---- caller misuse (hazmat) ----
    /// The number of random scalars handed to proof generation is not `U + 5`.
    #[error("expected {expected} random scalars, found {found}")]
    RandomScalarCount {
        /// `U + 5`.
        expected: usize,
        /// What was supplied.
        found: usize,
    },
    /// The random scalar `r2` of proof generation was zero (it must be inverted). From a real
    /// random number generator this has probability 2^-255.
    #[error("random scalar r2 is zero")]
    ZeroRandomScalar,
    /// The number of generators does not match the number of messages plus one.
    #[error("expected {expected} generators, found {found}")]
    GeneratorCount {
        /// `L + 1`.
        expected: usize,
        /// What was supplied.
        found: usize,
    },

    // ---- verification (opaque) ----
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The proof does not verify.
    #[error("invalid proof")]
    InvalidProof,

    // ---- internal ----
    /// Signing produced a degenerate signature (`SK + e = 0 mod r`, probability ~2^-255).
    #[error("signing failed: degenerate signature")]
    DegenerateSignature,
}
