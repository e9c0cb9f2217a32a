//! Shares of a group key and the public data that checks them.

use core::fmt;

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::SecretScalar;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};

use crate::bls::PublicKey;
use crate::{Error, Identifier};

/// A member's secret share `s_i = f(i)` of the group secret `f(0)`.
///
/// Zeroized on drop; `Debug` prints no secret.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningShare {
    identifier: Identifier,
    secret: SecretScalar,
}

impl SigningShare {
    /// A share from its parts.
    pub fn new(identifier: Identifier, secret: Scalar) -> Self {
        SigningShare {
            identifier,
            secret: SecretScalar::new(secret),
        }
    }

    /// The member's identifier.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The secret scalar.
    pub fn secret(&self) -> &SecretScalar {
        &self.secret
    }

    /// The public half, `s_i * P1`.
    pub fn verifying_share(&self) -> VerifyingShare {
        VerifyingShare {
            identifier: self.identifier,
            point: (G1Projective::generator() * self.secret.expose()).to_affine(),
        }
    }
}

impl fmt::Debug for SigningShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningShare")
            .field("identifier", &self.identifier)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// A member's public share `s_i * P1`, against which its partial signatures are checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VerifyingShare {
    identifier: Identifier,
    point: G1Affine,
}

impl VerifyingShare {
    /// A verifying share from its parts.
    pub fn new(identifier: Identifier, point: G1Affine) -> Self {
        VerifyingShare { identifier, point }
    }

    /// The member's identifier.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// The point.
    pub fn point(&self) -> &G1Affine {
        &self.point
    }
}

/// Feldman commitments to the coefficients of the sharing polynomial `f`: `C_k = a_k * P1` for
/// `k = 0..min_signers`; `C_0` is the group public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Commitments(Vec<G1Affine>);

impl Commitments {
    /// Commitments from their points (at least one; `C_0` must not be the identity).
    ///
    /// # Errors
    /// [`Error::EmptyCommitments`]; [`Error::Encoding`] if `C_0` is the identity.
    pub fn new(points: Vec<G1Affine>) -> Result<Self, Error> {
        let first = points.first().ok_or(Error::EmptyCommitments)?;
        if bool::from(first.is_identity()) {
            return Err(Error::Encoding(credkit_core::Error::IdentityPoint));
        }
        Ok(Commitments(points))
    }

    /// The points `C_0, ..., C_(t-1)`.
    pub fn points(&self) -> &[G1Affine] {
        &self.0
    }

    /// The threshold `t`: the number of commitments.
    pub fn min_signers(&self) -> usize {
        self.0.len()
    }

    /// The group public key, `C_0`.
    pub fn group_public_key(&self) -> PublicKey {
        PublicKey::from_point(self.0[0])
    }

    /// `f(i) * P1 = sum(C_k * i^k)`: the verifying share of member `i`, by Horner's rule.
    pub fn verifying_share(&self, identifier: Identifier) -> VerifyingShare {
        let x = identifier.to_scalar();
        let point = self
            .0
            .iter()
            .rev()
            .fold(G1Projective::identity(), |acc, c| {
                acc * x + G1Projective::from(c)
            });
        VerifyingShare {
            identifier,
            point: point.to_affine(),
        }
    }

    /// Checks a secret share against the commitments: `s_i * P1 == f(i) * P1`.
    ///
    /// # Errors
    /// [`Error::InvalidShare`] naming the member.
    pub fn verify_share(&self, share: &SigningShare) -> Result<(), Error> {
        if share.verifying_share().point == self.verifying_share(share.identifier).point {
            Ok(())
        } else {
            Err(Error::InvalidShare(share.identifier))
        }
    }
}
