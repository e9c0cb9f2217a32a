//! Resharing: the same group key, moved to a new member set and threshold.
//!
//! A member leaves, a device is replaced, the group grows, or the shares are refreshed
//! (proactive security): the group public key, and so every verifier's copy of it, stays the
//! same, while the shares change. The protocol is the verifiable secret redistribution of
//! Desmedt and Jajodia (1997) with Feldman commitments (Wong, Wang and Wing, 2002):
//!
//! 1. Everyone agrees on a [`ReshareConfig`]: the old group key, a set `S` of exactly
//!    `min_signers` old members who deal, the new threshold `t'` and the new members.
//! 2. Each dealer `i` in `S` shares `w_i = lambda_i * s_i` (`lambda_i` its Lagrange coefficient
//!    at zero for `S`, so that `sum(w_i) = s`) with a fresh random polynomial `g_i` of degree
//!    `t' - 1` ([`deal`]): it broadcasts the commitments `D_ik = b_ik * P1`
//!    ([`DealerCommitments`]) and sends new member `j` the sub-share `g_i(j)` ([`SubShare`]).
//! 3. New member `j` ([`receive`]) checks every dealing: exactly `t'` commitments, and
//!    `D_i0 == lambda_i * VK_i`, so that the dealer shares its own part of the group secret and
//!    nothing else, and `g_i(j) * P1 == sum(D_ik * j^k)`. It names every dealer that fails
//!    ([`Error::InvalidDealings`]). Its new share is `s'_j = sum(g_i(j))`, the new commitments
//!    are `C'_k = sum(D_ik)`, and `C'_0` must be the group public key.
//!
//! Afterwards any `t'` new members sign under the unchanged group key; a mix of old and new
//! shares lies on no common polynomial and produces an invalid signature. The group secret
//! itself does not change, so `min_signers` old shares would still combine with each other:
//! old members must delete their old shares once the new ones are in place (a
//! [`SigningShare`] zeroizes itself when dropped).
//!
//! The commitments of each dealer must reach every new member identically (an authenticated
//! broadcast channel, or the new members compare their resulting [`GroupKey`]s): the checks
//! above bind the group key, but a dealer that sent different commitments to different
//! members would leave them with different verifying shares.
//!
//! ```
//! use credkit_threshold::{combine, dealer, reshare, sign, Error, Identifier};
//!
//! let mut rng = rand_core::OsRng;
//! let (old_key, old_shares) = dealer::deal(&mut rng, 2, 3)?;
//! let ids = |v: &[u16]| v.iter().map(|&i| Identifier::new(i)).collect::<Result<Vec<_>, _>>();
//!
//! // Members 1 and 2 deal to the new members 2, 3 and 4, any 2 of whom will sign.
//! let config = reshare::ReshareConfig::new(&old_key, &ids(&[1, 2])?, 2, &ids(&[2, 3, 4])?)?;
//! let dealings = [
//!     reshare::deal(&mut rng, &config, &old_shares[0])?,
//!     reshare::deal(&mut rng, &config, &old_shares[1])?,
//! ];
//! let commitments: Vec<_> = dealings.iter().map(|d| d.commitments().clone()).collect();
//! let mut new_shares = Vec::new();
//! for j in config.new_members() {
//!     let sub_shares: Vec<_> = dealings.iter().filter_map(|d| d.sub_share(*j).cloned()).collect();
//!     let (share, new_key) = reshare::receive(&config, *j, &commitments, &sub_shares)?;
//!     assert_eq!(new_key.public_key(), old_key.public_key());
//!     new_shares.push((share, new_key));
//! }
//!
//! // The new members 3 and 4 sign as the old group did.
//! let (new_key, message) = (&new_shares[0].1, b"blood pressure 118/76");
//! let partials = [sign::sign(&new_shares[1].0, message), sign::sign(&new_shares[2].0, message)];
//! combine::combine(new_key, &partials)?.verify(old_key.public_key(), message)?;
//!
//! // A dealer not chosen for this resharing cannot deal.
//! assert_eq!(
//!     reshare::deal(&mut rng, &config, &old_shares[2]).unwrap_err(),
//!     Error::UnknownMember(old_shares[2].identifier())
//! );
//! # Ok::<(), Error>(())
//! ```

use core::fmt;

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{
    g1_from_bytes_allow_identity, g1_to_bytes, scalar_from_bytes, scalar_to_bytes, G1_LEN,
    SCALAR_LEN,
};
use credkit_core::SecretScalar;
use group::prime::PrimeCurveAffine;
use group::{Curve, Group};
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use crate::combine::lagrange_coefficients;
use crate::dealer::{
    check_min_signers, sorted_members, vartime_evaluate, GroupKey, Polynomial, PublicKeyPackage,
};
use crate::{Commitments, Error, Identifier, SigningShare};

/// What the old and the new members agree on before resharing: the old group key, the
/// dealers, the new threshold and the new members. Validated on construction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReshareConfig {
    old: GroupKey,
    /// The dealers, sorted, each with its Lagrange coefficient at zero for the dealer set.
    dealers: Vec<(Identifier, Scalar)>,
    new_min_signers: u16,
    /// Sorted, distinct.
    new_members: Vec<Identifier>,
}

impl ReshareConfig {
    /// A resharing of `old` by `dealers` (exactly `old.min_signers()` distinct old members) to
    /// `new_members`, any `new_min_signers` of whom will sign. Old and new members may overlap.
    ///
    /// # Errors
    /// [`Error::WrongSignerCount`] unless there are exactly `old.min_signers()` dealers;
    /// [`Error::UnknownMember`] for a dealer that is not an old member;
    /// [`Error::DuplicateParticipant`] among the dealers or the new members;
    /// [`Error::InvalidMinSigners`] unless `2 <= new_min_signers <= new_members.len()`.
    pub fn new(
        old: &GroupKey,
        dealers: &[Identifier],
        new_min_signers: u16,
        new_members: &[Identifier],
    ) -> Result<Self, Error> {
        let expected = usize::from(old.min_signers());
        if dealers.len() != expected {
            return Err(Error::WrongSignerCount {
                expected,
                found: dealers.len(),
            });
        }
        for dealer in dealers {
            old.member(*dealer)?;
        }
        let dealers = sorted_members(dealers)?;
        let new_members = sorted_members(new_members)?;
        check_min_signers(new_min_signers, new_members.len())?;
        let lambdas = lagrange_coefficients(&dealers);
        Ok(ReshareConfig {
            old: old.clone(),
            dealers: dealers.into_iter().zip(lambdas).collect(),
            new_min_signers,
            new_members,
        })
    }

    /// The old group key.
    pub fn old_group_key(&self) -> &GroupKey {
        &self.old
    }

    /// The dealers, in increasing order.
    pub fn dealers(&self) -> impl Iterator<Item = Identifier> + '_ {
        self.dealers.iter().map(|(id, _)| *id)
    }

    /// The new threshold.
    pub fn new_min_signers(&self) -> u16 {
        self.new_min_signers
    }

    /// The new members, in increasing order.
    pub fn new_members(&self) -> &[Identifier] {
        &self.new_members
    }

    /// `lambda_i` of dealer `dealer`, or [`Error::UnknownMember`].
    fn lambda(&self, dealer: Identifier) -> Result<Scalar, Error> {
        self.dealers
            .binary_search_by_key(&dealer, |(id, _)| *id)
            .map(|i| self.dealers[i].1)
            .map_err(|_| Error::UnknownMember(dealer))
    }

    /// The position of `dealer` among the dealers, or [`Error::UnknownMember`].
    fn dealer_index(&self, dealer: Identifier) -> Result<usize, Error> {
        self.dealers
            .binary_search_by_key(&dealer, |(id, _)| *id)
            .map_err(|_| Error::UnknownMember(dealer))
    }
}

/// A dealer's broadcast: its Feldman commitments `D_ik = b_ik * P1` to `g_i`.
///
/// Encoding ([`DealerCommitments::to_bytes`]): the dealer's identifier (`u16`, big-endian),
/// the number of commitments (`u16`, big-endian), then each commitment as a 48-byte
/// compressed G1 point.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DealerCommitments {
    dealer: Identifier,
    commitments: Commitments,
}

impl DealerCommitments {
    /// Commitments of `dealer`.
    pub fn new(dealer: Identifier, commitments: Commitments) -> Self {
        DealerCommitments {
            dealer,
            commitments,
        }
    }

    /// The dealer.
    pub fn dealer(&self) -> Identifier {
        self.dealer
    }

    /// The commitments.
    pub fn commitments(&self) -> &Commitments {
        &self.commitments
    }

    /// The encoding described on the type.
    pub fn to_bytes(&self) -> Vec<u8> {
        let points = self.commitments.points();
        let mut out = Vec::with_capacity(4 + G1_LEN * points.len());
        out.extend_from_slice(&self.dealer.get().to_be_bytes());
        // Invariant: at most `new_min_signers <= u16::MAX` commitments are dealt; a longer list
        // (built by hand) is cut to what its count can say, and then fails the checks.
        let count = u16::try_from(points.len()).unwrap_or(u16::MAX);
        out.extend_from_slice(&count.to_be_bytes());
        for p in points.iter().take(usize::from(count)) {
            out.extend_from_slice(&g1_to_bytes(p));
        }
        out
    }

    /// Decodes [`DealerCommitments::to_bytes`]; every point must be in G1, and the first not
    /// the identity. Canonical.
    ///
    /// # Errors
    /// [`Error::Encoding`]; [`Error::ZeroIdentifier`]; [`Error::EmptyCommitments`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        let length_error = |expected| {
            Error::Encoding(credkit_core::Error::InvalidLength {
                expected,
                found: bytes.len(),
            })
        };
        if bytes.len() < 4 {
            return Err(length_error(4));
        }
        let dealer = Identifier::new(u16::from_be_bytes([bytes[0], bytes[1]]))?;
        let count = usize::from(u16::from_be_bytes([bytes[2], bytes[3]]));
        if bytes.len() != 4 + G1_LEN * count {
            return Err(length_error(4 + G1_LEN * count));
        }
        let points = bytes[4..]
            .chunks_exact(G1_LEN)
            .map(g1_from_bytes_allow_identity)
            .collect::<Result<Vec<_>, _>>()?;
        Ok(DealerCommitments::new(dealer, Commitments::new(points)?))
    }
}

/// A sub-share `g_i(j)` from dealer `i` to new member `j`. Secret: send it over a private,
/// authenticated channel. Zeroized on drop; `Debug` prints no secret.
///
/// Encoding ([`SubShare::to_bytes`]): dealer (`u16`, big-endian), recipient (`u16`,
/// big-endian), `g_i(j)` (32 bytes, big-endian, below the group order).
#[derive(Clone, PartialEq, Eq)]
pub struct SubShare {
    dealer: Identifier,
    recipient: Identifier,
    secret: SecretScalar,
}

impl SubShare {
    /// Length of the encoding.
    pub const BYTES: usize = 4 + SCALAR_LEN;

    /// The dealer.
    pub fn dealer(&self) -> Identifier {
        self.dealer
    }

    /// The new member it is for.
    pub fn recipient(&self) -> Identifier {
        self.recipient
    }

    /// The encoding described on the type, zeroized when dropped.
    pub fn to_bytes(&self) -> Zeroizing<[u8; Self::BYTES]> {
        let mut out = Zeroizing::new([0u8; Self::BYTES]);
        out[..2].copy_from_slice(&self.dealer.get().to_be_bytes());
        out[2..4].copy_from_slice(&self.recipient.get().to_be_bytes());
        out[4..].copy_from_slice(&scalar_to_bytes(&self.secret.expose()));
        out
    }

    /// Decodes [`SubShare::to_bytes`]. Canonical.
    ///
    /// # Errors
    /// [`Error::Encoding`]; [`Error::ZeroIdentifier`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, Error> {
        if bytes.len() != Self::BYTES {
            return Err(Error::Encoding(credkit_core::Error::InvalidLength {
                expected: Self::BYTES,
                found: bytes.len(),
            }));
        }
        Ok(SubShare {
            dealer: Identifier::new(u16::from_be_bytes([bytes[0], bytes[1]]))?,
            recipient: Identifier::new(u16::from_be_bytes([bytes[2], bytes[3]]))?,
            secret: SecretScalar::new(scalar_from_bytes(&bytes[4..])?),
        })
    }
}

impl fmt::Debug for SubShare {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubShare")
            .field("dealer", &self.dealer)
            .field("recipient", &self.recipient)
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// One dealer's output: the commitments to broadcast and a sub-share for each new member.
#[derive(Clone, Debug)]
pub struct Dealing {
    commitments: DealerCommitments,
    /// One per new member, in increasing order of recipient.
    sub_shares: Vec<SubShare>,
}

impl Dealing {
    /// The commitments, for every new member.
    pub fn commitments(&self) -> &DealerCommitments {
        &self.commitments
    }

    /// The sub-share for `recipient`, if it is a new member.
    pub fn sub_share(&self, recipient: Identifier) -> Option<&SubShare> {
        self.sub_shares
            .binary_search_by_key(&recipient, SubShare::recipient)
            .ok()
            .map(|i| &self.sub_shares[i])
    }

    /// All sub-shares, in increasing order of recipient.
    pub fn sub_shares(&self) -> &[SubShare] {
        &self.sub_shares
    }
}

/// Step 2: an old member in the dealer set shares `lambda_i * s_i` with the new members.
///
/// # Errors
/// [`Error::UnknownMember`] if `share`'s member is not a dealer of `config`;
/// [`Error::InvalidShare`] if `share` does not match its verifying share in the old key.
pub fn deal(
    rng: &mut (impl RngCore + CryptoRng),
    config: &ReshareConfig,
    share: &SigningShare,
) -> Result<Dealing, Error> {
    let dealer = share.identifier();
    let lambda = config.lambda(dealer)?;
    config.old.verify_share(share)?;
    let constant = SecretScalar::new(lambda * share.secret().expose());
    let polynomial = Polynomial::random(rng, constant, config.new_min_signers);
    let sub_shares = config
        .new_members
        .iter()
        .map(|recipient| SubShare {
            dealer,
            recipient: *recipient,
            secret: SecretScalar::new(polynomial.evaluate(*recipient)),
        })
        .collect();
    Ok(Dealing {
        commitments: DealerCommitments::new(dealer, polynomial.commitments()?),
        sub_shares,
    })
}

/// Step 3: new member `recipient` checks the dealings of every dealer (their broadcast
/// `commitments` and the `sub_shares` addressed to it, each in any order) and derives its new
/// share and the new group key (the old proof of possession carries over: the key is the same).
///
/// # Errors
/// [`Error::UnknownMember`] for a recipient that is not a new member, or commitments or a
/// sub-share from a member that is not a dealer; [`Error::DuplicateParticipant`] for two
/// of either from one dealer; [`Error::WrongSignerCount`] when a dealer's commitments or
/// sub-share are missing; [`Error::MisaddressedShare`] for a sub-share to another member;
/// [`Error::InvalidDealings`] naming every dealer whose dealing fails the checks;
/// [`Error::GroupKeyMismatch`].
pub fn receive(
    config: &ReshareConfig,
    recipient: Identifier,
    commitments: &[DealerCommitments],
    sub_shares: &[SubShare],
) -> Result<(SigningShare, GroupKey), Error> {
    if config.new_members.binary_search(&recipient).is_err() {
        return Err(Error::UnknownMember(recipient));
    }
    let commitments = by_dealer(config, commitments, DealerCommitments::dealer)?;
    let sub_shares = by_dealer(config, sub_shares, SubShare::dealer)?;
    if let Some(misaddressed) = sub_shares.iter().find(|s| s.recipient != recipient) {
        return Err(Error::MisaddressedShare {
            sender: misaddressed.dealer,
            recipient: misaddressed.recipient,
        });
    }

    let t = usize::from(config.new_min_signers);
    let culprits: Vec<Identifier> = config
        .dealers
        .iter()
        .zip(commitments.iter().zip(&sub_shares))
        .filter(|((dealer, lambda), (c, s))| {
            !dealing_holds(&config.old, *dealer, lambda, c.commitments.points(), s, t)
        })
        .map(|((dealer, _), _)| *dealer)
        .collect();
    if !culprits.is_empty() {
        return Err(Error::InvalidDealings(culprits));
    }

    let secret = sub_shares
        .iter()
        .fold(Scalar::from(0u64), |acc, s| acc + s.secret.expose());
    let share = SigningShare::new(recipient, secret);
    let sums: Vec<G1Projective> = (0..t)
        .map(|k| {
            commitments.iter().fold(G1Projective::identity(), |acc, c| {
                acc + c.commitments.points()[k]
            })
        })
        .collect();
    let mut points = vec![G1Affine::identity(); t];
    G1Projective::batch_normalize(&sums, &mut points);
    if points[0] != *config.old.public_key().point() {
        return Err(Error::GroupKeyMismatch);
    }
    let package = PublicKeyPackage::new(
        config.new_min_signers,
        Commitments::new(points)?,
        &config.new_members,
    )?;
    let group_key = GroupKey::new(package, config.old.proof_of_possession().clone())?;
    Ok((share, group_key))
}

/// The checks of dealer `dealer`'s dealing: exactly `t` commitments,
/// `D_0 == lambda * VK_dealer`, and `g(j) * P1 == sum(D_k * j^k)`.
fn dealing_holds(
    old: &PublicKeyPackage,
    dealer: Identifier,
    lambda: &Scalar,
    points: &[G1Affine],
    sub_share: &SubShare,
    t: usize,
) -> bool {
    let Some(vk) = old.verifying_share(dealer) else {
        return false;
    };
    points.len() == t
        && G1Projective::from(points[0]) == vk.point() * lambda
        && G1Projective::generator() * sub_share.secret.expose()
            == vartime_evaluate(points, sub_share.recipient.get())
}

/// `items` ordered as `config`'s dealers: one from each.
fn by_dealer<'a, T>(
    config: &ReshareConfig,
    items: &'a [T],
    dealer: impl Fn(&T) -> Identifier,
) -> Result<Vec<&'a T>, Error> {
    let mut slots: Vec<Option<&T>> = vec![None; config.dealers.len()];
    for item in items {
        let id = dealer(item);
        let slot = &mut slots[config.dealer_index(id)?];
        if slot.is_some() {
            return Err(Error::DuplicateParticipant(id));
        }
        *slot = Some(item);
    }
    let found = slots.iter().flatten().count();
    slots
        .into_iter()
        .collect::<Option<Vec<_>>>()
        .ok_or(Error::WrongSignerCount {
            expected: config.dealers.len(),
            found,
        })
}
