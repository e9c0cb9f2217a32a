//! Presentations of holder-bound credentials: disclosed attributes, the holder's pseudonym for
//! the verifier's context, and a proof of both (SPEC.md §4.6).

use serde::{Deserialize, Serialize};

use super::attribute::Attributes;
use super::document::{self, b64, unb64, Header, UniqueMap};
use super::issued::credential_header;
use super::keys::{with_suite, IssuerPublicKey, SuiteId};
use super::presentation::{check_issuer, presentation_header};
use super::request::check_nym_count;
use super::schema::{Schema, SchemaDocument};
use crate::pseudonym::{proof_verify_with_nym, Pseudonym};
use crate::{Error, Proof};

/// The longest pseudonym context accepted, in bytes.
pub const MAX_CONTEXT_LEN: usize = 255;

/// A pseudonym context is 1 to [`MAX_CONTEXT_LEN`] bytes.
pub(crate) fn check_context(context: &[u8]) -> Result<(), Error> {
    if context.is_empty() || context.len() > MAX_CONTEXT_LEN {
        return Err(Error::InvalidPseudonymContext);
    }
    Ok(())
}

/// A presentation of a holder-bound credential: the disclosed attributes, the holder's
/// pseudonym for one verifier's context, and a proof that an issuer signed the attributes
/// and the secrets the pseudonym was computed from, bound to the verifier's nonce.
///
/// One verifier sees the same pseudonym on every presentation of one credential to its
/// context; other contexts see unrelated pseudonyms; the proofs themselves cannot be linked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundPresentation {
    issuer: IssuerPublicKey,
    schema: Schema,
    disclosed: Attributes,
    nym_count: usize,
    context: Vec<u8>,
    pseudonym: Pseudonym,
    proof: Proof,
}

/// The JSON form of a holder-bound presentation (SPEC.md §4.6). Like a plain presentation it
/// names the issuer by key id only.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundPresentationDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    issuer: String,
    schema: SchemaDocument,
    disclosed: UniqueMap,
    nym_count: usize,
    pseudonym_context: String,
    pseudonym: String,
    proof: String,
}

impl Header for BoundPresentationDocument {
    const TYPE: &'static str = "bound-presentation";
}

/// A holder-bound presentation as read from JSON, before the verifier supplies the issuer key.
struct Unverified {
    suite: SuiteId,
    kid: String,
    schema: Schema,
    disclosed: Attributes,
    nym_count: usize,
    context: Vec<u8>,
    pseudonym: Pseudonym,
    proof: Proof,
}

/// What verification reads of a presentation, borrowed.
struct Parts<'a> {
    suite: SuiteId,
    kid: &'a str,
    schema: &'a Schema,
    disclosed: &'a Attributes,
    nym_count: usize,
    context: &'a [u8],
    pseudonym: &'a Pseudonym,
    proof: &'a Proof,
}

impl BoundPresentation {
    pub(crate) fn new(
        issuer: IssuerPublicKey,
        schema: Schema,
        disclosed: Attributes,
        nym_count: usize,
        context: Vec<u8>,
        pseudonym: Pseudonym,
        proof: Proof,
    ) -> Self {
        BoundPresentation {
            issuer,
            schema,
            disclosed,
            nym_count,
            context,
            pseudonym,
            proof,
        }
    }

    /// The disclosed attributes, as claimed (not verified).
    pub fn disclosed(&self) -> &Attributes {
        &self.disclosed
    }

    /// The schema the presentation claims.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// The pseudonym, as claimed (not verified).
    pub fn pseudonym(&self) -> &Pseudonym {
        &self.pseudonym
    }

    /// The pseudonym context the presentation states it was made for. A verifier never
    /// verifies under it: it brings its own.
    pub fn pseudonym_context(&self) -> &[u8] {
        &self.context
    }

    /// The number `N` of pseudonym secrets the credential binds, as claimed.
    pub fn nym_count(&self) -> usize {
        self.nym_count
    }

    /// Verifies the presentation against the issuer key the verifier trusts, its own `nonce`,
    /// its `verifier` id when it has one, and its own pseudonym `context`; returns the
    /// disclosed attributes and the holder's pseudonym for this context.
    ///
    /// # Errors
    /// [`Error::InvalidPseudonymContext`] for a `context` that is empty or too long;
    /// [`Error::SuiteMismatch`], [`Error::IssuerMismatch`]; [`Error::PseudonymContextMismatch`]
    /// when the presentation states another context; [`Error::InvalidProof`] (also for a
    /// pseudonym that was not made for `context` from the signed secrets, or a wrong
    /// `nym_count`).
    pub fn verify(
        &self,
        issuer: &IssuerPublicKey,
        nonce: &[u8],
        verifier: Option<&[u8]>,
        context: &[u8],
    ) -> Result<(Attributes, Pseudonym), Error> {
        let kid = self.issuer.kid();
        let parts = Parts {
            suite: self.issuer.suite(),
            kid: &kid,
            schema: &self.schema,
            disclosed: &self.disclosed,
            nym_count: self.nym_count,
            context: &self.context,
            pseudonym: &self.pseudonym,
            proof: &self.proof,
        };
        verify_parts(issuer, &parts, nonce, verifier, context)?;
        Ok((self.disclosed.clone(), self.pseudonym))
    }

    /// Reads and verifies a holder-bound presentation document in one step.
    ///
    /// # Errors
    /// The errors of reading (as [`BoundPresentation::from_json`]) and of
    /// [`BoundPresentation::verify`].
    pub fn verify_json(
        json: &str,
        issuer: &IssuerPublicKey,
        nonce: &[u8],
        verifier: Option<&[u8]>,
        context: &[u8],
    ) -> Result<(Attributes, Pseudonym), Error> {
        let p = Self::parse(json)?;
        let parts = Parts {
            suite: p.suite,
            kid: &p.kid,
            schema: &p.schema,
            disclosed: &p.disclosed,
            nym_count: p.nym_count,
            context: &p.context,
            pseudonym: &p.pseudonym,
            proof: &p.proof,
        };
        verify_parts(issuer, &parts, nonce, verifier, context)?;
        Ok((p.disclosed, p.pseudonym))
    }

    /// Reads a holder-bound presentation document whose issuer key is `issuer` (the document
    /// names it by key id). Nothing is verified: call [`BoundPresentation::verify`].
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`], schema and
    /// attribute errors, [`Error::InvalidBase64`], [`Error::InField`] for a malformed proof or
    /// pseudonym, [`Error::NymSecretCount`] for a `nym_count` outside 1..=64,
    /// [`Error::InvalidPseudonymContext`], [`Error::IssuerMismatch`], [`Error::SuiteMismatch`].
    pub fn from_json(json: &str, issuer: &IssuerPublicKey) -> Result<Self, Error> {
        let p = Self::parse(json)?;
        check_issuer(issuer, p.suite, &p.kid)?;
        Ok(BoundPresentation {
            issuer: issuer.clone(),
            schema: p.schema,
            disclosed: p.disclosed,
            nym_count: p.nym_count,
            context: p.context,
            pseudonym: p.pseudonym,
            proof: p.proof,
        })
    }

    fn parse(json: &str) -> Result<Unverified, Error> {
        let doc: BoundPresentationDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, BoundPresentationDocument::TYPE)?;
        let schema = Schema::try_from(doc.schema)?;
        let disclosed = Attributes::from_object(&schema, &doc.disclosed.0, false)?;
        check_nym_count(doc.nym_count)?;
        let context = unb64("pseudonym_context", &doc.pseudonym_context)?;
        check_context(&context).map_err(|error| Error::InField {
            field: "pseudonym_context",
            error: Box::new(error),
        })?;
        let pseudonym = document::field("pseudonym", &doc.pseudonym, Pseudonym::from_bytes)?;
        let proof = document::field("proof", &doc.proof, Proof::from_bytes)?;
        Ok(Unverified {
            suite: doc.suite,
            kid: doc.issuer,
            schema,
            disclosed,
            nym_count: doc.nym_count,
            context,
            pseudonym,
            proof,
        })
    }

    /// The presentation document.
    pub fn to_json(&self) -> String {
        document::render(&BoundPresentationDocument {
            version: document::VERSION,
            kind: BoundPresentationDocument::TYPE.to_owned(),
            suite: self.issuer.suite(),
            issuer: self.issuer.kid(),
            schema: self.schema.clone().into(),
            disclosed: UniqueMap(self.disclosed.to_object()),
            nym_count: self.nym_count,
            pseudonym_context: b64(&self.context),
            pseudonym: b64(&self.pseudonym.to_bytes()),
            proof: b64(&self.proof.to_bytes()),
        })
    }
}

fn verify_parts(
    issuer: &IssuerPublicKey,
    p: &Parts<'_>,
    nonce: &[u8],
    verifier: Option<&[u8]>,
    context: &[u8],
) -> Result<(), Error> {
    check_context(context)?;
    check_issuer(issuer, p.suite, p.kid)?;
    // The verifier's own context is what the proof is checked under; a document that states
    // another was made for another verifier, and is named as such.
    if p.context != context {
        return Err(Error::PseudonymContextMismatch);
    }
    let header = credential_header(p.schema, p.kid);
    let ph = presentation_header(nonce, verifier);
    let indexes: Vec<usize> = p
        .disclosed
        .iter()
        .filter_map(|(name, _)| p.schema.position(name))
        .collect();
    let messages = p.disclosed.messages();
    let l = p.schema.attributes().len();
    // The proof must cover exactly the schema's attributes, the prover's blind and the N
    // secrets: U + R = L + 1 + N (no other committed messages).
    if p.proof.undisclosed_count() + indexes.len() != l + 1 + p.nym_count {
        return Err(Error::InvalidProof);
    }
    let pk = issuer.public_key();
    with_suite!(p.suite, C => proof_verify_with_nym::<C>(
        pk,
        p.proof,
        &header,
        &ph,
        p.pseudonym,
        context,
        p.nym_count,
        l,
        &messages,
        &indexes,
        &[] as &[&[u8]],
        &[],
    ))
}
