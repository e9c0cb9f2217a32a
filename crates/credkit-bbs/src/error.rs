//! Errors of credkit-bbs.

/// Everything that can go wrong in credkit-bbs.
///
/// Variants are grouped by cause. *Input* variants can be triggered by untrusted bytes or
/// arguments (a verifier sees them on hostile input); *verification* variants are deliberately
/// opaque: a verifier learns that a signature or proof is invalid, not why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    // ---- input ----
    /// A key, signature or proof encoding was malformed (the inner error says how).
    #[error("malformed encoding: {0}")]
    Encoding(#[from] credkit_core::Error),
    /// A proof's length is not 3 points, 4 scalars and a whole number of scalars more.
    #[error("proof length {0} is not 3 * 48 + (4 + U) * 32 bytes for any U")]
    ProofLength(usize),
    /// A message index is not below the number of signed messages.
    #[error("message index {index} is out of range for {count} messages")]
    IndexOutOfRange {
        /// The offending index.
        index: usize,
        /// The number of signed messages.
        count: usize,
    },
    /// Message indexes must be strictly ascending (which also rules out duplicates).
    #[error("message indexes are not strictly ascending")]
    IndexesNotAscending,
    /// The number of disclosed messages and disclosed indexes differ.
    #[error("{messages} disclosed messages but {indexes} disclosed indexes")]
    DisclosedCountMismatch {
        /// Number of disclosed messages.
        messages: usize,
        /// Number of disclosed indexes.
        indexes: usize,
    },
    /// More messages than this implementation signs or verifies ([`crate::MAX_MESSAGES`]).
    #[error("{0} messages exceed the limit of {max}", max = crate::MAX_MESSAGES)]
    TooManyMessages(usize),
    /// `KeyGen` key material shorter than 32 bytes.
    #[error("key material must be at least 32 bytes")]
    KeyMaterialTooShort,
    /// `KeyGen` key info longer than 65535 bytes.
    #[error("key info must be at most 65535 bytes")]
    KeyInfoTooLong,

    // ---- input: credential documents ----
    /// A JSON document could not be read: syntax, a missing or unknown field, or a value of
    /// the wrong JSON type (the message names the field, line and column).
    #[error("{0}")]
    Json(crate::credential::JsonError),
    /// A document of another type than expected (a presentation where a credential belongs).
    #[error("expected a `{expected}` document, found `{found}`")]
    WrongDocumentType {
        /// The expected `type`.
        expected: &'static str,
        /// The `type` found (at most 64 characters of it).
        found: String,
    },
    /// A document version this implementation does not read.
    #[error("unsupported `{document}` document version {found} (this build reads version 1)")]
    UnsupportedVersion {
        /// The document type.
        document: &'static str,
        /// The version found.
        found: u64,
    },
    /// A byte string field that is not base64url without padding.
    #[error("field `{field}` is not base64url without padding")]
    InvalidBase64 {
        /// The field.
        field: &'static str,
    },
    /// A field of a document whose bytes do not decode (the inner error says how).
    #[error("field `{field}`: {error}")]
    InField {
        /// The field.
        field: &'static str,
        /// What is wrong with it.
        error: Box<Error>,
    },
    /// A schema id that is empty, longer than 256 bytes or not printable ASCII.
    #[error("schema id must be 1 to 256 printable ASCII characters")]
    InvalidSchemaId,
    /// A schema without attributes.
    #[error("a schema needs at least one attribute")]
    EmptySchema,
    /// An attribute name outside `[a-z][a-z0-9_]{0,63}`.
    #[error("invalid attribute name `{0}`: use 1 to 64 characters a-z, 0-9 and _, starting with a letter")]
    InvalidAttributeName(String),
    /// An attribute named twice in a schema.
    #[error("attribute `{0}` appears twice in the schema")]
    DuplicateAttribute(String),
    /// An attribute the schema does not have.
    #[error("attribute `{0}` is not in the schema")]
    UnknownAttribute(String),
    /// An attribute of the schema without a value.
    #[error("attribute `{0}` is missing")]
    MissingAttribute(String),
    /// An attribute value of the wrong type.
    #[error("attribute `{name}` must be of type {expected}")]
    AttributeType {
        /// The attribute.
        name: String,
        /// Its type in the schema.
        expected: crate::credential::AttributeType,
    },
    /// A date attribute that is not a real `YYYY-MM-DD` date.
    #[error("attribute `{0}` is not a calendar date YYYY-MM-DD")]
    InvalidDate(String),
    /// A document of one suite used with a key of another.
    #[error("the document is for suite {found}, the issuer key for {expected}")]
    SuiteMismatch {
        /// The key's suite.
        expected: crate::credential::SuiteId,
        /// The document's suite.
        found: crate::credential::SuiteId,
    },
    /// A presentation issued under another key than the verifier trusts.
    #[error("issued under another key than the trusted issuer's")]
    IssuerMismatch,
    /// A key document whose parts do not belong together (public key or key id).
    #[error("the key document's public key or key id does not match its key")]
    KeyMismatch,
    /// A JWK that is not a BLS12-381 G2 public key.
    #[error("not a BLS12-381 G2 JWK: {0}")]
    Jwk(&'static str),
    /// A Multikey that is not a BLS12-381 G2 public key.
    #[error("not a BLS12-381 G2 Multikey: {0}")]
    Multikey(&'static str),

    // ---- blind signatures and pseudonyms ----
    /// A commitment with proof whose length is not `48 + (2 + M) * 32` bytes.
    #[error("commitment length {0} is not 48 + (2 + M) * 32 bytes for any M")]
    CommitmentLength(usize),
    /// The commitment's proof of correctness does not verify: the holder cannot open it.
    #[error("invalid commitment: its proof of correctness does not verify")]
    InvalidCommitment,
    /// A blind proof covers fewer messages than the `L` signer messages, the prover's blind
    /// and the pseudonym secrets it must hold.
    #[error("a proof over {total} messages cannot hold {signer} signer messages")]
    SignerMessageCount {
        /// The `L` given.
        signer: usize,
        /// The number of messages the proof covers.
        total: usize,
    },
    /// A pseudonym secret vector of the wrong length (or an empty one).
    #[error("expected {expected} pseudonym secrets, found {found}")]
    NymSecretCount {
        /// What the signature or proof was made for.
        expected: usize,
        /// What was supplied.
        found: usize,
    },

    // ---- holder binding ----
    // Holder-bound credentials and their pseudonymous presentations (`credential`, SPEC.md
    // §4.6). All of them can be triggered by untrusted documents.
    /// A credential request for another schema than the one being issued: its schema id or
    /// digest differ.
    #[error("the credential request is for another schema (its schema id or digest differ)")]
    RequestSchemaMismatch,
    /// A holder secret that is not the one the credential was requested with: their
    /// commitments differ.
    #[error("the holder secret is not the one this credential was requested with")]
    HolderSecretMismatch,
    /// A holder secret document whose commitment is not the one its secrets make (altered).
    #[error("the holder secret's commitment does not match its secrets")]
    InconsistentHolderSecret,
    /// A pseudonym context that is empty or longer than 255 bytes.
    #[error("a pseudonym context must be 1 to 255 bytes")]
    InvalidPseudonymContext,
    /// A presentation made for another pseudonym context than the verifier's own.
    #[error("the presentation was made for another pseudonym context")]
    PseudonymContextMismatch,

    // ---- caller misuse (hazmat) ----
    /// The number of random scalars handed to proof generation is not `U + 5`.
    #[error("expected {expected} random scalars, found {found}")]
    RandomScalarCount {
        /// `U + 5`.
        expected: usize,
        /// What was supplied.
        found: usize,
    },
    /// The random scalar `r2` of proof generation was zero (it must be inverted). From a real
    /// random number generator this has probability 2^-255.
    #[error("random scalar r2 is zero")]
    ZeroRandomScalar,
    /// The number of generators does not match the number of messages plus one.
    #[error("expected {expected} generators, found {found}")]
    GeneratorCount {
        /// `L + 1`.
        expected: usize,
        /// What was supplied.
        found: usize,
    },

    // ---- verification (opaque) ----
    /// The signature does not verify.
    #[error("invalid signature")]
    InvalidSignature,
    /// The proof does not verify.
    #[error("invalid proof")]
    InvalidProof,

    // ---- internal ----
    /// Signing produced a degenerate signature (`SK + e = 0 mod r`, probability ~2^-255).
    #[error("signing failed: degenerate signature")]
    DegenerateSignature,
}
