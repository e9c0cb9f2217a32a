//! Member identifiers.

use core::fmt;

use blstrs::Scalar;

use crate::Error;

/// A group member's identifier: a nonzero integer, the x-coordinate of its share.
///
/// ```
/// use credkit_threshold::Identifier;
///
/// let id = Identifier::new(3)?;
/// assert_eq!(id.get(), 3);
/// assert!(Identifier::new(0).is_err());
/// # Ok::<(), credkit_threshold::Error>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Identifier(u16);

impl Identifier {
    /// An identifier; zero is refused (the share at zero is the group secret).
    ///
    /// # Errors
    /// [`Error::ZeroIdentifier`].
    pub fn new(id: u16) -> Result<Self, Error> {
        if id == 0 {
            return Err(Error::ZeroIdentifier);
        }
        Ok(Identifier(id))
    }

    /// The integer.
    pub fn get(self) -> u16 {
        self.0
    }

    /// The identifier as a scalar, the point at which shares are evaluated.
    pub fn to_scalar(self) -> Scalar {
        Scalar::from(u64::from(self.0))
    }
}

impl fmt::Display for Identifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "member {}", self.0)
    }
}
