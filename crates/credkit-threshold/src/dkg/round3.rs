//! Round 3 (broadcast): check the shares received against the dealers' commitments and
//! complain about every missing or wrong one.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use blstrs::G1Projective;
use credkit_core::SecretScalar;
use group::{Curve, Group};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::encoding::{self, DocumentType};
use super::state_encoding::{
    self, JsonDisqualified, JsonParameters, JsonRound1, JsonShare, JsonState,
};
use super::{round2, Message, SessionTag, State};
use crate::{Error, Identifier};

/// A public accusation: `accuser` received no share, or a share that does not match the
/// commitments, from dealer `accused`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Complaint {
    /// The member that complains.
    pub accuser: Identifier,
    /// The dealer it complains about.
    pub accused: Identifier,
}

/// A member's complaints, to broadcast, even when empty (so that everyone knows the member
/// finished round 3).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    accuser: Identifier,
    session: SessionTag,
    accused: BTreeSet<Identifier>,
}

impl Package {
    /// A package from its parts (as received).
    pub fn new(
        accuser: Identifier,
        session: SessionTag,
        accused: impl IntoIterator<Item = Identifier>,
    ) -> Self {
        Package {
            accuser,
            session,
            accused: accused.into_iter().collect(),
        }
    }

    /// The member that complains.
    pub fn accuser(&self) -> Identifier {
        self.accuser
    }

    /// The session it belongs to.
    pub fn session(&self) -> SessionTag {
        self.session
    }

    /// The dealers it complains about (usually none).
    pub fn accused(&self) -> &BTreeSet<Identifier> {
        &self.accused
    }

    /// The complaints, one per accused dealer.
    pub fn complaints(&self) -> impl Iterator<Item = Complaint> + '_ {
        self.accused.iter().map(|&accused| Complaint {
            accuser: self.accuser,
            accused,
        })
    }
}

/// `dkg-round3`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    session: String,
    accuser: u16,
    accused: Vec<u16>,
}

impl Package {
    /// The `dkg-round3` document (see [`encoding`]), to broadcast; the
    /// accused in increasing order, usually none:
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "type": "dkg-round3",
    ///   "session": "<64 hex>",
    ///   "accuser": 3,
    ///   "accused": [2]
    /// }
    /// ```
    pub fn to_json(&self) -> String {
        let (version, kind) = encoding::header(DocumentType::Round3);
        encoding::render(&Document {
            version,
            kind,
            session: encoding::hex(&self.session.to_bytes()),
            accuser: self.accuser.get(),
            accused: self.accused.iter().map(|id| id.get()).collect(),
        })
    }

    /// Reads a `dkg-round3` document: the accused distinct and nonzero, in any order. The
    /// session is checked by [`round4::part4`](super::round4::part4), which ignores
    /// accusations of non-participants and of oneself.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`](super::DocumentDefect).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::Round3, |doc: Document| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::Round3)?;
            Ok(Package {
                session: encoding::session_tag(&doc.session)?,
                accuser: encoding::identifier(doc.accuser, "accuser")?,
                accused: encoding::identifiers(&doc.accused, "accused")?,
            })
        })
    }
}

impl Message for Package {
    fn sender(&self) -> Identifier {
        self.accuser
    }

    fn session(&self) -> SessionTag {
        self.session
    }
}

/// A participant's secret state after round 3: the shares it accepted. Consumed by
/// [`round4::part4`](super::round4::part4).
///
/// Not `Clone`; secrets are zeroized on drop and `Debug` omits them.
///
/// Equality (`PartialEq`) compares each secret scalar in constant time but stops at the first
/// difference: it is there to check a restored state, not to decide anything secret.
#[derive(PartialEq, Eq)]
pub struct SecretPackage {
    pub(super) state: State,
    /// Valid shares `f_j(i)` by dealer, our own `f_i(i)` included.
    pub(super) shares: BTreeMap<Identifier, SecretScalar>,
    /// What we broadcast.
    pub(super) complaints: Package,
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

    /// Our complaints (what was broadcast).
    pub fn package(&self) -> &Package {
        &self.complaints
    }

    /// The `dkg-state-3` document (see [`encoding`]): the state of round 2
    /// and the shares we accepted, under `shares`. Our complaints are not stored: they are
    /// the qualified dealers whose share is missing. **Secret**: the CLI writes it with mode
    /// 0600, and deletes or renames it once round 4 has written its own state.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = encoding::header(DocumentType::State3);
        let JsonState {
            parameters,
            coefficients,
            round1,
            disqualified,
        } = JsonState::encode(&self.state);
        encoding::render_secret(&StateDocument {
            version,
            kind,
            parameters,
            coefficients,
            round1,
            disqualified,
            shares: state_encoding::shares_entries(&self.shares),
        })
    }

    /// Reads a `dkg-state-3` document, checking it as a `dkg-state-2` one, and each share
    /// against its dealer's commitments.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`](super::DocumentDefect).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::State3, |doc: StateDocument| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::State3)?;
            let state = state_encoding::decode_state(
                DocumentType::State3,
                &doc.parameters,
                Some(&doc.coefficients),
                &doc.round1,
                &doc.disqualified,
            )?;
            let shares = state_encoding::shares(&doc.shares, &state)?;
            let complaints = Package {
                accuser: state.identifier(),
                session: state.params.session,
                accused: state
                    .others()
                    .filter(|dealer| !shares.contains_key(dealer))
                    .collect(),
            };
            Ok(SecretPackage {
                state,
                shares,
                complaints,
            })
        })
    }
}

/// `dkg-state-3`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(deserialize_with = "encoding::object")]
    parameters: JsonParameters,
    coefficients: Vec<Zeroizing<String>>,
    #[serde(deserialize_with = "encoding::objects")]
    round1: Vec<JsonRound1>,
    #[serde(deserialize_with = "encoding::objects")]
    disqualified: Vec<JsonDisqualified>,
    #[serde(deserialize_with = "encoding::objects")]
    shares: Vec<JsonShare>,
}

impl fmt::Debug for SecretPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("round3::SecretPackage")
            .field("identifier", &self.state.identifier())
            .field("qualified", &self.state.qualified)
            .field("complaints", &self.complaints)
            .field("shares", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Round 3: checks each share `f_j(i)` received against dealer `j`'s commitments,
/// `f_j(i) * P1 == sum_k C_jk * i^k`, and complains about every qualified dealer whose share is
/// missing or wrong.
///
/// `shares` are the [`round2::Package`]s received privately (those from disqualified dealers
/// are ignored). Broadcast the returned [`Package`], even when it accuses nobody.
///
/// # Errors
/// [`Error::MisaddressedShare`] for a share meant for someone else;
/// [`Error::UnknownParticipant`], [`Error::DuplicateParticipant`],
/// [`Error::SessionMismatch`] for misrouted packages (naming the sender).
pub fn part3(
    secret: round2::SecretPackage,
    shares: &[round2::Package],
) -> Result<(SecretPackage, Package), Error> {
    let state = secret.state;
    let me = state.identifier();
    if let Some(stray) = shares.iter().find(|share| share.recipient() != me) {
        return Err(Error::MisaddressedShare {
            sender: stray.sender(),
            recipient: stray.recipient(),
        });
    }
    let received = state.intake(shares, None)?;

    let mut accepted = BTreeMap::new();
    let mut accused = BTreeSet::new();
    for dealer in state.others() {
        let valid = match (received.get(&dealer), state.round1.get(&dealer)) {
            (Some(share), Some(dealt)) => {
                let expected = dealt.commitments().verifying_share(me);
                let found = (G1Projective::generator() * share.share().expose()).to_affine();
                (found == *expected.point()).then(|| share.share().clone())
            }
            _ => None,
        };
        match valid {
            Some(share) => {
                accepted.insert(dealer, share);
            }
            None => {
                accused.insert(dealer);
            }
        }
    }
    accepted.insert(me, state.evaluate(me));

    let complaints = Package {
        accuser: me,
        session: state.params.session,
        accused,
    };
    Ok((
        SecretPackage {
            state,
            shares: accepted,
            complaints: complaints.clone(),
        },
        complaints,
    ))
}
