//! Round 4 (broadcast, accused dealers only): answer each complaint by revealing the share in
//! public.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use blstrs::Scalar;
use credkit_core::SecretScalar;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::encoding::{self, DocumentDefect, DocumentType};
use super::round3::Complaint;
use super::state_encoding::{
    self, JsonDisqualified, JsonParameters, JsonRound1, JsonShare, JsonState,
};
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

/// `dkg-round4`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    session: String,
    accused: u16,
    #[serde(deserialize_with = "encoding::objects")]
    shares: Vec<JsonRevealedShare>,
}

/// A revealed share: `{"accuser", "share"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonRevealedShare {
    accuser: u16,
    share: String,
}

impl Package {
    /// The `dkg-round4` document (see [`encoding`]), to broadcast; the shares
    /// in increasing order of accuser. Public: the shares are revealed on purpose.
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "type": "dkg-round4",
    ///   "session": "<64 hex>",
    ///   "accused": 2,
    ///   "shares": [{ "accuser": 3, "share": "<64 hex: f_2(3)>" }]
    /// }
    /// ```
    pub fn to_json(&self) -> String {
        let (version, kind) = encoding::header(DocumentType::Round4);
        encoding::render(&Document {
            version,
            kind,
            session: encoding::hex(&self.session.to_bytes()),
            accused: self.accused.get(),
            shares: self
                .shares
                .iter()
                .map(|(accuser, share)| JsonRevealedShare {
                    accuser: accuser.get(),
                    share: encoding::scalar_hex(share),
                })
                .collect(),
        })
    }

    /// Reads a `dkg-round4` document: the accusers distinct and nonzero, the shares
    /// canonical scalars. The session and the shares' values are checked by
    /// [`round5::part5`](super::round5::part5).
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::Round4, |doc: Document| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::Round4)?;
            let session = encoding::session_tag(&doc.session)?;
            let accused = encoding::identifier(doc.accused, "accused")?;
            let mut shares = BTreeMap::new();
            for entry in &doc.shares {
                let accuser = encoding::identifier(entry.accuser, "shares.accuser")?;
                let share = encoding::scalar(&entry.share, "shares.share")?;
                encoding::insert_once(&mut shares, accuser, share, "shares")?;
            }
            Ok(Package {
                accused,
                session,
                shares,
            })
        })
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
///
/// Equality (`PartialEq`) compares each secret scalar in constant time but stops at the first
/// difference: it is there to check a restored state, not to decide anything secret.
#[derive(PartialEq, Eq)]
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

    /// The `dkg-state-4` document (see [`encoding`]): the state of round 3
    /// and the complaints in force, under `complaints`. Our justification is not stored: it
    /// is recomputed from the polynomial. **Secret**: the CLI writes it with mode 0600, and
    /// deletes or renames it once round 5 has written its own state.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = encoding::header(DocumentType::State4);
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
            complaints: self
                .complaints
                .iter()
                .map(|c| JsonComplaint {
                    accuser: c.accuser.get(),
                    accused: c.accused.get(),
                })
                .collect(),
        })
    }

    /// Reads a `dkg-state-4` document, checking it as a `dkg-state-3` one, and each
    /// complaint: between two distinct qualified participants, each listed once.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::State4, |doc: StateDocument| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::State4)?;
            let state = state_encoding::decode_state(
                DocumentType::State4,
                &doc.parameters,
                Some(&doc.coefficients),
                &doc.round1,
                &doc.disqualified,
            )?;
            let shares = state_encoding::shares(&doc.shares, &state)?;
            let mut complaints = BTreeSet::new();
            for entry in &doc.complaints {
                let complaint = Complaint {
                    accuser: encoding::identifier(entry.accuser, "complaints.accuser")?,
                    accused: encoding::identifier(entry.accused, "complaints.accused")?,
                };
                for id in [complaint.accuser, complaint.accused] {
                    if !state.params.participants.contains(&id) {
                        return Err(DocumentDefect::UnknownIdentifier {
                            field: "complaints",
                            identifier: id,
                        });
                    }
                }
                if complaint.accuser == complaint.accused
                    || !state.qualified.contains(&complaint.accuser)
                    || !state.qualified.contains(&complaint.accused)
                    || !complaints.insert(complaint)
                {
                    return Err(DocumentDefect::Inconsistent("complaints"));
                }
            }
            let justification = justification(&state, &complaints);
            Ok(SecretPackage {
                state,
                shares,
                complaints,
                justification,
            })
        })
    }
}

/// `dkg-state-4`.
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
    #[serde(deserialize_with = "encoding::objects")]
    complaints: Vec<JsonComplaint>,
}

/// A complaint: `{"accuser", "accused"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonComplaint {
    accuser: u16,
    accused: u16,
}

/// Our justification, if a complaint in force accuses us: the share `f_i(j)` for each
/// accuser `j`.
fn justification(state: &State, in_force: &BTreeSet<Complaint>) -> Option<Package> {
    let me = state.identifier();
    let owed: Vec<Identifier> = in_force
        .iter()
        .filter(|c| c.accused == me)
        .map(|c| c.accuser)
        .collect();
    (!owed.is_empty()).then(|| Package {
        accused: me,
        session: state.params.session,
        shares: owed
            .into_iter()
            .map(|accuser| (accuser, state.evaluate(accuser).expose()))
            .collect(),
    })
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

    let justification = justification(&state, &in_force);
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
