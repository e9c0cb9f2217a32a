//! Errors of credkit-core.

/// Everything that can go wrong in credkit-core.
///
/// Every variant except [`Error::ExpandLengthTooLarge`] can be triggered by untrusted input
/// bytes; none of them is ever a panic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An encoding had the wrong number of bytes.
    #[error("wrong length: expected {expected} bytes, found {found}")]
    InvalidLength {
        /// The length the encoding must have.
        expected: usize,
        /// The length it had.
        found: usize,
    },
    /// A scalar encoding was not the canonical one: its integer value is at least the group
    /// order `r`.
    #[error("scalar is not canonical (its value is not below the group order)")]
    NonCanonicalScalar,
    /// A scalar that must be nonzero was zero.
    #[error("scalar is zero where a nonzero scalar is required")]
    ZeroScalar,
    /// A point encoding was malformed: wrong flag bits, a coordinate not below the field
    /// modulus, or an x-coordinate with no point on the curve.
    #[error("point encoding is malformed or not on the curve")]
    InvalidPointEncoding,
    /// A point was on the curve but outside the prime-order subgroup.
    #[error("point is not in the prime-order subgroup")]
    PointNotInSubgroup,
    /// The identity point where the specification forbids it.
    #[error("point is the identity")]
    IdentityPoint,
    /// `expand_message` was asked for more than it can produce (RFC 9380, section 5.3): more than
    /// 255 hash blocks for `xmd`, or more than 65535 bytes.
    #[error("expand_message output length is out of range")]
    ExpandLengthTooLarge,
    /// A domain separation tag longer than 255 bytes where the specification aborts on one
    /// (`hash_to_scalar` of the BBS draft, section 4.2.2).
    #[error("domain separation tag is longer than 255 bytes")]
    DstTooLong,
    /// Two slices that must have equal lengths did not.
    #[error("length mismatch: {left} points and {right} scalars")]
    LengthMismatch {
        /// The first length.
        left: usize,
        /// The second length.
        right: usize,
    },
}
