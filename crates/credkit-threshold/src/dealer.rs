//! Trusted dealer: Shamir secret sharing of a group secret with Feldman commitments.
//!
//! The dealer draws a polynomial `f(x) = a_0 + a_1 x + ... + a_(t-1) x^(t-1)` over the scalar
//! field, with `t = min_signers`, the group secret `a_0` and the other coefficients uniformly
//! random (Shamir, 1979). Member `i` receives its share `s_i = f(i)`; everyone receives the
//! commitments `C_k = a_k * P1` (Feldman, 1987). `C_0` is the group public key, an ordinary
//! min-pk BLS public key (`SkToPk`, §2.4 of draft-irtf-cfrg-bls-signature-06), and member `i`'s
//! verifying share is `VK_i = f(i) * P1 = sum(C_k * i^k)`, computed by everyone from the
//! commitments. A member accepts its share when it is a member, the commitments are exactly
//! `min_signers` points (more would raise the threshold, fewer lower it), and
//! `s_i * P1 == VK_i`: [`PublicKeyPackage::verify_share`] after [`PublicKeyPackage::new`].
//!
//! The dealer also proves possession of the group secret (`PopProve`, §3.3.2): a [`GroupKey`]
//! is a [`PublicKeyPackage`] together with a verified proof of possession, so that the group key
//! may sit beside other keys in a `FastAggregateVerify` (§3.3.4). Without a dealer (after a
//! DKG), the members produce that proof by threshold signing: [`crate::sign::prove_possession`]
//! and [`crate::combine::combine_proof_of_possession`].
//!
//! `min_signers` must be at least 2: with a threshold of 1 every share would be the group
//! secret itself (`f` constant), which is copying a key, not sharing it. Identifiers are
//! nonzero ([`Identifier`]) and must be distinct.
//!
//! Why the sharing is written here rather than taken from `vsss-rs`: see `SPEC.md`. In short,
//! vsss-rs 6 is built on ff/elliptic-curve 0.14 (blstrs 0.7 implements 0.13); vsss-rs 4 and 5
//! require `Default` of the commitment group, which `blstrs::G1Projective` does not implement;
//! and their share values cannot be zeroized for blstrs scalars. The tests check these shares
//! against vsss-rs 5's own Lagrange interpolation.
//!
//! ```
//! use credkit_threshold::{dealer, Error, Identifier, SigningShare};
//!
//! let mut rng = rand_core::OsRng;
//! let (group_key, shares) = dealer::deal(&mut rng, 3, 5)?;
//! assert_eq!((group_key.min_signers(), group_key.max_signers()), (3, 5));
//! for share in &shares {
//!     group_key.verify_share(share)?;
//! }
//! group_key.public_key().verify_proof_of_possession(group_key.proof_of_possession())?;
//!
//! // A share that is off the commitments is refused, naming its member...
//! let id = Identifier::new(2)?;
//! let forged = SigningShare::new(id, 7u64.into());
//! assert_eq!(group_key.verify_share(&forged), Err(Error::InvalidShare(id)));
//! // ...and so is a threshold of one.
//! assert_eq!(
//!     dealer::deal(&mut rng, 1, 5).unwrap_err(),
//!     Error::InvalidMinSigners { min_signers: 1, max_signers: 5 }
//! );
//! # Ok::<(), Error>(())
//! ```

use core::ops::Deref;

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{scalar_from_bytes, scalar_to_bytes, SCALAR_LEN};
use credkit_core::SecretScalar;
use ff::Field;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::bls::{PublicKey, SecretKey, Signature};
use crate::{Commitments, Error, Identifier, SigningShare, VerifyingShare};

/// The public data of a shared group key: the commitments, hence the group public key and
/// the threshold, and every member's verifying share.
///
/// Everything needed to check partial signatures ([`crate::sign`]) and combine them
/// ([`crate::combine`]). Built by the dealer, or by each member from the dealer's broadcast
/// with [`PublicKeyPackage::new`], which enforces the agreed threshold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicKeyPackage {
    min_signers: u16,
    commitments: Commitments,
    group_public_key: PublicKey,
    /// One per member, sorted by identifier, identifiers distinct.
    verifying_shares: Vec<VerifyingShare>,
}

impl PublicKeyPackage {
    /// The package of the members `members` for `commitments`, which must be exactly
    /// `min_signers` points: the check a member runs on what the dealer broadcast.
    ///
    /// Computes every verifying share from the commitments (in variable time: all of it is
    /// public).
    ///
    /// # Errors
    /// [`Error::DuplicateParticipant`] for an identifier listed twice;
    /// [`Error::InvalidMinSigners`] unless `2 <= min_signers <= members.len()`;
    /// [`Error::ThresholdMismatch`] unless there are exactly `min_signers` commitments.
    pub fn new(
        min_signers: u16,
        commitments: Commitments,
        members: &[Identifier],
    ) -> Result<Self, Error> {
        let members = sorted_members(members)?;
        check_min_signers(min_signers, members.len())?;
        if commitments.min_signers() != usize::from(min_signers) {
            return Err(Error::ThresholdMismatch {
                expected: min_signers,
                found: commitments.min_signers(),
            });
        }
        let projective: Vec<G1Projective> = members
            .iter()
            .map(|id| vartime_evaluate(commitments.points(), id.get()))
            .collect();
        let mut affine = vec![G1Affine::identity(); projective.len()];
        G1Projective::batch_normalize(&projective, &mut affine);
        let verifying_shares = members
            .iter()
            .zip(affine)
            .map(|(id, point)| VerifyingShare::new(*id, point))
            .collect();
        Ok(PublicKeyPackage {
            min_signers,
            group_public_key: commitments.group_public_key(),
            commitments,
            verifying_shares,
        })
    }

    /// The threshold: how many members must sign.
    pub fn min_signers(&self) -> u16 {
        self.min_signers
    }

    /// The number of members.
    pub fn max_signers(&self) -> u16 {
        // Invariant: at most 65535 distinct nonzero u16 identifiers; `new` checked the count.
        u16::try_from(self.verifying_shares.len()).unwrap_or(u16::MAX)
    }

    /// The group public key, `C_0`: a standard BLS public key.
    pub fn group_public_key(&self) -> &PublicKey {
        &self.group_public_key
    }

    /// The Feldman commitments.
    pub fn commitments(&self) -> &Commitments {
        &self.commitments
    }

    /// Every member's verifying share, sorted by identifier.
    pub fn verifying_shares(&self) -> &[VerifyingShare] {
        &self.verifying_shares
    }

    /// The members' identifiers, in increasing order.
    pub fn members(&self) -> impl Iterator<Item = Identifier> + '_ {
        self.verifying_shares.iter().map(VerifyingShare::identifier)
    }

    /// The verifying share of `identifier`, if it is a member.
    pub fn verifying_share(&self, identifier: Identifier) -> Option<&VerifyingShare> {
        self.verifying_shares
            .binary_search_by_key(&identifier, VerifyingShare::identifier)
            .ok()
            .map(|i| &self.verifying_shares[i])
    }

    /// The verifying share of `identifier`, or [`Error::UnknownMember`].
    pub(crate) fn member(&self, identifier: Identifier) -> Result<&VerifyingShare, Error> {
        self.verifying_share(identifier)
            .ok_or(Error::UnknownMember(identifier))
    }

    /// Checks a secret share: its owner is a member and `s_i * P1 == VK_i`.
    ///
    /// # Errors
    /// [`Error::UnknownMember`]; [`Error::InvalidShare`] naming the member.
    pub fn verify_share(&self, share: &SigningShare) -> Result<(), Error> {
        let expected = self.member(share.identifier())?;
        if share.verifying_share().point() == expected.point() {
            Ok(())
        } else {
            Err(Error::InvalidShare(share.identifier()))
        }
    }
}

/// A [`PublicKeyPackage`] with a verified proof of possession of the group secret: what a
/// group publishes as its key.
///
/// Dereferences to its [`PublicKeyPackage`], so that it can be passed wherever a package is
/// expected.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GroupKey {
    package: PublicKeyPackage,
    proof_of_possession: Signature,
}

impl GroupKey {
    /// A group key from its package and a proof of possession (`PopVerify`, §3.3.3).
    ///
    /// # Errors
    /// [`Error::InvalidProofOfPossession`].
    pub fn new(package: PublicKeyPackage, proof_of_possession: Signature) -> Result<Self, Error> {
        package
            .group_public_key
            .verify_proof_of_possession(&proof_of_possession)?;
        Ok(GroupKey {
            package,
            proof_of_possession,
        })
    }

    /// The package.
    pub fn package(&self) -> &PublicKeyPackage {
        &self.package
    }

    /// The group public key (the package's [`PublicKeyPackage::group_public_key`]).
    pub fn public_key(&self) -> &PublicKey {
        &self.package.group_public_key
    }

    /// The proof of possession of the group secret.
    pub fn proof_of_possession(&self) -> &Signature {
        &self.proof_of_possession
    }
}

impl Deref for GroupKey {
    type Target = PublicKeyPackage;

    fn deref(&self) -> &PublicKeyPackage {
        &self.package
    }
}

impl AsRef<PublicKeyPackage> for GroupKey {
    fn as_ref(&self) -> &PublicKeyPackage {
        &self.package
    }
}

/// Deals a fresh group key to the members `1..=max_signers`, any `min_signers` of whom can
/// sign. Returns the group key and the shares, share `i - 1` for member `i`.
///
/// # Errors
/// [`Error::InvalidMinSigners`] unless `2 <= min_signers <= max_signers`.
pub fn deal(
    rng: &mut (impl RngCore + CryptoRng),
    min_signers: u16,
    max_signers: u16,
) -> Result<(GroupKey, Vec<SigningShare>), Error> {
    let identifiers = (1..=max_signers)
        .map(Identifier::new)
        .collect::<Result<Vec<_>, _>>()?;
    if identifiers.is_empty() {
        return Err(Error::InvalidMinSigners {
            min_signers,
            max_signers,
        });
    }
    deal_with_identifiers(rng, min_signers, &identifiers)
}

/// Deals a fresh group key to the members `identifiers`, any `min_signers` of whom can sign.
/// The shares come in the order of `identifiers`.
///
/// # Errors
/// [`Error::DuplicateParticipant`]; [`Error::InvalidMinSigners`] unless
/// `2 <= min_signers <= identifiers.len()`.
pub fn deal_with_identifiers(
    rng: &mut (impl RngCore + CryptoRng),
    min_signers: u16,
    identifiers: &[Identifier],
) -> Result<(GroupKey, Vec<SigningShare>), Error> {
    let secret_key = SecretKey::generate(rng);
    split(rng, &secret_key, min_signers, identifiers)
}

/// Shares an existing key among the members `identifiers`, any `min_signers` of whom can then
/// sign under its public key. The shares come in the order of `identifiers`; the caller should
/// delete `secret_key` afterwards.
///
/// # Errors
/// As [`deal_with_identifiers`].
pub fn split(
    rng: &mut (impl RngCore + CryptoRng),
    secret_key: &SecretKey,
    min_signers: u16,
    identifiers: &[Identifier],
) -> Result<(GroupKey, Vec<SigningShare>), Error> {
    let members = sorted_members(identifiers)?;
    check_min_signers(min_signers, members.len())?;
    let polynomial = Polynomial::random(rng, secret_key.scalar().clone(), min_signers);
    let package = PublicKeyPackage::new(min_signers, polynomial.commitments()?, &members)?;
    let shares = identifiers
        .iter()
        .map(|id| SigningShare::new(*id, polynomial.evaluate(*id)))
        .collect();
    let group_key = GroupKey::new(package, secret_key.prove_possession())?;
    Ok((group_key, shares))
}

/// A secret polynomial `f(x) = a_0 + ... + a_(t-1) x^(t-1)` of Shamir sharing, zeroized on
/// drop (its coefficients are [`SecretScalar`]s). Public so that other credkit crates share
/// their secrets with this one implementation (credkit-abe's epoch key service does).
///
/// ```
/// use credkit_core::SecretScalar;
/// use credkit_threshold::dealer::{vartime_evaluate, Polynomial};
/// use credkit_threshold::Identifier;
/// use group::{Curve, Group};
///
/// let secret = SecretScalar::new(blstrs::Scalar::from(42u64));
/// let f = Polynomial::random(&mut rand_core::OsRng, secret, 2);
/// let commitments = f.commitments()?;
/// // Share 3 matches the Feldman commitments.
/// let id = Identifier::new(3)?;
/// assert_eq!(
///     (blstrs::G1Projective::generator() * f.evaluate(id)).to_affine(),
///     vartime_evaluate(commitments.points(), id.get()).to_affine()
/// );
/// # Ok::<(), credkit_threshold::Error>(())
/// ```
pub struct Polynomial {
    /// `a_0, ..., a_(t-1)`.
    coefficients: Vec<SecretScalar>,
}

impl Polynomial {
    /// `constant + a_1 x + ... + a_(t-1) x^(t-1)` with `t = min_signers` and uniformly random
    /// `a_k` (zero included, as it must be for a uniform polynomial).
    pub fn random(
        rng: &mut (impl RngCore + CryptoRng),
        constant: SecretScalar,
        min_signers: u16,
    ) -> Self {
        let mut coefficients = Vec::with_capacity(usize::from(min_signers));
        coefficients.push(constant);
        for _ in 1..min_signers {
            coefficients.push(SecretScalar::new(Scalar::random(&mut *rng)));
        }
        Polynomial { coefficients }
    }

    /// The coefficients `a_0, ..., a_(t-1)`.
    pub fn coefficients(&self) -> &[SecretScalar] {
        &self.coefficients
    }

    /// `f(i)`, by Horner's rule (constant time in the coefficients). The result is a secret
    /// share: keep the copy short-lived.
    pub fn evaluate(&self, identifier: Identifier) -> Scalar {
        let x = identifier.to_scalar();
        self.coefficients
            .iter()
            .rev()
            .fold(Scalar::ZERO, |acc, a| acc * x + a.expose())
    }

    /// The Feldman commitments `C_k = a_k * P1` (constant-time multiplications).
    ///
    /// # Errors
    /// [`Error::Encoding`] if `a_0` is zero.
    pub fn commitments(&self) -> Result<Commitments, Error> {
        let projective: Vec<G1Projective> = self
            .coefficients
            .iter()
            .map(|a| G1Projective::generator() * a.expose())
            .collect();
        let mut points = vec![G1Affine::identity(); projective.len()];
        G1Projective::batch_normalize(&projective, &mut points);
        Commitments::new(points)
    }
}

/// `sum(C_k * x^k)`, by Horner's rule with double-and-add multiplications by the small `x`:
/// about `log2(x) + 1` group operations per coefficient instead of a 255-bit multiplication.
/// Variable time; for public points only.
pub fn vartime_evaluate(commitments: &[G1Affine], x: u16) -> G1Projective {
    commitments
        .iter()
        .rev()
        .fold(G1Projective::identity(), |acc, c| {
            vartime_mul_small(&acc, x) + c
        })
}

/// `p * k` by left-to-right double-and-add. Variable time.
fn vartime_mul_small(p: &G1Projective, k: u16) -> G1Projective {
    let mut acc = G1Projective::identity();
    for bit in (0..u16::BITS - k.leading_zeros()).rev() {
        acc = acc.double();
        if (k >> bit) & 1 == 1 {
            acc += p;
        }
    }
    acc
}

/// `identifiers`, sorted.
///
/// # Errors
/// [`Error::DuplicateParticipant`] naming the smallest repeated identifier.
pub(crate) fn sorted_members(identifiers: &[Identifier]) -> Result<Vec<Identifier>, Error> {
    let mut sorted = identifiers.to_vec();
    sorted.sort_unstable();
    match sorted.windows(2).find(|w| w[0] == w[1]) {
        Some(w) => Err(Error::DuplicateParticipant(w[0])),
        None => Ok(sorted),
    }
}

/// `2 <= min_signers <= max_signers`.
pub(crate) fn check_min_signers(min_signers: u16, max_signers: usize) -> Result<(), Error> {
    // Distinct u16 identifiers are at most 65535, so the count fits; saturate all the same.
    let max_signers = u16::try_from(max_signers).unwrap_or(u16::MAX);
    if min_signers < 2 || min_signers > max_signers {
        return Err(Error::InvalidMinSigners {
            min_signers,
            max_signers,
        });
    }
    Ok(())
}

/// The encoding of a [`SigningShare`]: the identifier (2 bytes, big-endian) and the share
/// (32 bytes, big-endian, below the group order).
impl SigningShare {
    /// Length of the encoding.
    pub const BYTES: usize = 2 + SCALAR_LEN;

    /// `identifier (u16, big-endian) || s_i (32 bytes, big-endian)`, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; Self::BYTES]> {
        let mut out = Zeroizing::new([0u8; Self::BYTES]);
        out[..2].copy_from_slice(&self.identifier().get().to_be_bytes());
        out[2..].copy_from_slice(&scalar_to_bytes(&self.secret().expose()));
        out
    }

    /// Decodes [`SigningShare::to_bytes`]. Canonical: a decoded share re-encodes to its input.
    ///
    /// # Errors
    /// [`Error::Encoding`] for a wrong length or a scalar not below the group order;
    /// [`Error::ZeroIdentifier`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != Self::BYTES {
            return Err(Error::Encoding(credkit_core::Error::InvalidLength {
                expected: Self::BYTES,
                found: bytes.len(),
            }));
        }
        let identifier = Identifier::new(u16::from_be_bytes([bytes[0], bytes[1]]))?;
        let secret = scalar_from_bytes(&bytes[2..])?;
        Ok(SigningShare::new(identifier, secret))
    }
}
