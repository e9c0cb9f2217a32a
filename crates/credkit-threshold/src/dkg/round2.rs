//! Round 2 (private): check the others' commitments and proofs, disqualify the culprits, and
//! deal a share to every remaining participant.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use blstrs::Scalar;
use credkit_core::SecretScalar;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::encoding::{self, DocumentType};
use super::state_encoding::PolynomialStateDocument;
use super::{round1, Message, SessionTag, State};
use crate::{Error, Identifier};

/// A share `f_i(j)` from dealer `i` for member `j`: to send over a **confidential and
/// authenticated** channel to `j` only (the transport is the caller's job).
///
/// The share is zeroized on drop; `Debug` omits it.
#[derive(Clone, PartialEq, Eq)]
pub struct Package {
    sender: Identifier,
    recipient: Identifier,
    session: SessionTag,
    share: SecretScalar,
}

impl Package {
    /// A package from its parts (as received).
    pub fn new(
        sender: Identifier,
        recipient: Identifier,
        session: SessionTag,
        share: Scalar,
    ) -> Self {
        Package {
            sender,
            recipient,
            session,
            share: SecretScalar::new(share),
        }
    }

    /// The dealer `i`.
    pub fn sender(&self) -> Identifier {
        self.sender
    }

    /// The member `j`.
    pub fn recipient(&self) -> Identifier {
        self.recipient
    }

    /// The session it belongs to.
    pub fn session(&self) -> SessionTag {
        self.session
    }

    /// The share `f_i(j)`.
    pub fn share(&self) -> &SecretScalar {
        &self.share
    }
}

impl fmt::Debug for Package {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("round2::Package")
            .field("sender", &self.sender)
            .field("recipient", &self.recipient)
            .field("share", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// `dkg-round2`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    session: String,
    sender: u16,
    recipient: u16,
    share: Zeroizing<String>,
}

impl Package {
    /// The `dkg-round2` document (see [`encoding`]):
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "type": "dkg-round2",
    ///   "session": "<64 hex>",
    ///   "sender": 1,
    ///   "recipient": 2,
    ///   "share": "<64 hex: f_1(2)>"
    /// }
    /// ```
    ///
    /// **Secret**: send it to its recipient only, encrypted and authenticated; if it touches
    /// a disk, with mode 0600.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = encoding::header(DocumentType::Round2);
        encoding::render_secret(&Document {
            version,
            kind,
            session: encoding::hex(&self.session.to_bytes()),
            sender: self.sender.get(),
            recipient: self.recipient.get(),
            share: encoding::secret_scalar_hex(&self.share),
        })
    }

    /// Reads a `dkg-round2` document (the share a canonical scalar). The session, the
    /// recipient and the share's value are checked by [`part3`](super::round3::part3).
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`](super::DocumentDefect).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::Round2, |doc: Document| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::Round2)?;
            Ok(Package {
                session: encoding::session_tag(&doc.session)?,
                sender: encoding::identifier(doc.sender, "sender")?,
                recipient: encoding::identifier(doc.recipient, "recipient")?,
                share: encoding::secret_scalar(&doc.share, "share")?,
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

/// A participant's secret state after round 2. Consumed by
/// [`round3::part3`](super::round3::part3).
///
/// Not `Clone`; secrets are zeroized on drop and `Debug` omits them.
///
/// Equality (`PartialEq`) compares each secret scalar in constant time but stops at the first
/// difference: it is there to check a restored state, not to decide anything secret.
#[derive(PartialEq, Eq)]
pub struct SecretPackage {
    pub(super) state: State,
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

    /// The participants disqualified in round 1, with the reason.
    pub fn disqualified(&self) -> &BTreeMap<Identifier, Error> {
        &self.state.disqualified
    }

    /// The `dkg-state-2` document (see [`encoding`]): our polynomial and the
    /// round-1 packages received. **Secret**: the CLI writes it with mode 0600, and deletes
    /// or renames it once round 3 has written its own state.
    pub fn to_json(&self) -> Zeroizing<String> {
        PolynomialStateDocument::encode(&self.state, DocumentType::State2)
    }

    /// Reads a `dkg-state-2` document, checking it against itself: the parameters and session
    /// tag, the coefficients against our own commitments and proof, the packages' senders,
    /// and the disqualified.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`](super::DocumentDefect).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(
            json,
            DocumentType::State2,
            |doc: PolynomialStateDocument| {
                let state = doc.decode(DocumentType::State2)?;
                Ok(SecretPackage { state })
            },
        )
    }
}

impl fmt::Debug for SecretPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("round2::SecretPackage")
            .field("identifier", &self.state.identifier())
            .field("qualified", &self.state.qualified)
            .field("coefficients", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Round 2: checks every other participant's [`round1::Package`] and deals the shares.
///
/// `packages` are the round-1 packages received (ours may be among them). A participant whose
/// package is missing ([`Error::MissingCommitments`]), does not hold exactly `min_signers`
/// commitments ([`Error::WrongCommitmentCount`]) or whose proof of knowledge fails
/// ([`Error::InvalidProofOfKnowledge`]) is disqualified: it gets no share and is ignored from
/// now on (see [`SecretPackage::disqualified`]).
///
/// Returns one [`Package`] per remaining participant, keyed by recipient, each to be sent to
/// its recipient **privately**.
///
/// # Errors
/// [`Error::TooManyDisqualified`] when fewer than `min_signers` participants remain;
/// [`Error::UnknownParticipant`], [`Error::DuplicateParticipant`],
/// [`Error::SessionMismatch`] for misrouted packages (naming the sender).
pub fn part2(
    secret: round1::SecretPackage,
    packages: &[round1::Package],
) -> Result<(SecretPackage, BTreeMap<Identifier, Package>), Error> {
    let mut state = secret.state;
    let received = state.intake(packages, Some(&state.own))?;
    let received: BTreeMap<Identifier, round1::Package> = received
        .into_iter()
        .map(|(id, package)| (id, package.clone()))
        .collect();
    let others: Vec<Identifier> = state.others().collect();
    for id in others {
        let verdict = match received.get(&id) {
            None => Err(Error::MissingCommitments(id)),
            Some(package) => package.check(state.params.session, state.params.min_signers),
        };
        if let Err(reason) = verdict {
            state.disqualify(id, reason);
        }
    }
    state.round1 = received;
    state.check_enough_qualified()?;

    let me = state.identifier();
    let shares = state
        .others()
        .map(|recipient| {
            let package = Package {
                sender: me,
                recipient,
                session: state.params.session,
                share: state.evaluate(recipient),
            };
            (recipient, package)
        })
        .collect();
    Ok((SecretPackage { state }, shares))
}
