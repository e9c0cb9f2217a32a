//! Distributed key generation without a dealer: joint-Feldman (Pedersen) DKG with proofs of
//! knowledge, complaints, justifications, disqualification and a confirmation round.
//!
//! `max_signers` participants jointly create a group key such that any `min_signers` of them
//! can sign, and no one (no dealer, no coalition of fewer than `min_signers`) ever learns the
//! group secret. The protocol is the joint-Feldman DKG of Pedersen ("A Threshold
//! Cryptosystem without a Trusted Party", Eurocrypt 1991) with complaints, public
//! justifications and disqualification as analysed by Gennaro, Jarecki, Krawczyk and Rabin
//! ("Secure Distributed Key Generation for Discrete-Log Based Cryptosystems", J. Cryptology
//! 2007), plus the proof of knowledge of the constant term of Komlo and Goldberg (FROST, SAC
//! 2020, KeyGen round 1), which stops a dealer from choosing its commitment as a function of
//! the others' (a rogue-key attack).
//!
//! ## Symbols
//!
//! | paper          | code                                              |
//! |----------------|---------------------------------------------------|
//! | `t`            | `min_signers`                                     |
//! | `n`            | `max_signers`, the number of participants          |
//! | `f_i(x) = sum a_ik x^k` | participant `i`'s secret polynomial (degree `t - 1`) |
//! | `C_ik = a_ik * P1` | [`round1::Package::commitments`]              |
//! | `s_ij = f_i(j)` | [`round2::Package::share`], from dealer `i` to member `j` |
//! | `QUAL`         | [`KeyPackage::verifying_shares`]' keys, the qualified set `Q` |
//! | `x_j = sum_{i in Q} s_ij` | [`KeyPackage::signing_share`]          |
//! | `y = sum_{i in Q} C_i0`   | [`KeyPackage::group_public_key`]       |
//!
//! ## The protocol, round by round
//!
//! Each round is a function that consumes the previous round's secret state, so no round can
//! be run twice or out of order, and returns the next state and this round's message(s).
//!
//! | round | function            | message                                   | channel   |
//! |-------|---------------------|-------------------------------------------|-----------|
//! | 1     | [`round1::part1`]   | [`round1::Package`]: `C_i0..C_i,t-1`, proof of knowledge of `a_i0` | broadcast |
//! | 2     | [`round2::part2`]   | [`round2::Package`]: the share `f_i(j)`, one per member `j` | **private** |
//! | 3     | [`round3::part3`]   | [`round3::Package`]: complaints (usually none) | broadcast |
//! | 4     | [`round4::part4`]   | [`round4::Package`]: justifications, only from accused dealers | broadcast |
//! | 5     | [`round5::part5`]   | [`round5::Package`]: digest of the public transcript | broadcast |
//! | —     | [`finish`]          | a [`KeyPackage`]                          | —         |
//!
//! 1. **Commit.** Participant `i` draws a random polynomial `f_i` of degree `min_signers - 1`,
//!    broadcasts the Feldman commitments `C_ik = a_ik * P1` and a Schnorr proof of knowledge of
//!    `a_i0` whose challenge binds the session, `i` and all of `C_i` (merlin transcript,
//!    domain label `credkit-threshold/dkg/v1`).
//! 2. **Deal.** Each participant checks every other's package. A participant whose package is
//!    missing ([`Error::MissingCommitments`]), has other than `min_signers` commitments
//!    ([`Error::WrongCommitmentCount`]) or whose proof fails ([`Error::InvalidProofOfKnowledge`])
//!    is disqualified. Every remaining participant `i` sends `f_i(j)` privately to every
//!    remaining `j`.
//! 3. **Complain.** Member `j` checks `f_i(j) * P1 == sum_k C_ik * j^k` for each dealer `i`; a
//!    missing or wrong share becomes a [`round3::Complaint`] `{ accuser: j, accused: i }`.
//!    Everyone broadcasts its complaints, an empty list included, so that everyone knows the
//!    round is over. A qualified participant whose complaints package is missing is
//!    disqualified ([`Error::MissingComplaints`]).
//! 4. **Justify.** A dealer accused by `j` answers by broadcasting the share `f_i(j)` it owes
//!    `j`. If nobody complained, nobody sends anything and round 4 ends at once (every
//!    participant saw the same complaints, so all agree on that).
//! 5. **Confirm.** Everyone checks every justification against the dealer's commitments; a
//!    dealer that left a complaint unanswered ([`Error::UnansweredComplaint`]) or revealed a
//!    wrong share ([`Error::InvalidJustification`]) is disqualified. An accuser takes the
//!    revealed share in place of the bad one. The qualified set `Q` is now fixed: the group key
//!    is `sum_{i in Q} C_i0`, member `j`'s signing share `sum_{i in Q} f_i(j)`, and the
//!    verifying shares are computed from the summed commitments. Everyone broadcasts a digest
//!    of the whole public transcript (every round-1 package, the complaints, the
//!    justifications, `Q`, the disqualified and the group commitments).
//! 6. **Finish.** [`finish`] checks that every member of `Q` confirmed the same digest and
//!    names those who did not ([`Error::TranscriptMismatch`]).
//!
//! Disqualified participants are dropped from the rest of the protocol and from the group:
//! they receive no shares after their disqualification, their messages are ignored and their
//! confirmation is not awaited. The reason for each disqualification is kept as the typed
//! error that names the culprit ([`KeyPackage::disqualified`], and `disqualified()` on each
//! round's secret state for callers who prefer to abort early). The DKG fails with
//! [`Error::TooManyDisqualified`] as soon as fewer than `min_signers` participants remain, so
//! with `max_signers >= 2 * min_signers - 1` it completes despite up to `min_signers - 1`
//! participants misbehaving in rounds 1 to 4. The confirmation round is not robust, by
//! design: a qualified member that confirms another transcript (or none) stops the run, and
//! is named.
//!
//! Errors that are not disqualifications abort the run: caller misuse or misrouted messages
//! ([`Error::UnknownParticipant`], [`Error::DuplicateParticipant`],
//! [`Error::SessionMismatch`], [`Error::MisaddressedShare`]) and the end states above.
//!
//! ## What the caller must provide
//!
//! - **A private channel for round 2**, confidential and authenticated (for instance TLS or
//!   HPKE between devices). This module only computes the shares; whoever reads the round-2
//!   traffic of a member learns most of its signing share, and `min_signers` evaluations of
//!   every dealer's polynomial give away the group secret.
//! - **An authenticated broadcast for rounds 1, 3, 4 and 5**: every participant must receive
//!   the same message from a given sender. If the channel lets a sender equivocate, the
//!   confirmation round detects it ([`Error::TranscriptMismatch`]) but cannot repair it.
//! - **A timeout per round.** Each round takes the packages that arrived; a missing package is
//!   handled as described above.
//! - **A session id unique to this run** (for instance 32 random bytes chosen by the
//!   coordinator, or the group's name and a counter). It is bound, with `min_signers` and the
//!   participant list, into every proof and digest; packages of another session are rejected
//!   with [`Error::SessionMismatch`].
//!
//! ## Security notes
//!
//! - Not audited.
//! - Justifications publish `f_i(j)`. That tells the adversary nothing new: either the accuser
//!   `j` is corrupt and already knew `f_i(j)`, or the dealer `i` is, and chose it.
//! - A participant disqualified in round 5 did receive its shares in round 2, so it can still
//!   compute a valid share of the group key. It is left out of the verifying shares (combiners
//!   reject its partial signatures), but secrecy is only ever promised against fewer than
//!   `min_signers` corrupt participants, disqualified ones included.
//! - As in every joint-Feldman DKG, a corrupt participant can bias the group key's
//!   distribution by choosing, after seeing the others' commitments, whether to get itself
//!   disqualified (GJKR 2007). Threshold BLS signatures remain unforgeable under
//!   such a key (Gennaro, Jarecki, Krawczyk, Rabin, "Secure Applications of Pedersen's
//!   Distributed Key Generation Protocol", CT-RSA 2003); use a Pedersen-VSS-based DKG where a
//!   uniformly random key is required.
//! - Secret values (polynomial coefficients, the proof nonce, shares) are held as
//!   [`SecretScalar`]s and zeroized on drop; the `Debug` output of secret states and shares
//!   is redacted. Polynomial evaluation and share sums use blst's constant-time scalar
//!   arithmetic; checks of public data (proofs, commitments) run in variable time.
//! - Secret states are not `Clone`: each round consumes its input, so a state cannot be fed to
//!   a round twice. A state written to a file ([`encoding`]) can be read back twice; that is
//!   harmless, since every round after round 1 is a deterministic function of its state and
//!   its inputs (see [`encoding`], "Stopping and resuming").
//!
//! ## Rounds as separate processes
//!
//! Every package, every secret state between rounds and the [`KeyPackage`] has `to_json` and
//! `from_json`: the formats, the checks made on reading and the rules for state files are in
//! [`encoding`].
//!
//! ## Example: an honest 2-of-3 run
//!
//! ```
//! use std::collections::BTreeMap;
//!
//! use credkit_threshold::{dkg, Identifier};
//!
//! let ids = [Identifier::new(1)?, Identifier::new(2)?, Identifier::new(3)?];
//! let session_id = b"ward 7 upload key, run 1";
//!
//! // Round 1: each participant broadcasts its commitments and proof of knowledge.
//! let mut states = BTreeMap::new();
//! let mut round1 = Vec::new();
//! for &id in &ids {
//!     let parameters = dkg::Parameters::new(2, id, &ids, session_id)?;
//!     let (state, package) = dkg::round1::part1(parameters);
//!     states.insert(id, state);
//!     round1.push(package);
//! }
//!
//! // Round 2: each participant sends every other one its share, over a private channel.
//! let mut next = BTreeMap::new();
//! let mut inboxes: BTreeMap<Identifier, Vec<dkg::round2::Package>> = BTreeMap::new();
//! for (id, state) in states {
//!     let (state, shares) = dkg::round2::part2(state, &round1)?;
//!     for (recipient, share) in shares {
//!         inboxes.entry(recipient).or_default().push(share);
//!     }
//!     next.insert(id, state);
//! }
//!
//! // Round 3: each participant broadcasts its complaints (none in an honest run).
//! let mut states = BTreeMap::new();
//! let mut round3 = Vec::new();
//! for (id, state) in next {
//!     let (state, complaints) = dkg::round3::part3(state, &inboxes[&id])?;
//!     assert!(complaints.accused().is_empty());
//!     states.insert(id, state);
//!     round3.push(complaints);
//! }
//!
//! // Round 4: accused dealers broadcast justifications (nobody is accused here).
//! let mut next = BTreeMap::new();
//! let mut round4 = Vec::new();
//! for (id, state) in states {
//!     let (state, justification) = dkg::round4::part4(state, &round3)?;
//!     round4.extend(justification);
//!     next.insert(id, state);
//! }
//!
//! // Round 5: each participant broadcasts a digest of the public transcript.
//! let mut states = BTreeMap::new();
//! let mut round5 = Vec::new();
//! for (id, state) in next {
//!     let (state, confirmation) = dkg::round5::part5(state, &round4)?;
//!     states.insert(id, state);
//!     round5.push(confirmation);
//! }
//!
//! // Finish: everyone checks the confirmations and holds the same group key.
//! let mut keys = Vec::new();
//! for (_, state) in states {
//!     keys.push(dkg::finish(state, &round5)?);
//! }
//! assert!(keys.iter().all(|k| k.group_public_key() == keys[0].group_public_key()));
//! assert!(keys.iter().all(|k| k.disqualified().is_empty()));
//! # Ok::<(), credkit_threshold::Error>(())
//! ```
//!
//! A package from another session is refused:
//!
//! ```
//! use credkit_threshold::{dkg, Error, Identifier};
//!
//! let ids = [Identifier::new(1)?, Identifier::new(2)?];
//! let (mine, _) = dkg::round1::part1(dkg::Parameters::new(2, ids[0], &ids, b"run 1")?);
//! let (_, stray) = dkg::round1::part1(dkg::Parameters::new(2, ids[1], &ids, b"run 2")?);
//! assert_eq!(
//!     dkg::round2::part2(mine, &[stray]).unwrap_err(),
//!     Error::SessionMismatch(ids[1])
//! );
//! # Ok::<(), credkit_threshold::Error>(())
//! ```
//!
//! A round cannot be run twice: its state is moved into it.
//!
//! ```compile_fail,E0382
//! use credkit_threshold::{dkg, Identifier};
//!
//! let ids = [Identifier::new(1)?, Identifier::new(2)?];
//! let (state, package) = dkg::round1::part1(dkg::Parameters::new(2, ids[0], &ids, b"run 1")?);
//! let first = dkg::round2::part2(state, &[package.clone()]);
//! let again = dkg::round2::part2(state, &[package]); // use of moved value `state`
//! # Ok::<(), credkit_threshold::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use blstrs::Scalar;
use credkit_core::SecretScalar;
use ff::Field;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use crate::bls::PublicKey;
use crate::{Commitments, Error, Identifier, SigningShare, VerifyingShare};

pub mod encoding;
pub mod round1;
pub mod round2;
pub mod round3;
pub mod round4;
pub mod round5;
mod state_encoding;
mod transcript;

pub use encoding::{DocumentDefect, DocumentType};

use transcript::{transcript, TranscriptProtocol};

/// The length of a [`SessionTag`] and of a confirmation digest.
pub const DIGEST_LEN: usize = 32;

/// A digest of the session id, `min_signers` and the participant list, carried by every
/// package so that a package of another session is recognised at once.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SessionTag([u8; DIGEST_LEN]);

impl SessionTag {
    /// A tag from its bytes (as received).
    pub fn from_bytes(bytes: [u8; DIGEST_LEN]) -> Self {
        SessionTag(bytes)
    }

    /// The bytes.
    pub fn to_bytes(self) -> [u8; DIGEST_LEN] {
        self.0
    }
}

/// What every participant of one DKG run must agree on, plus its own identifier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameters {
    min_signers: u16,
    identifier: Identifier,
    participants: BTreeSet<Identifier>,
    session_id: Vec<u8>,
    session: SessionTag,
}

impl Parameters {
    /// Parameters for participant `identifier` of a `min_signers`-of-`participants.len()` key
    /// generation. `session_id` must be unique to this run and known to every participant
    /// (see the module docs); the order of `participants` does not matter.
    ///
    /// # Errors
    /// [`Error::DuplicateParticipant`] if an identifier is listed twice;
    /// [`Error::UnknownParticipant`] if `identifier` is not listed;
    /// [`Error::InvalidMinSigners`] unless `2 <= min_signers <= participants.len()`.
    pub fn new(
        min_signers: u16,
        identifier: Identifier,
        participants: &[Identifier],
        session_id: &[u8],
    ) -> Result<Self, Error> {
        let mut set = BTreeSet::new();
        for &participant in participants {
            if !set.insert(participant) {
                return Err(Error::DuplicateParticipant(participant));
            }
        }
        if !set.contains(&identifier) {
            return Err(Error::UnknownParticipant(identifier));
        }
        // Distinct nonzero u16 values: at most 65535 of them.
        let max_signers = u16::try_from(set.len()).unwrap_or(u16::MAX);
        if min_signers < 2 || min_signers > max_signers {
            return Err(Error::InvalidMinSigners {
                min_signers,
                max_signers,
            });
        }
        let mut t = transcript(b"session");
        t.append_message(b"session-id", session_id);
        t.append_len(b"min-signers", usize::from(min_signers));
        t.append_len(b"participants", set.len());
        for &participant in &set {
            t.append_identifier(b"participant", participant);
        }
        let mut tag = [0u8; DIGEST_LEN];
        t.challenge_bytes(b"session-tag", &mut tag);
        Ok(Parameters {
            min_signers,
            identifier,
            participants: set,
            session_id: session_id.to_vec(),
            session: SessionTag(tag),
        })
    }

    /// The threshold: how many members a signature needs.
    pub fn min_signers(&self) -> u16 {
        self.min_signers
    }

    /// The number of participants.
    pub fn max_signers(&self) -> u16 {
        // Checked in `new` to fit.
        u16::try_from(self.participants.len()).unwrap_or(u16::MAX)
    }

    /// This participant.
    pub fn identifier(&self) -> Identifier {
        self.identifier
    }

    /// All participants, in increasing order.
    pub fn participants(&self) -> &BTreeSet<Identifier> {
        &self.participants
    }

    /// The session id.
    pub fn session_id(&self) -> &[u8] {
        &self.session_id
    }

    /// The tag every package of this session carries.
    pub fn session_tag(&self) -> SessionTag {
        self.session
    }
}

/// What one participant holds at the end of a successful DKG.
///
/// `Debug` shows no secret (the signing share is redacted); the signing share is zeroized on
/// drop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KeyPackage {
    signing_share: SigningShare,
    group_commitments: Commitments,
    verifying_shares: BTreeMap<Identifier, VerifyingShare>,
    min_signers: u16,
    disqualified: BTreeMap<Identifier, Error>,
    transcript_digest: [u8; DIGEST_LEN],
}

impl KeyPackage {
    /// This member.
    pub fn identifier(&self) -> Identifier {
        self.signing_share.identifier()
    }

    /// This member's secret share of the group key.
    pub fn signing_share(&self) -> &SigningShare {
        &self.signing_share
    }

    /// The group public key, `sum_{i in Q} C_i0`.
    pub fn group_public_key(&self) -> PublicKey {
        self.group_commitments.group_public_key()
    }

    /// The summed commitments `sum_{i in Q} C_ik`: commitments to the group's sharing
    /// polynomial, from which anyone derives a member's verifying share.
    pub fn group_commitments(&self) -> &Commitments {
        &self.group_commitments
    }

    /// The verifying share of every member of the qualified set `Q`, this one included.
    pub fn verifying_shares(&self) -> &BTreeMap<Identifier, VerifyingShare> {
        &self.verifying_shares
    }

    /// The threshold.
    pub fn min_signers(&self) -> u16 {
        self.min_signers
    }

    /// The public data of the group as the dealer's [`crate::dealer::PublicKeyPackage`], for
    /// checking partial signatures and combining them (the group's proof of possession comes
    /// from threshold signing: [`crate::sign::prove_possession`],
    /// [`crate::combine::combine_proof_of_possession`]).
    ///
    /// # Errors
    /// None for a key package this module produced or decoded; the errors of
    /// [`crate::dealer::PublicKeyPackage::new`] otherwise.
    pub fn public_key_package(&self) -> Result<crate::dealer::PublicKeyPackage, Error> {
        let members: Vec<Identifier> = self.verifying_shares.keys().copied().collect();
        crate::dealer::PublicKeyPackage::new(
            self.min_signers,
            self.group_commitments.clone(),
            &members,
        )
    }

    /// The number of members in the group: the qualified participants.
    pub fn max_signers(&self) -> u16 {
        // At most the number of participants, which fits in u16.
        u16::try_from(self.verifying_shares.len()).unwrap_or(u16::MAX)
    }

    /// The disqualified participants, each with the misbehaviour that disqualified it (an
    /// [`Error`] naming it). Empty in an honest run.
    pub fn disqualified(&self) -> &BTreeMap<Identifier, Error> {
        &self.disqualified
    }

    /// The transcript digest every qualified member confirmed.
    pub fn transcript_digest(&self) -> &[u8; DIGEST_LEN] {
        &self.transcript_digest
    }
}

/// `dkg-key-package`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyPackageDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    identifier: u16,
    min_signers: u16,
    max_signers: u16,
    public_key: String,
    commitments: Vec<String>,
    #[serde(deserialize_with = "encoding::objects")]
    verifying_shares: Vec<JsonVerifyingShare>,
    signing_share: Zeroizing<String>,
    transcript_digest: String,
    #[serde(deserialize_with = "encoding::objects")]
    disqualified: Vec<state_encoding::JsonDisqualified>,
}

/// A member's verifying share: `{"identifier", "verifying_share"}`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct JsonVerifyingShare {
    identifier: u16,
    verifying_share: String,
}

impl KeyPackage {
    /// The `dkg-key-package` document (see [`encoding`]): this member's identifier and
    /// signing share, `min_signers`, `max_signers`, the group public key in hex under
    /// `public_key` (as in the threshold CLI's `group.json`), the group commitments, every
    /// member's verifying share, the confirmed transcript digest and the disqualified.
    ///
    /// **Secret** (the signing share): the CLI writes it with mode 0600, never to standard
    /// output.
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "type": "dkg-key-package",
    ///   "identifier": 1,
    ///   "min_signers": 2,
    ///   "max_signers": 3,
    ///   "public_key": "<96 hex>",
    ///   "commitments": ["<96 hex>", "<96 hex>"],
    ///   "verifying_shares": [{ "identifier": 1, "verifying_share": "<96 hex>" }, ...],
    ///   "signing_share": "<64 hex>",
    ///   "transcript_digest": "<64 hex>",
    ///   "disqualified": []
    /// }
    /// ```
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = encoding::header(DocumentType::KeyPackage);
        encoding::render_secret(&KeyPackageDocument {
            version,
            kind,
            identifier: self.identifier().get(),
            min_signers: self.min_signers,
            max_signers: self.max_signers(),
            public_key: encoding::hex(&self.group_public_key().to_bytes()),
            commitments: encoding::commitments_hex(&self.group_commitments),
            verifying_shares: self
                .verifying_shares
                .iter()
                .map(|(id, share)| JsonVerifyingShare {
                    identifier: id.get(),
                    verifying_share: encoding::point_hex(share.point()),
                })
                .collect(),
            signing_share: encoding::secret_scalar_hex(self.signing_share.secret()),
            transcript_digest: encoding::hex(&self.transcript_digest),
            disqualified: state_encoding::disqualified_entries(&self.disqualified),
        })
    }

    /// Reads a `dkg-key-package` document, checking it against itself: `public_key` is
    /// `commitments[0]`, each verifying share the one the commitments give its member,
    /// `max_signers` their number, `min_signers` the number of commitments (at least 2, at
    /// most `max_signers`), the identifier a member, the signing share its verifying share's
    /// secret, and no disqualified participant a member.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::KeyPackage, |doc: KeyPackageDocument| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::KeyPackage)?;
            let me = encoding::identifier(doc.identifier, "identifier")?;
            let group_commitments = encoding::commitments(&doc.commitments, "commitments")?;
            let public_key = encoding::point(&doc.public_key, "public_key")?;
            // `Commitments` are never empty.
            if public_key != group_commitments.points()[0] {
                return Err(DocumentDefect::Inconsistent("public_key"));
            }
            let mut verifying_shares = BTreeMap::new();
            for entry in &doc.verifying_shares {
                let id = encoding::identifier(entry.identifier, "verifying_shares.identifier")?;
                let point = encoding::point_allow_identity(
                    &entry.verifying_share,
                    "verifying_shares.verifying_share",
                )?;
                if point != *group_commitments.verifying_share(id).point() {
                    return Err(DocumentDefect::Inconsistent("verifying_shares"));
                }
                let share = VerifyingShare::new(id, point);
                encoding::insert_once(&mut verifying_shares, id, share, "verifying_shares")?;
            }
            if usize::from(doc.max_signers) != verifying_shares.len() {
                return Err(DocumentDefect::Inconsistent("max_signers"));
            }
            if doc.min_signers < 2 || doc.min_signers > doc.max_signers {
                return Err(DocumentDefect::InvalidMinSigners {
                    min_signers: doc.min_signers,
                    max_signers: doc.max_signers,
                });
            }
            if group_commitments.points().len() != usize::from(doc.min_signers) {
                return Err(DocumentDefect::Inconsistent("commitments"));
            }
            if !verifying_shares.contains_key(&me) {
                return Err(DocumentDefect::UnknownIdentifier {
                    field: "identifier",
                    identifier: me,
                });
            }
            let secret = encoding::secret_scalar(&doc.signing_share, "signing_share")?;
            let signing_share = SigningShare::new(me, secret.expose());
            if group_commitments.verify_share(&signing_share).is_err() {
                return Err(DocumentDefect::Inconsistent("signing_share"));
            }
            let transcript_digest = encoding::digest(&doc.transcript_digest, "transcript_digest")?;
            let disqualified = state_encoding::disqualified(&doc.disqualified, doc.min_signers)?;
            if disqualified
                .keys()
                .any(|id| verifying_shares.contains_key(id))
            {
                return Err(DocumentDefect::Inconsistent("disqualified"));
            }
            Ok(KeyPackage {
                signing_share,
                group_commitments,
                verifying_shares,
                min_signers: doc.min_signers,
                disqualified,
                transcript_digest,
            })
        })
    }
}

/// Checks the confirmations of round 5 and returns this member's [`KeyPackage`].
///
/// `confirmations` are the [`round5::Package`]s received; ours may be among them. Packages from
/// disqualified participants are ignored.
///
/// # Errors
/// [`Error::TranscriptMismatch`] naming every qualified member whose confirmation is missing
/// or differs from ours; [`Error::UnknownParticipant`], [`Error::DuplicateParticipant`],
/// [`Error::SessionMismatch`] for misrouted packages.
pub fn finish(
    secret: round5::SecretPackage,
    confirmations: &[round5::Package],
) -> Result<KeyPackage, Error> {
    let round5::SecretPackage {
        state,
        signing_share,
        group_commitments,
        verifying_shares,
        confirmation,
    } = secret;
    let received = state.intake(confirmations, Some(&confirmation))?;
    let differing: Vec<Identifier> = state
        .others()
        .filter(|id| received.get(id).map(|c| c.digest()) != Some(confirmation.digest()))
        .collect();
    if !differing.is_empty() {
        return Err(Error::TranscriptMismatch(differing));
    }
    Ok(KeyPackage {
        signing_share,
        group_commitments,
        verifying_shares,
        min_signers: state.params.min_signers,
        disqualified: state.disqualified,
        transcript_digest: *confirmation.digest(),
    })
}

/// A message of one round, as far as the intake checks are concerned.
trait Message: PartialEq {
    fn sender(&self) -> Identifier;
    fn session(&self) -> SessionTag;
}

/// What every round carries forward.
#[derive(PartialEq, Eq)]
struct State {
    params: Parameters,
    /// `a_i0, ..., a_i,t-1` (cleared in round 5, once the justifications are out).
    coefficients: Vec<SecretScalar>,
    /// Our round-1 package.
    own: round1::Package,
    /// Every round-1 package received from the others, valid or not, by sender.
    round1: BTreeMap<Identifier, round1::Package>,
    /// The participants not disqualified so far, ourselves included.
    qualified: BTreeSet<Identifier>,
    /// The disqualified, with the reason.
    disqualified: BTreeMap<Identifier, Error>,
}

impl State {
    fn identifier(&self) -> Identifier {
        self.params.identifier
    }

    /// `f_i(x)` by Horner's rule, in constant time (blst scalar arithmetic).
    fn evaluate(&self, x: Identifier) -> SecretScalar {
        let x = x.to_scalar();
        SecretScalar::new(
            self.coefficients
                .iter()
                .rev()
                .fold(Scalar::ZERO, |acc, a| acc * x + a.expose()),
        )
    }

    /// The qualified participants other than ourselves, in increasing order.
    fn others(&self) -> impl Iterator<Item = Identifier> + '_ {
        let me = self.identifier();
        self.qualified.iter().copied().filter(move |&id| id != me)
    }

    /// The round-1 package of a participant, ours included.
    fn round1_package(&self, id: Identifier) -> Option<&round1::Package> {
        if id == self.identifier() {
            Some(&self.own)
        } else {
            self.round1.get(&id)
        }
    }

    fn disqualify(&mut self, culprit: Identifier, reason: Error) {
        self.qualified.remove(&culprit);
        self.disqualified.entry(culprit).or_insert(reason);
    }

    /// [`Error::TooManyDisqualified`] once fewer than `min_signers` remain.
    fn check_enough_qualified(&self) -> Result<(), Error> {
        if self.qualified.len() < usize::from(self.params.min_signers) {
            return Err(Error::TooManyDisqualified {
                qualified: self.qualified.len(),
                min_signers: self.params.min_signers,
                disqualified: self.disqualified.keys().copied().collect(),
            });
        }
        Ok(())
    }

    /// Sorts the packages of one round by sender: refuses senders outside the participant list,
    /// packages of another session and two different packages from one sender; drops packages
    /// of disqualified senders, repeats, and our own (if it equals `own`; a different one under
    /// our name is a duplicate).
    fn intake<'a, M: Message>(
        &self,
        packages: &'a [M],
        own: Option<&M>,
    ) -> Result<BTreeMap<Identifier, &'a M>, Error> {
        let mut received = BTreeMap::new();
        for package in packages {
            let sender = package.sender();
            if !self.params.participants.contains(&sender) {
                return Err(Error::UnknownParticipant(sender));
            }
            if !self.qualified.contains(&sender) {
                continue;
            }
            if package.session() != self.params.session {
                return Err(Error::SessionMismatch(sender));
            }
            if sender == self.identifier() {
                if own == Some(package) {
                    continue;
                }
                return Err(Error::DuplicateParticipant(sender));
            }
            match received.insert(sender, package) {
                Some(previous) if previous != package => {
                    return Err(Error::DuplicateParticipant(sender));
                }
                _ => {}
            }
        }
        Ok(received)
    }
}
