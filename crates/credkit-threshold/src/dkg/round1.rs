//! Round 1 (broadcast): commit to a random polynomial and prove knowledge of its constant term.

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::SecretScalar;
use ff::Field;
use group::{Curve, Group};
use rand_core::{CryptoRng, OsRng, RngCore};

use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::encoding::{self, DocumentType};
use super::state_encoding::{JsonProof, PolynomialStateDocument};
use super::transcript::{transcript, TranscriptProtocol};
use super::{Message, Parameters, SessionTag, State};
use crate::{Commitments, Error, Identifier};

/// A Schnorr proof of knowledge of `a_i0`, the discrete logarithm of `C_i0`: a nonce
/// commitment `R = k * P1` and the response `z = k + c * a_i0`, where the challenge `c` comes
/// from a merlin transcript binding the session, the dealer and all of its commitments.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ProofOfKnowledge {
    commitment: G1Affine,
    response: Scalar,
}

impl ProofOfKnowledge {
    /// A proof from its parts (as received).
    pub fn new(commitment: G1Affine, response: Scalar) -> Self {
        ProofOfKnowledge {
            commitment,
            response,
        }
    }

    /// The nonce commitment `R`.
    pub fn commitment(&self) -> &G1Affine {
        &self.commitment
    }

    /// The response `z`.
    pub fn response(&self) -> &Scalar {
        &self.response
    }

    fn challenge(
        session: SessionTag,
        dealer: Identifier,
        commitments: &Commitments,
        nonce_commitment: &G1Affine,
    ) -> Scalar {
        let mut t = transcript(b"proof-of-knowledge");
        t.append_message(b"session", &session.to_bytes());
        t.append_identifier(b"dealer", dealer);
        t.append_commitments(b"commitments", commitments);
        t.append_point(b"R", nonce_commitment);
        t.challenge_scalar(b"c")
    }

    fn prove(
        rng: &mut (impl RngCore + CryptoRng),
        session: SessionTag,
        dealer: Identifier,
        commitments: &Commitments,
        secret: &SecretScalar,
    ) -> Self {
        let k = SecretScalar::new(Scalar::random(&mut *rng));
        let commitment = (G1Projective::generator() * k.expose()).to_affine();
        let c = Self::challenge(session, dealer, commitments, &commitment);
        ProofOfKnowledge {
            commitment,
            response: k.expose() + c * secret.expose(),
        }
    }

    /// `z * P1 == R + c * C_0` (variable time: public data only).
    fn vartime_verify(
        &self,
        session: SessionTag,
        dealer: Identifier,
        commitments: &Commitments,
    ) -> bool {
        let c = Self::challenge(session, dealer, commitments, &self.commitment);
        // `Commitments` are never empty.
        let c0 = G1Projective::from(&commitments.points()[0]);
        G1Projective::generator() * self.response == G1Projective::from(&self.commitment) + c0 * c
    }
}

/// The round-1 message of a dealer, to broadcast: its Feldman commitments
/// `C_ik = a_ik * P1` and its [`ProofOfKnowledge`] of `a_i0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Package {
    sender: Identifier,
    session: SessionTag,
    commitments: Commitments,
    proof: ProofOfKnowledge,
}

impl Package {
    /// A package from its parts (as received).
    pub fn new(
        sender: Identifier,
        session: SessionTag,
        commitments: Commitments,
        proof: ProofOfKnowledge,
    ) -> Self {
        Package {
            sender,
            session,
            commitments,
            proof,
        }
    }

    /// The dealer.
    pub fn sender(&self) -> Identifier {
        self.sender
    }

    /// The session it belongs to.
    pub fn session(&self) -> SessionTag {
        self.session
    }

    /// `C_i0, ..., C_i,t-1`.
    pub fn commitments(&self) -> &Commitments {
        &self.commitments
    }

    /// The proof of knowledge of `a_i0`.
    pub fn proof(&self) -> &ProofOfKnowledge {
        &self.proof
    }

    /// Checks the package of a participant of `session` with threshold `min_signers`, returning
    /// the misbehaviour that disqualifies its sender.
    pub(super) fn check(&self, session: SessionTag, min_signers: u16) -> Result<(), Error> {
        let found = self.commitments.points().len();
        if found != usize::from(min_signers) {
            return Err(Error::WrongCommitmentCount {
                culprit: self.sender,
                expected: usize::from(min_signers),
                found,
            });
        }
        if !self
            .proof
            .vartime_verify(session, self.sender, &self.commitments)
        {
            return Err(Error::InvalidProofOfKnowledge(self.sender));
        }
        Ok(())
    }
}

/// `dkg-round1`.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    session: String,
    sender: u16,
    commitments: Vec<String>,
    #[serde(deserialize_with = "encoding::object")]
    proof: JsonProof,
}

impl Package {
    /// The `dkg-round1` document (see [`encoding`]), to broadcast:
    ///
    /// ```json
    /// {
    ///   "version": 1,
    ///   "type": "dkg-round1",
    ///   "session": "<64 hex>",
    ///   "sender": 1,
    ///   "commitments": ["<96 hex: C_0>", "<96 hex: C_1>"],
    ///   "proof": { "commitment": "<96 hex: R>", "response": "<64 hex: z>" }
    /// }
    /// ```
    pub fn to_json(&self) -> String {
        let (version, kind) = encoding::header(DocumentType::Round1);
        encoding::render(&Document {
            version,
            kind,
            session: encoding::hex(&self.session.to_bytes()),
            sender: self.sender.get(),
            commitments: encoding::commitments_hex(&self.commitments),
            proof: JsonProof::encode(&self.proof),
        })
    }

    /// Reads a `dkg-round1` document: every point in the subgroup, `C_0` and `R` not the
    /// identity, the response canonical. The session, the number of commitments and the
    /// proof are checked by [`round2::part2`](super::round2::part2), which disqualifies a
    /// sender whose package fails (a package that cannot be read counts as missing).
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`](super::DocumentDefect).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(json, DocumentType::Round1, |doc: Document| {
            encoding::check_header(doc.version, &doc.kind, DocumentType::Round1)?;
            Ok(Package {
                session: encoding::session_tag(&doc.session)?,
                sender: encoding::identifier(doc.sender, "sender")?,
                commitments: encoding::commitments(&doc.commitments, "commitments")?,
                proof: doc.proof.decode()?,
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

/// A participant's secret state after round 1: its polynomial. Consumed by
/// [`round2::part2`](super::round2::part2).
///
/// Not `Clone`; the coefficients are zeroized on drop and `Debug` omits them.
///
/// Equality (`PartialEq`) compares each secret scalar in constant time but stops at the first
/// difference: it is there to check a restored state, not to decide anything secret.
#[derive(PartialEq, Eq)]
pub struct SecretPackage {
    pub(super) state: State,
}

impl SecretPackage {
    /// The parameters of the run.
    pub fn parameters(&self) -> &Parameters {
        &self.state.params
    }

    /// Our round-1 package (what was broadcast).
    pub fn package(&self) -> &Package {
        &self.state.own
    }

    /// The `dkg-state-1` document (see [`encoding`]): our polynomial, so that
    /// round 2 can run in another process. **Secret**: the CLI writes it with mode 0600, and
    /// deletes or renames it once round 2 has written its own state (it is consumed; running
    /// round 2 twice from it sends the same shares).
    pub fn to_json(&self) -> Zeroizing<String> {
        PolynomialStateDocument::encode(&self.state, DocumentType::State1)
    }

    /// Reads a `dkg-state-1` document, checking it against itself: the parameters and session
    /// tag, the coefficients against our own commitments and proof, and that it holds no
    /// other package and no disqualification yet.
    ///
    /// # Errors
    /// [`Error::MalformedDkgDocument`] with the [`DocumentDefect`](super::DocumentDefect).
    pub fn from_json(json: &str) -> Result<Self, Error> {
        encoding::read(
            json,
            DocumentType::State1,
            |doc: PolynomialStateDocument| {
                let state = doc.decode(DocumentType::State1)?;
                Ok(SecretPackage { state })
            },
        )
    }
}

impl fmt::Debug for SecretPackage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("round1::SecretPackage")
            .field("identifier", &self.state.identifier())
            .field("coefficients", &"<redacted>")
            .finish_non_exhaustive()
    }
}

/// Round 1 with the operating system's random number generator: see [`part1_with_rng`].
pub fn part1(parameters: Parameters) -> (SecretPackage, Package) {
    part1_with_rng(parameters, &mut OsRng)
}

/// Round 1: draws a random polynomial `f_i` of degree `min_signers - 1`, commits to its
/// coefficients and proves knowledge of the constant term.
///
/// Broadcast the [`Package`] to every participant; keep the [`SecretPackage`] for round 2.
pub fn part1_with_rng(
    parameters: Parameters,
    rng: &mut (impl RngCore + CryptoRng),
) -> (SecretPackage, Package) {
    let (coefficients, commitments) = loop {
        let coefficients: Vec<SecretScalar> = (0..parameters.min_signers)
            .map(|_| SecretScalar::new(Scalar::random(&mut *rng)))
            .collect();
        let points: Vec<G1Projective> = coefficients
            .iter()
            .map(|a| G1Projective::generator() * a.expose())
            .collect();
        let mut affine = vec![G1Affine::default(); points.len()];
        G1Projective::batch_normalize(&points, &mut affine);
        // Refused only when `a_i0 = 0` (probability 2^-255): draw again.
        if let Ok(commitments) = Commitments::new(affine) {
            break (coefficients, commitments);
        }
    };
    let proof = ProofOfKnowledge::prove(
        rng,
        parameters.session,
        parameters.identifier,
        &commitments,
        &coefficients[0],
    );
    let package = Package {
        sender: parameters.identifier,
        session: parameters.session,
        commitments,
        proof,
    };
    let qualified: BTreeSet<Identifier> = parameters.participants.clone();
    let state = State {
        params: parameters,
        coefficients,
        own: package.clone(),
        round1: BTreeMap::new(),
        qualified,
        disqualified: BTreeMap::new(),
    };
    (SecretPackage { state }, package)
}
