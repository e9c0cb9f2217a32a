//! Round 5 (broadcast): judge the justifications, fix the qualified set, derive the keys and
//! confirm a digest of the public transcript. [`finish`](super::finish) checks the
//! confirmations.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::SecretScalar;
use ff::Field;
use group::{Curve, Group};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::encoding::{self, DocumentDefect, DocumentType};
use super::round3::Complaint;
use super::state_encoding::{self, JsonDisqualified, JsonParameters, JsonRound1, JsonState};
use super::transcript::{transcript, TranscriptProtocol};
use super::{round1, round4, Message, SessionTag, State, DIGEST_LEN};
use crate::{Commitments, Error, Identifier, SigningShare, VerifyingShare};

/// A confirmation: a digest of the whole public transcript as its sender saw it. To
/// broadcast.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    sender: Identifier,
    session: SessionTag,
    digest: [u8; DIGEST_LEN],
}

impl Package {
    /// A package from its parts (as received).
    pub fn new(sender: Identifier, session: SessionTag, digest: [u8; DIGEST_LEN]) -> Self {
        Package {
            sender,
            session,
            digest,
        }
    }

    /// The member that confirms.
    pub fn sender(&self) -> Identifier {
        self.sender
    }

    /// The session it belongs to.
    pub fn session(&self) -> SessionTag {
        self.session
    }

    /// The transcript digest.
    pub fn digest(&self) -> &[u8; DIGEST_LEN] {
        &self.digest
    }
}

/// `dkg-round5`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    session: String,
    sender: u16,
    digest: String,
}

impl Package {
    /// The `dkg-round5` document (see [`encoding`]), to broadcast:
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "type": "dkg-round5",
    ///   "session": "<64 hex>",
    ///   "sender": 1,
    ///   "digest": "<64 hex>"
    /// }
    /// ```
    pub fn to_json(&self) -> String {
        let (version, kind) = encoding::header(DocumentType::Round5);
        encoding::render(&Document {
            version,
            kind,
            session: encoding::hex(&self.session.to_bytes()),
            sender: self.sender.get(),
            digest: encoding::hex(&self.digest),
        })
    }

    /// Reads a `dkg-round5` document. The session and the digest are checked by
    /// [`finish`](super::finish).
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::Round5, |doc: Document| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::Round5)?;
            Ok(Package {
                session: encoding::session_tag(&doc.session)?,
                sender: encoding::identifier(doc.sender, "sender")?,
                digest: encoding::digest(&doc.digest, "digest")?,
            })
        })
    }
}

impl Message for Package {
    fn sender(&self) -> Identifier {
        self.sender
    }

    fn session(&self) -> SessionTag {
        self.session
    }
}

/// A participant's secret state after round 5: its key material, not yet confirmed. Consumed
/// by [`finish`](super::finish).
///
/// Not `Clone`; secrets are zeroized on drop and `Debug` omits them.
///
/// Equality (`PartialEq`) compares each secret scalar in constant time but stops at the first
/// difference: it is there to check a restored state, not to decide anything secret.
#[derive(PartialEq, Eq)]
pub struct SecretPackage {
    pub(super) state: State,
    pub(super) signing_share: SigningShare,
    pub(super) group_commitments: Commitments,
    pub(super) verifying_shares: BTreeMap<Identifier, VerifyingShare>,
    pub(super) confirmation: Package,
}

impl SecretPackage {
    /// This participant.
    pub fn identifier(&self) -> Identifier {
        self.state.identifier()
    }

    /// The qualified set `Q`, ourselves included.
    pub fn qualified(&self) -> &BTreeSet<Identifier> {
        &self.state.qualified
    }

    /// Every disqualified participant, with the reason.
    pub fn disqualified(&self) -> &BTreeMap<Identifier, Error> {
        &self.state.disqualified
    }

    /// Our confirmation (what was broadcast).
    pub fn package(&self) -> &Package {
        &self.confirmation
    }

    /// The `dkg-state-5` document (see [`encoding`]): the parameters, the
    /// round-1 packages, the disqualified, our `signing_share` and the `digest` we confirmed.
    /// The polynomial is gone; the group commitments and verifying shares are not stored but
    /// recomputed from the qualified dealers' commitments. **Secret**: the CLI writes it with
    /// mode 0600, and deletes or renames it once the key package is written.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = encoding::header(DocumentType::State5);
        let JsonState {
            parameters,
            round1,
            disqualified,
            ..
        } = JsonState::encode(&self.state);
        encoding::render_secret(&StateDocument {
            version,
            kind,
            parameters,
            round1,
            disqualified,
            signing_share: encoding::secret_scalar_hex(self.signing_share.secret()),
            digest: encoding::hex(&self.confirmation.digest),
        })
    }

    /// Reads a `dkg-state-5` document, checking it as the earlier states (but without
    /// coefficients), and the signing share against the recomputed group commitments.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::State5, |doc: StateDocument| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::State5)?;
            let state = state_encoding::decode_state(
                DocumentType::State5,
                &doc.parameters,
                None,
                &doc.round1,
                &doc.disqualified,
            )?;
            let me = state.identifier();
            let group_commitments =
                group_commitments(&state).map_err(|_| DocumentDefect::Inconsistent("round1"))?;
            let secret = encoding::secret_scalar(&doc.signing_share, "signing_share")?;
            let signing_share = SigningShare::new(me, secret.expose());
            if group_commitments.verify_share(&signing_share).is_err() {
                return Err(DocumentDefect::Inconsistent("signing_share"));
            }
            let verifying_shares = verifying_shares(&state, &group_commitments);
            let confirmation = Package {
                sender: me,
                session: state.params.session,
                digest: encoding::digest(&doc.digest, "digest")?,
            };
            Ok(SecretPackage {
                state,
                signing_share,
                group_commitments,
                verifying_shares,
                confirmation,
            })
        })
    }
}

/// `dkg-state-5`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct StateDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    #[serde(deserialize_with = "encoding::object")]
    parameters: JsonParameters,
    #[serde(deserialize_with = "encoding::objects")]
    round1: Vec<JsonRound1>,
    #[serde(deserialize_with = "encoding::objects")]
    disqualified: Vec<JsonDisqualified>,
    signing_share: Zeroizing<String>,
    digest: String,
}

impl fmt::Debug for SecretPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("round5::SecretPackage")
            .field("identifier", &self.state.identifier())
            .field("qualified", &self.state.qualified)
            .field("signing_share", &self.signing_share)
            .field("confirmation", &self.confirmation)
            .finish_non_exhaustive()
    }
}

/// Round 5: checks every justification against the accused dealer's commitments,
/// `f_i(j) * P1 == sum_k C_ik * j^k`, and disqualifies each dealer that left a complaint
/// unanswered ([`Error::UnansweredComplaint`]) or revealed a wrong share
/// ([`Error::InvalidJustification`]). An accuser takes the revealed share in place of the one
/// it complained about.
///
/// Then, over the qualified set `Q`: the signing share `sum_{j in Q} f_j(i)`, the group
/// commitments `sum_{j in Q} C_jk`, every member's verifying share, and the digest of the
/// public transcript (session, every round-1 package, the complaints in force, the
/// justifications, `Q`, the disqualified and the group commitments), returned as the
/// confirmation to broadcast.
///
/// `justifications` are the [`round4::Package`]s received (ours may be among them); pass an
/// empty slice when [`round4::SecretPackage::awaited_justifications`] is empty.
///
/// # Errors
/// [`Error::TooManyDisqualified`] when fewer than `min_signers` participants remain;
/// [`Error::UnknownParticipant`], [`Error::DuplicateParticipant`],
/// [`Error::SessionMismatch`] for misrouted packages (naming the sender).
pub fn part5(
    secret: round4::SecretPackage,
    justifications: &[round4::Package],
) -> Result<(SecretPackage, Package), Error> {
    let round4::SecretPackage {
        mut state,
        mut shares,
        complaints,
        justification,
    } = secret;
    // The justifications are out: the polynomial is no longer needed (dropping zeroizes it).
    state.coefficients.clear();
    let me = state.identifier();
    let received = state.intake(justifications, justification.as_ref())?;

    // Judge each complaint, remembering the revealed shares for the transcript.
    let mut revealed: Vec<(Complaint, Option<Scalar>)> = Vec::with_capacity(complaints.len());
    let mut verdicts: Vec<(Identifier, Error)> = Vec::new();
    for &complaint in &complaints {
        let Complaint { accuser, accused } = complaint;
        let answer = if accused == me {
            justification.as_ref()
        } else {
            received.get(&accused).copied()
        };
        let share = answer.and_then(|package| package.shares().get(&accuser).copied());
        revealed.push((complaint, share));
        let Some(share) = share else {
            verdicts.push((accused, Error::UnansweredComplaint { accused, accuser }));
            continue;
        };
        let valid = match state.round1_package(accused) {
            Some(dealt) => {
                (G1Projective::generator() * share).to_affine()
                    == *dealt.commitments().verifying_share(accuser).point()
            }
            None => false,
        };
        if !valid {
            verdicts.push((accused, Error::InvalidJustification { accused, accuser }));
        } else if accuser == me {
            shares.insert(accused, SecretScalar::new(share));
        }
    }
    for (culprit, reason) in verdicts {
        state.disqualify(culprit, reason);
    }
    state.check_enough_qualified()?;

    // The key material, over Q.
    let mut secret = Scalar::ZERO;
    for &dealer in &state.qualified {
        // Invariant: every dealer still in Q dealt us a valid share, either in round 2 or,
        // after our complaint, in its justification (else it would have been disqualified).
        let share = shares.get(&dealer).ok_or(Error::InvalidShare(dealer))?;
        secret += share.expose();
    }
    let signing_share = SigningShare::new(me, secret);
    let group_commitments = group_commitments(&state)?;
    let verifying_shares = verifying_shares(&state, &group_commitments);
    group_commitments.verify_share(&signing_share)?;

    let digest = transcript_digest(&state, &revealed, &group_commitments);
    let confirmation = Package {
        sender: me,
        session: state.params.session,
        digest,
    };
    Ok((
        SecretPackage {
            state,
            signing_share,
            group_commitments,
            verifying_shares,
            confirmation: confirmation.clone(),
        },
        confirmation,
    ))
}

/// The group commitments `sum_{j in Q} C_jk`.
fn group_commitments(state: &State) -> Result<Commitments, Error> {
    let mut sums = vec![G1Projective::identity(); usize::from(state.params.min_signers)];
    for &dealer in &state.qualified {
        // Invariant: every dealer in Q has a round-1 package with exactly min_signers points.
        let dealt = state
            .round1_package(dealer)
            .ok_or(Error::MissingCommitments(dealer))?;
        for (sum, point) in sums.iter_mut().zip(dealt.commitments().points()) {
            *sum += G1Projective::from(point);
        }
    }
    let mut points = vec![G1Affine::default(); sums.len()];
    G1Projective::batch_normalize(&sums, &mut points);
    Commitments::new(points)
}

/// The verifying share of every member of `Q`.
fn verifying_shares(
    state: &State,
    group_commitments: &Commitments,
) -> BTreeMap<Identifier, VerifyingShare> {
    state
        .qualified
        .iter()
        .map(|&id| (id, group_commitments.verifying_share(id)))
        .collect()
}

/// The digest of everything public: what every participant must have seen identically.
fn transcript_digest(
    state: &State,
    revealed: &[(Complaint, Option<Scalar>)],
    group_commitments: &Commitments,
) -> [u8; DIGEST_LEN] {
    let mut t = transcript(b"confirmation");
    t.append_message(b"session", &state.params.session.to_bytes());
    let round1: Vec<&round1::Package> = state
        .params
        .participants
        .iter()
        .filter_map(|&id| state.round1_package(id))
        .collect();
    t.append_len(b"round1-packages", round1.len());
    for package in round1 {
        t.append_identifier(b"dealer", package.sender());
        t.append_commitments(b"commitments", package.commitments());
        t.append_point(b"R", package.proof().commitment());
        t.append_scalar(b"z", package.proof().response());
    }
    t.append_len(b"complaints", revealed.len());
    for (complaint, share) in revealed {
        t.append_identifier(b"accuser", complaint.accuser);
        t.append_identifier(b"accused", complaint.accused);
        match share {
            Some(share) => t.append_scalar(b"revealed", share),
            None => t.append_message(b"unanswered", b""),
        }
    }
    t.append_len(b"qualified", state.qualified.len());
    for &id in &state.qualified {
        t.append_identifier(b"member", id);
    }
    t.append_len(b"disqualified", state.disqualified.len());
    for &id in state.disqualified.keys() {
        t.append_identifier(b"culprit", id);
    }
    t.append_commitments(b"group-commitments", group_commitments);
    let mut digest = [0u8; DIGEST_LEN];
    t.challenge_bytes(b"digest", &mut digest);
    digest
}
