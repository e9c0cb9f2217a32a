//! The errors of credkit-abe: one enum, grouped by module.

/// Everything that can go wrong in credkit-abe.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A malformed encoding (point, scalar, length).
    #[error("malformed encoding: {0}")]
    Encoding(#[from] credkit_core::Error),

    // ---- policy ----
    /// A policy that does not parse or cannot be used, with its position.
    #[error("{0}")]
    Policy(#[from] crate::policy::PolicyError),

    // ---- fabeo ----
    /// The key's attributes do not satisfy the ciphertext's policy.
    #[error("policy not satisfied: the key's attributes do not satisfy the record's policy")]
    PolicyNotSatisfied,
    /// An attribute given twice to key generation.
    #[error("attribute `{0}` is given twice")]
    DuplicateKeyAttribute(String),
    /// More attributes than one user key may hold.
    #[error("{0} attributes exceed the limit of {max} per key", max = crate::fabeo::MAX_KEY_ATTRIBUTES)]
    TooManyKeyAttributes(usize),
    /// A master public key that is not a valid encoding.
    #[error("malformed master public key: {0}")]
    MalformedMasterPublicKey(&'static str),
    /// A user key that is not a valid encoding.
    #[error("malformed user key: {0}")]
    MalformedUserKey(&'static str),
    /// An ABE ciphertext that is not a valid encoding.
    #[error("malformed ABE ciphertext: {0}")]
    MalformedCiphertext(&'static str),

    // ---- epoch ----

    // ---- records ----
}
