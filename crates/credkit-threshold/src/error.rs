//! Errors of credkit-threshold.

/// Everything that can go wrong in credkit-threshold.
///
/// *Input* variants can be triggered by untrusted bytes; *verification* variants are opaque.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input ----
    /// A key or signature encoding was malformed (the inner error says how).
    #[error("malformed encoding: {0}")]
    Encoding(#[from] credkit_core::Error),
    /// `KeyGen` input keying material shorter than 32 bytes.
    #[error("input keying material must be at least 32 bytes")]
    KeyMaterialTooShort,
    /// An aggregate of nothing.
    #[error("nothing to aggregate")]
    EmptyAggregate,
    /// Public keys and messages of different counts.
    #[error("{public_keys} public keys but {messages} messages")]
    LengthMismatch {
        /// Number of public keys.
        public_keys: usize,
        /// Number of messages.
        messages: usize,
    },

    /// Identifier zero, which would be the group secret itself.
    #[error("member identifier 0 is not allowed")]
    ZeroIdentifier,
    /// Feldman commitments without a single point.
    #[error("no commitments")]
    EmptyCommitments,

    // ---- a party misbehaved (the culprit is named) ----
    /// A member's secret share does not match the commitments.
    #[error("the share of {0} does not match the commitments")]
    InvalidShare(crate::Identifier),

    // ---- verification (opaque) ----
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The proof of possession does not verify.
    #[error("invalid proof of possession")]
    InvalidProofOfPossession,
}
