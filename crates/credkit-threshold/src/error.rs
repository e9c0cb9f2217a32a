//! Errors of credkit-threshold.

/// Everything that can go wrong in credkit-threshold.
///
/// *Input* variants can be triggered by untrusted bytes; *verification* variants are opaque.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input ----
    /// A key or signature encoding was malformed (the inner error says how).
    #[error("malformed encoding: {0}")]
    Encoding(#[from] credkit_core::Error),
    /// `KeyGen` input keying material shorter than 32 bytes.
    #[error("input keying material must be at least 32 bytes")]
    KeyMaterialTooShort,
    /// An aggregate of nothing.
    #[error("nothing to aggregate")]
    EmptyAggregate,
    /// Public keys and messages of different counts.
    #[error("{public_keys} public keys but {messages} messages")]
    LengthMismatch {
        /// Number of public keys.
        public_keys: usize,
        /// Number of messages.
        messages: usize,
    },

    /// Identifier zero, which would be the group secret itself.
    #[error("member identifier 0 is not allowed")]
    ZeroIdentifier,
    /// Feldman commitments without a single point.
    #[error("no commitments")]
    EmptyCommitments,

    // ---- a party misbehaved (the culprit is named) ----
    /// A member's secret share does not match the commitments.
    #[error("the share of {0} does not match the commitments")]
    InvalidShare(crate::Identifier),

    // ---- verification (opaque) ----
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The proof of possession does not verify.
    #[error("invalid proof of possession")]
    InvalidProofOfPossession,

    // ---- distributed key generation ----
    // Caller misuse or misrouted messages: the DKG aborts.
    /// DKG parameters with `min_signers` outside `2..=max_signers`.
    #[error("min_signers must be in 2..={max_signers}, found {min_signers}")]
    InvalidMinSigners {
        /// The requested threshold.
        min_signers: u16,
        /// The number of participants.
        max_signers: u16,
    },
    /// An identifier twice: in the participant list, or two different packages of one round
    /// from the same sender.
    #[error("{0} appears twice")]
    DuplicateParticipant(crate::Identifier),
    /// An identifier outside the participant list: our own, or a package's sender.
    #[error("{0} is not a participant of this key generation")]
    UnknownParticipant(crate::Identifier),
    /// A package of another key generation session (other session id, threshold or participant
    /// list); names its sender.
    #[error("the package of {0} belongs to another key generation session")]
    SessionMismatch(crate::Identifier),
    /// A private share addressed to another member.
    #[error("the share from {sender} is addressed to {recipient}")]
    MisaddressedShare {
        /// The dealer that sent it.
        sender: crate::Identifier,
        /// The member it is addressed to.
        recipient: crate::Identifier,
    },
    // A participant misbehaved: it is disqualified (`dkg::KeyPackage::disqualified`), the DKG
    // goes on without it.
    /// No round-1 package (commitments and proof of knowledge) arrived from the participant.
    #[error("{0} sent no commitments")]
    MissingCommitments(crate::Identifier),
    /// A dealer committed to a polynomial of the wrong degree.
    #[error("{culprit} sent {found} commitments instead of {expected}")]
    WrongCommitmentCount {
        /// The dealer.
        culprit: crate::Identifier,
        /// `min_signers`.
        expected: usize,
        /// The number it sent.
        found: usize,
    },
    /// A dealer's proof of knowledge of its constant term does not verify.
    #[error("the proof of knowledge of {0} does not verify")]
    InvalidProofOfKnowledge(crate::Identifier),
    /// No round-3 package (complaints, possibly none) arrived from the participant.
    #[error("{0} sent no complaints package")]
    MissingComplaints(crate::Identifier),
    /// An accused dealer did not reveal the share it owed the accuser.
    #[error("{accused} did not answer the complaint of {accuser}")]
    UnansweredComplaint {
        /// The dealer.
        accused: crate::Identifier,
        /// The member that complained.
        accuser: crate::Identifier,
    },
    /// An accused dealer revealed a share that does not match its commitments.
    #[error("{accused} revealed a wrong share for {accuser}")]
    InvalidJustification {
        /// The dealer.
        accused: crate::Identifier,
        /// The member that complained.
        accuser: crate::Identifier,
    },
    // The DKG cannot complete.
    /// Fewer than `min_signers` participants remain qualified.
    #[error("only {qualified} qualified participants remain, {min_signers} are needed; disqualified: {disqualified:?}")]
    TooManyDisqualified {
        /// The number still qualified.
        qualified: usize,
        /// The threshold.
        min_signers: u16,
        /// Every disqualified participant, in increasing order.
        disqualified: Vec<crate::Identifier>,
    },
    /// Qualified participants whose confirmation is missing or differs from ours: we did not
    /// all see the same transcript.
    #[error("participants {0:?} did not confirm our transcript")]
    TranscriptMismatch(Vec<crate::Identifier>),

    // ---- DKG encodings ----
    // Untrusted documents (peers' packages; state and key package files) can trigger it.
    /// A DKG document (a round's package, a state between rounds or a key package) was
    /// rejected: `document` is the type it was read as, `defect` what is wrong with it.
    #[error("malformed {document} document: {defect}")]
    MalformedDkgDocument {
        /// The document type being read.
        document: crate::dkg::DocumentType,
        /// What is wrong.
        defect: crate::dkg::DocumentDefect,
    },

    // ---- dealer, signing, combining, resharing ----
    // These also use `InvalidMinSigners`, `DuplicateParticipant` and `MisaddressedShare` above.
    // Caller misuse or a misrouted message (untrusted input can trigger them).
    /// An identifier outside the set it must belong to: the signer of a partial signature
    /// outside the group, a resharing dealer outside the old group or the chosen dealers, a
    /// resharing recipient outside the new members.
    #[error("{0} is not a member of this group or resharing")]
    UnknownMember(crate::Identifier),
    /// Not exactly `min_signers` partial signatures to combine, or resharing dealers.
    #[error("{found} signers where exactly {expected} are needed")]
    WrongSignerCount {
        /// `min_signers`.
        expected: usize,
        /// The number given.
        found: usize,
    },
    /// Commitments whose number, the threshold they enforce, is not the agreed `min_signers`.
    #[error("the commitments set a threshold of {found}, {expected} was agreed")]
    ThresholdMismatch {
        /// The agreed `min_signers`.
        expected: u16,
        /// The number of commitments.
        found: usize,
    },
    // A party misbehaved (every culprit is named, in increasing order).
    /// Partial signatures that do not verify under their signers' verifying shares.
    #[error("invalid partial signatures from {0:?}")]
    InvalidPartialSignatures(Vec<crate::Identifier>),
    /// Old members whose resharing dealing does not check out: commitments of the wrong
    /// number, commitments not to `lambda_i * s_i`, or a sub-share off its commitments.
    #[error("invalid resharing dealings from {0:?}")]
    InvalidDealings(Vec<crate::Identifier>),
    /// The resharing commitments do not add up to the group public key (not expected once
    /// every dealing checked out).
    #[error("the reshared commitments do not commit to the group public key")]
    GroupKeyMismatch,

    // ---- uploads ----
    // Untrusted envelopes and payloads can trigger every variant of this block except
    // `InvalidTaskId` (caller input), `PayloadCountMismatch` (caller misuse) and the two
    // nonce-store variants (the collector's own storage).
    /// An upload envelope's binary or JSON encoding was malformed (the inner value says how).
    #[error("malformed upload envelope: {0}")]
    MalformedEnvelope(crate::upload::EnvelopeDefect),
    /// A task id that is empty or longer than 255 bytes.
    #[error("a task id must be 1 to 255 bytes")]
    InvalidTaskId,
    /// The envelope names another group than the collector's.
    #[error("the envelope is for group {found}")]
    WrongGroup {
        /// The group id in the envelope.
        found: crate::upload::GroupId,
    },
    /// The payload's SHA-256 is not the one in the envelope.
    #[error("the payload does not match the envelope's hash")]
    PayloadMismatch,
    /// The envelope's timestamp is older than the collector's maximum age.
    #[error("upload timestamp {timestamp} is too old at {now}")]
    UploadTooOld {
        /// The envelope's timestamp (Unix seconds).
        timestamp: u64,
        /// The collector's time.
        now: u64,
    },
    /// The envelope's timestamp is further ahead than the collector's maximum clock skew.
    #[error("upload timestamp {timestamp} is in the future at {now}")]
    UploadInFuture {
        /// The envelope's timestamp (Unix seconds).
        timestamp: u64,
        /// The collector's time.
        now: u64,
    },
    /// The envelope's nonce was already recorded: a replay, or a second envelope of a batch
    /// with the same nonce.
    #[error("replayed upload (nonce already seen)")]
    Replay,
    /// A batch with different numbers of envelopes and payloads.
    #[error("{envelopes} envelopes but {payloads} payloads")]
    PayloadCountMismatch {
        /// Number of envelopes.
        envelopes: usize,
        /// Number of payloads.
        payloads: usize,
    },
    /// The nonce store could not read or write its file.
    #[error("nonce store I/O error: {0}")]
    NonceStoreIo(std::io::ErrorKind),
    /// The nonce store file is damaged other than by a torn last append: a bad header
    /// (offset 0) or a bad record followed by intact ones. Left untouched for an operator.
    #[error("nonce store file is corrupt at byte {offset}")]
    CorruptNonceStore {
        /// Byte offset of the damage.
        offset: u64,
    },
}

impl Error {
    /// The participants this error names as misbehaving, if any: the culprits a caller should
    /// exclude or report. Errors of the caller's own making, of untrusted bytes with no known
    /// sender, and verification failures name nobody.
    ///
    /// ```
    /// use credkit_threshold::{Error, Identifier};
    ///
    /// let five = Identifier::new(5)?;
    /// assert_eq!(Error::InvalidShare(five).culprits(), vec![five]);
    /// assert!(Error::InvalidSignature.culprits().is_empty());
    /// # Ok::<(), Error>(())
    /// ```
    pub fn culprits(&self) -> Vec<crate::Identifier> {
        // Exhaustive on purpose: a new variant must decide whether it names a culprit.
        match self {
            Error::InvalidShare(id)
            | Error::DuplicateParticipant(id)
            | Error::UnknownParticipant(id)
            | Error::SessionMismatch(id)
            | Error::MissingCommitments(id)
            | Error::InvalidProofOfKnowledge(id)
            | Error::MissingComplaints(id)
            | Error::UnknownMember(id) => vec![*id],
            Error::MisaddressedShare { sender, .. } => vec![*sender],
            Error::WrongCommitmentCount { culprit, .. } => vec![*culprit],
            Error::UnansweredComplaint { accused, .. }
            | Error::InvalidJustification { accused, .. } => {
                vec![*accused]
            }
            Error::TooManyDisqualified { disqualified, .. } => disqualified.clone(),
            Error::TranscriptMismatch(ids)
            | Error::InvalidPartialSignatures(ids)
            | Error::InvalidDealings(ids) => ids.clone(),
            Error::Encoding(_)
            | Error::KeyMaterialTooShort
            | Error::EmptyAggregate
            | Error::LengthMismatch { .. }
            | Error::ZeroIdentifier
            | Error::EmptyCommitments
            | Error::InvalidSignature
            | Error::InvalidProofOfPossession
            | Error::InvalidMinSigners { .. }
            | Error::MalformedDkgDocument { .. }
            | Error::WrongSignerCount { .. }
            | Error::ThresholdMismatch { .. }
            | Error::GroupKeyMismatch
            | Error::MalformedEnvelope(_)
            | Error::InvalidTaskId
            | Error::WrongGroup { .. }
            | Error::PayloadMismatch
            | Error::UploadTooOld { .. }
            | Error::UploadInFuture { .. }
            | Error::Replay
            | Error::PayloadCountMismatch { .. }
            | Error::NonceStoreIo(_)
            | Error::CorruptNonceStore { .. } => vec![],
        }
    }
}
