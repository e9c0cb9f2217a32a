//! Round 4 (broadcast, accused dealers only): answer each complaint by revealing the share in
//! public.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use blstrs::Scalar;
use credkit_core::SecretScalar;

use super::round3::Complaint;
use super::{round3, Message, SessionTag, State};
use crate::{Error, Identifier};

/// A justification: an accused dealer's answer to the complaints against it, the shares
/// `f_i(j)` it owes each accuser `j`, revealed **in public**. To broadcast.
///
/// Revealing `f_i(j)` tells the adversary nothing new: either `j` is corrupt and knew it, or
/// `i` is and chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    accused: Identifier,
    session: SessionTag,
    shares: BTreeMap<Identifier, Scalar>,
}

impl Package {
    /// A package from its parts (as received): the shares are keyed by accuser.
    pub fn new(
        accused: Identifier,
        session: SessionTag,
        shares: impl IntoIterator<Item = (Identifier, Scalar)>,
    ) -> Self {
        Package {
            accused,
            session,
            shares: shares.into_iter().collect(),
        }
    }

    /// The dealer that answers.
    pub fn accused(&self) -> Identifier {
        self.accused
    }

    /// The session it belongs to.
    pub fn session(&self) -> SessionTag {
        self.session
    }

    /// The revealed shares `f_i(j)`, keyed by accuser `j`.
    pub fn shares(&self) -> &BTreeMap<Identifier, Scalar> {
        &self.shares
    }
}

impl Message for Package {
    fn sender(&self) -> Identifier {
        self.accused
    }

    fn session(&self) -> SessionTag {
        self.session
    }
}

/// A participant's secret state after round 4. Consumed by
/// [`round5::part5`](super::round5::part5).
///
/// Not `Clone`; secrets are zeroized on drop and `Debug` omits them.
pub struct SecretPackage {
    pub(super) state: State,
    pub(super) shares: BTreeMap<Identifier, SecretScalar>,
    /// Every complaint in force: from a qualified accuser against another qualified dealer.
    pub(super) complaints: BTreeSet<Complaint>,
    /// Our justification, if we were accused.
    pub(super) justification: Option<Package>,
}

impl SecretPackage {
    /// This participant.
    pub fn identifier(&self) -> Identifier {
        self.state.identifier()
    }

    /// The participants still qualified, ourselves included.
    pub fn qualified(&self) -> &BTreeSet<Identifier> {
        &self.state.qualified
    }

    /// The participants disqualified so far, with the reason.
    pub fn disqualified(&self) -> &BTreeMap<Identifier, Error> {
        &self.state.disqualified
    }

    /// Every complaint that must be answered, in order.
    pub fn complaints(&self) -> &BTreeSet<Complaint> {
        &self.complaints
    }

    /// The other dealers whose justification to wait for before round 5: empty when nobody
    /// complained about anyone else, in which case round 5 can start at once.
    pub fn awaited_justifications(&self) -> BTreeSet<Identifier> {
        let me = self.identifier();
        self.complaints
            .iter()
            .map(|c| c.accused)
            .filter(|&accused| accused != me)
            .collect()
    }
}

impl fmt::Debug for SecretPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("round4::SecretPackage")
            .field("identifier", &self.state.identifier())
            .field("qualified", &self.state.qualified)
            .field("complaints", &self.complaints)
            .field("shares", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Round 4: gathers the complaints and, if we are accused, answers them.
///
/// `complaints` are the [`round3::Package`]s received (ours may be among them). A qualified
/// participant whose package is missing is disqualified ([`Error::MissingComplaints`]);
/// complaints from or against disqualified participants lapse, and accusations of unknown
/// identifiers or of oneself are ignored.
///
/// Returns our justification, to broadcast, if anyone complained about us, and `None`
/// otherwise.
///
/// # Errors
/// [`Error::TooManyDisqualified`] when fewer than `min_signers` participants remain;
/// [`Error::UnknownParticipant`], [`Error::DuplicateParticipant`],
/// [`Error::SessionMismatch`] for misrouted packages (naming the sender).
pub fn part4(
    secret: round3::SecretPackage,
    complaints: &[round3::Package],
) -> Result<(SecretPackage, Option<Package>), Error> {
    let round3::SecretPackage {
        mut state,
        shares,
        complaints: own,
    } = secret;
    let mut received: BTreeMap<Identifier, round3::Package> = state
        .intake(complaints, Some(&own))?
        .into_iter()
        .map(|(id, package)| (id, package.clone()))
        .collect();
    let others: Vec<Identifier> = state.others().collect();
    for id in others {
        if !received.contains_key(&id) {
            state.disqualify(id, Error::MissingComplaints(id));
        }
    }
    state.check_enough_qualified()?;
    received.insert(state.identifier(), own);

    let in_force: BTreeSet<Complaint> = received
        .values()
        .flat_map(round3::Package::complaints)
        .filter(|c| c.accuser != c.accused && state.qualified.contains(&c.accused))
        .collect();

    let me = state.identifier();
    let owed: Vec<Identifier> = in_force
        .iter()
        .filter(|c| c.accused == me)
        .map(|c| c.accuser)
        .collect();
    let justification = (!owed.is_empty()).then(|| Package {
        accused: me,
        session: state.params.session,
        shares: owed
            .into_iter()
            .map(|accuser| (accuser, state.evaluate(accuser).expose()))
            .collect(),
    });
    Ok((
        SecretPackage {
            state,
            shares,
            complaints: in_force,
            justification: justification.clone(),
        },
        justification,
    ))
}
