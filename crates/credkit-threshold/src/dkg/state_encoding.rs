//! The JSON form of the state every round carries and of the objects several documents embed
//! (proofs, round-1 packages, parameters, disqualifications, shares). The formats and the
//! rules are in [`encoding`](super::encoding).

use std::collections::{BTreeMap, BTreeSet};

use blstrs::G1Projective;
use credkit_core::SecretScalar;
use group::{Curve, Group};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::encoding::{
    check_header, commitments, commitments_hex, digest, header, hex, identifier, insert_once,
    object, objects, point, point_hex, render_secret, scalar, scalar_hex, secret_scalar,
    secret_scalar_hex, unhex_vec, DocumentDefect, DocumentType,
};
use super::{round1, Parameters, SessionTag, State};
use crate::{Error, Identifier};

/// A proof of knowledge: `{"commitment", "response"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JsonProof {
    commitment: String,
    response: String,
}

impl JsonProof {
    pub(super) fn encode(proof: &round1::ProofOfKnowledge) -> Self {
        JsonProof {
            commitment: point_hex(proof.commitment()),
            response: scalar_hex(proof.response()),
        }
    }

    /// `R` must not be the identity: that is the nonce `k = 0`, which would publish the
    /// dealer's secret, and an honest prover never sends it.
    pub(super) fn decode(&self) -> Result<round1::ProofOfKnowledge, DocumentDefect> {
        Ok(round1::ProofOfKnowledge::new(
            point(&self.commitment, "proof.commitment")?,
            scalar(&self.response, "proof.response")?,
        ))
    }
}

/// A round-1 package inside a state document: `{"sender", "commitments", "proof"}` (the
/// session is the state's).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JsonRound1 {
    sender: u16,
    commitments: Vec<String>,
    #[serde(deserialize_with = "object")]
    proof: JsonProof,
}

impl JsonRound1 {
    fn encode(package: &round1::Package) -> Self {
        JsonRound1 {
            sender: package.sender().get(),
            commitments: commitments_hex(package.commitments()),
            proof: JsonProof::encode(package.proof()),
        }
    }

    fn decode(&self, session: SessionTag) -> Result<round1::Package, DocumentDefect> {
        Ok(round1::Package::new(
            identifier(self.sender, "round1.sender")?,
            session,
            commitments(&self.commitments, "round1.commitments")?,
            self.proof.decode()?,
        ))
    }
}

/// The parameters of a run: `{"session_id", "session", "min_signers", "participants",
/// "identifier"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JsonParameters {
    session_id: String,
    session: String,
    min_signers: u16,
    participants: Vec<u16>,
    identifier: u16,
}

impl JsonParameters {
    pub(super) fn encode(parameters: &Parameters) -> Self {
        JsonParameters {
            session_id: hex(parameters.session_id()),
            session: hex(&parameters.session_tag().to_bytes()),
            min_signers: parameters.min_signers(),
            participants: parameters
                .participants()
                .iter()
                .map(|id| id.get())
                .collect(),
            identifier: parameters.identifier().get(),
        }
    }

    /// The parameters, checked as [`Parameters::new`] does, and the session tag recomputed.
    pub(super) fn decode(&self) -> Result<Parameters, DocumentDefect> {
        let session_id = unhex_vec(&self.session_id, "parameters.session_id")?;
        let session = digest(&self.session, "parameters.session")?;
        let me = identifier(self.identifier, "parameters.identifier")?;
        let participants = self
            .participants
            .iter()
            .map(|&n| identifier(n, "parameters.participants"))
            .collect::<Result<Vec<_>, _>>()?;
        let parameters = Parameters::new(self.min_signers, me, &participants, &session_id)
            .map_err(|error| match error {
                Error::DuplicateParticipant(identifier) => DocumentDefect::DuplicateIdentifier {
                    field: "parameters.participants",
                    identifier,
                },
                Error::UnknownParticipant(identifier) => DocumentDefect::UnknownIdentifier {
                    field: "parameters.identifier",
                    identifier,
                },
                Error::InvalidMinSigners {
                    min_signers,
                    max_signers,
                } => DocumentDefect::InvalidMinSigners {
                    min_signers,
                    max_signers,
                },
                // `Parameters::new` returns no other error.
                _ => DocumentDefect::Inconsistent("parameters"),
            })?;
        if parameters.session_tag().to_bytes() != session {
            return Err(DocumentDefect::SessionTag);
        }
        Ok(parameters)
    }
}

/// Why a participant was disqualified.
#[derive(Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
enum Reason {
    MissingCommitments,
    WrongCommitmentCount,
    InvalidProofOfKnowledge,
    MissingComplaints,
    UnansweredComplaint,
    InvalidJustification,
    /// Never written: the DKG disqualifies for the six reasons above only. Should another
    /// ever reach `to_json`, the document is refused on reading rather than misread.
    Other,
}

/// A disqualified participant: `{"participant", "reason"}`, plus `"found"` for
/// `wrong-commitment-count` and `"accuser"` for `unanswered-complaint` and
/// `invalid-justification`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JsonDisqualified {
    participant: u16,
    reason: Reason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    found: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    accuser: Option<u16>,
}

/// The disqualified, in increasing order.
pub(super) fn disqualified_entries(
    disqualified: &BTreeMap<Identifier, Error>,
) -> Vec<JsonDisqualified> {
    disqualified
        .iter()
        .map(|(culprit, error)| {
            let (reason, found, accuser) = match error {
                Error::MissingCommitments(_) => (Reason::MissingCommitments, None, None),
                Error::WrongCommitmentCount { found, .. } => {
                    (Reason::WrongCommitmentCount, Some(*found), None)
                }
                Error::InvalidProofOfKnowledge(_) => (Reason::InvalidProofOfKnowledge, None, None),
                Error::MissingComplaints(_) => (Reason::MissingComplaints, None, None),
                Error::UnansweredComplaint { accuser, .. } => {
                    (Reason::UnansweredComplaint, None, Some(accuser.get()))
                }
                Error::InvalidJustification { accuser, .. } => {
                    (Reason::InvalidJustification, None, Some(accuser.get()))
                }
                _ => (Reason::Other, None, None),
            };
            JsonDisqualified {
                participant: culprit.get(),
                reason,
                found,
                accuser,
            }
        })
        .collect()
}

/// The disqualified with their reasons; `min_signers` is the `expected` of
/// [`Error::WrongCommitmentCount`]. Membership is the caller's to check.
pub(super) fn disqualified(
    entries: &[JsonDisqualified],
    min_signers: u16,
) -> Result<BTreeMap<Identifier, Error>, DocumentDefect> {
    const FIELD: &str = "disqualified";
    let mut map = BTreeMap::new();
    for entry in entries {
        let culprit = identifier(entry.participant, "disqualified.participant")?;
        let accuser = entry
            .accuser
            .map(|n| identifier(n, "disqualified.accuser"))
            .transpose()?;
        let error = match (entry.reason, entry.found, accuser) {
            (Reason::MissingCommitments, None, None) => Error::MissingCommitments(culprit),
            (Reason::WrongCommitmentCount, Some(found), None) => Error::WrongCommitmentCount {
                culprit,
                expected: usize::from(min_signers),
                found,
            },
            (Reason::InvalidProofOfKnowledge, None, None) => {
                Error::InvalidProofOfKnowledge(culprit)
            }
            (Reason::MissingComplaints, None, None) => Error::MissingComplaints(culprit),
            (Reason::UnansweredComplaint, None, Some(accuser)) => Error::UnansweredComplaint {
                accused: culprit,
                accuser,
            },
            (Reason::InvalidJustification, None, Some(accuser)) => Error::InvalidJustification {
                accused: culprit,
                accuser,
            },
            _ => return Err(DocumentDefect::Inconsistent(FIELD)),
        };
        insert_once(&mut map, culprit, error, FIELD)?;
    }
    Ok(map)
}

/// The identifiers an error of [`disqualified`] names besides its culprit.
fn accuser_of(error: &Error) -> Option<Identifier> {
    match error {
        Error::UnansweredComplaint { accuser, .. }
        | Error::InvalidJustification { accuser, .. } => Some(*accuser),
        _ => None,
    }
}

// ---- the state every round carries ----

/// The fields of [`State`] in a state document.
pub(super) struct JsonState {
    pub(super) parameters: JsonParameters,
    pub(super) coefficients: Vec<Zeroizing<String>>,
    pub(super) round1: Vec<JsonRound1>,
    pub(super) disqualified: Vec<JsonDisqualified>,
}

impl JsonState {
    /// Splits a state into its document fields; `coefficients` is empty once round 5 cleared
    /// them.
    pub(super) fn encode(state: &State) -> Self {
        JsonState {
            parameters: JsonParameters::encode(&state.params),
            coefficients: state.coefficients.iter().map(secret_scalar_hex).collect(),
            round1: state
                .params
                .participants
                .iter()
                .filter_map(|&id| state.round1_package(id))
                .map(JsonRound1::encode)
                .collect(),
            disqualified: disqualified_entries(&state.disqualified),
        }
    }
}

/// Whether a state document of type `document` may hold a disqualification for `reason`:
/// none after round 1, those of round 2 after rounds 2 and 3, also those of round 4 after
/// round 4, all after round 5.
fn reason_allowed(document: DocumentType, reason: &Error) -> bool {
    let round = match reason {
        Error::MissingCommitments(_)
        | Error::WrongCommitmentCount { .. }
        | Error::InvalidProofOfKnowledge(_) => 2,
        Error::MissingComplaints(_) => 4,
        _ => 5,
    };
    let reached = match document {
        DocumentType::State2 | DocumentType::State3 => 2,
        DocumentType::State4 => 4,
        DocumentType::State5 => 5,
        _ => 0,
    };
    round <= reached
}

/// Rebuilds the [`State`] of a state document of type `document`, checking it against
/// itself:
///
/// - the parameters as [`Parameters::new`] checks them, and the session tag;
/// - `coefficients` (given for `dkg-state-1` to `dkg-state-4` only) exactly `min_signers`
///   canonical scalars whose commitments are our own round-1 package's, whose proof must
///   verify;
/// - `round1`: packages from participants, at most one each, ours among them, only ours in
///   `dkg-state-1`, and afterwards a valid one from every qualified participant (round 2
///   disqualified every dealer without one);
/// - `disqualified`: participants other than ourselves, accusers that are participants,
///   reasons that the rounds run so far can give, and enough participants left.
pub(super) fn decode_state(
    document: DocumentType,
    parameters: &JsonParameters,
    coefficients: Option<&[Zeroizing<String>]>,
    round1: &[JsonRound1],
    disqualified_entries: &[JsonDisqualified],
) -> Result<State, DocumentDefect> {
    let params = parameters.decode()?;
    let me = params.identifier();
    let session = params.session_tag();

    let coefficients = match (coefficients, document) {
        (
            Some(texts),
            DocumentType::State1
            | DocumentType::State2
            | DocumentType::State3
            | DocumentType::State4,
        ) => {
            if texts.len() != usize::from(params.min_signers()) {
                return Err(DocumentDefect::Inconsistent("coefficients"));
            }
            texts
                .iter()
                .map(|text| secret_scalar(text, "coefficients"))
                .collect::<Result<Vec<_>, _>>()?
        }
        (None, DocumentType::State5) => Vec::new(),
        // Invariant: the callers pass coefficients exactly for these stages.
        _ => return Err(DocumentDefect::Inconsistent("coefficients")),
    };

    let mut packages = BTreeMap::new();
    for entry in round1 {
        let package = entry.decode(session)?;
        let sender = package.sender();
        if !params.participants().contains(&sender) {
            return Err(DocumentDefect::UnknownIdentifier {
                field: "round1",
                identifier: sender,
            });
        }
        insert_once(&mut packages, sender, package, "round1")?;
    }
    let own = packages
        .remove(&me)
        .ok_or(DocumentDefect::Inconsistent("round1"))?;
    own.check(session, params.min_signers())
        .map_err(|_| DocumentDefect::Inconsistent("round1"))?;
    if !coefficients.is_empty() {
        let committed = coefficients
            .iter()
            .zip(own.commitments().points())
            .all(|(a, c)| (G1Projective::generator() * a.expose()).to_affine() == *c);
        if !committed {
            return Err(DocumentDefect::Inconsistent("coefficients"));
        }
    }

    let disqualified = disqualified(disqualified_entries, params.min_signers())?;
    for (&culprit, reason) in &disqualified {
        for id in core::iter::once(culprit).chain(accuser_of(reason)) {
            if !params.participants().contains(&id) {
                return Err(DocumentDefect::UnknownIdentifier {
                    field: "disqualified",
                    identifier: id,
                });
            }
        }
        if culprit == me || !reason_allowed(document, reason) {
            return Err(DocumentDefect::Inconsistent("disqualified"));
        }
    }
    let qualified: BTreeSet<Identifier> = params
        .participants()
        .iter()
        .copied()
        .filter(|id| !disqualified.contains_key(id))
        .collect();
    if qualified.len() < usize::from(params.min_signers()) {
        return Err(DocumentDefect::Inconsistent("disqualified"));
    }
    if document == DocumentType::State1 {
        if !packages.is_empty() {
            return Err(DocumentDefect::Inconsistent("round1"));
        }
    } else {
        for id in qualified.iter().filter(|&&id| id != me) {
            let valid = packages
                .get(id)
                .is_some_and(|package| package.check(session, params.min_signers()).is_ok());
            if !valid {
                return Err(DocumentDefect::Inconsistent("round1"));
            }
        }
    }

    Ok(State {
        params,
        coefficients,
        own,
        round1: packages,
        qualified,
        disqualified,
    })
}

/// `dkg-state-1` and `dkg-state-2`: the state while the polynomial is held and no share was
/// received.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct PolynomialStateDocument {
    pub(super) version: u64,
    #[serde(rename = "type")]
    pub(super) kind: String,
    #[serde(deserialize_with = "object")]
    pub(super) parameters: JsonParameters,
    pub(super) coefficients: Vec<Zeroizing<String>>,
    #[serde(deserialize_with = "objects")]
    pub(super) round1: Vec<JsonRound1>,
    #[serde(deserialize_with = "objects")]
    pub(super) disqualified: Vec<JsonDisqualified>,
}

impl PolynomialStateDocument {
    pub(super) fn encode(state: &State, document: DocumentType) -> Zeroizing<String> {
        let (version, kind) = header(document);
        let JsonState {
            parameters,
            coefficients,
            round1,
            disqualified,
        } = JsonState::encode(state);
        render_secret(&PolynomialStateDocument {
            version,
            kind,
            parameters,
            coefficients,
            round1,
            disqualified,
        })
    }

    pub(super) fn decode(self, document: DocumentType) -> Result<State, DocumentDefect> {
        check_header(self.version, &self.kind, document)?;
        decode_state(
            document,
            &self.parameters,
            Some(&self.coefficients),
            &self.round1,
            &self.disqualified,
        )
    }
}

/// Shares by dealer: `{"dealer", "share"}`, secret.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct JsonShare {
    dealer: u16,
    share: Zeroizing<String>,
}

/// The shares we accepted, by dealer.
pub(super) fn shares_entries(shares: &BTreeMap<Identifier, SecretScalar>) -> Vec<JsonShare> {
    shares
        .iter()
        .map(|(dealer, share)| JsonShare {
            dealer: dealer.get(),
            share: secret_scalar_hex(share),
        })
        .collect()
}

/// The accepted shares `f_j(i)`: from dealers that were qualified after round 2, at most one
/// each, ours included, each matching its dealer's commitments at our identifier.
pub(super) fn shares(
    entries: &[JsonShare],
    state: &State,
) -> Result<BTreeMap<Identifier, SecretScalar>, DocumentDefect> {
    const FIELD: &str = "shares";
    let me = state.identifier();
    let mut map = BTreeMap::new();
    for entry in entries {
        let dealer = identifier(entry.dealer, "shares.dealer")?;
        // A dealer whose share we accepted was qualified after round 2; round 4 may since
        // have disqualified it for sending no complaints.
        let dealt = match state.disqualified.get(&dealer) {
            None | Some(Error::MissingComplaints(_)) => state.round1_package(dealer),
            Some(_) => None,
        };
        let Some(dealt) = dealt else {
            return Err(DocumentDefect::UnknownIdentifier {
                field: FIELD,
                identifier: dealer,
            });
        };
        let share = secret_scalar(&entry.share, "shares.share")?;
        let found = (G1Projective::generator() * share.expose()).to_affine();
        if found != *dealt.commitments().verifying_share(me).point() {
            return Err(DocumentDefect::Inconsistent(FIELD));
        }
        insert_once(&mut map, dealer, share, FIELD)?;
    }
    if !map.contains_key(&me) {
        return Err(DocumentDefect::Inconsistent(FIELD));
    }
    Ok(map)
}
