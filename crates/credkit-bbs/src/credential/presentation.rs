//! Presentations: disclosed attributes with a BBS proof, and their verification.

use serde::{Deserialize, Serialize};

use super::attribute::Attributes;
use super::document::{self, b64, Header, UniqueMap};
use super::issued::credential_header;
use super::keys::{with_suite, IssuerPublicKey, SuiteId};
use super::schema::{Schema, SchemaDocument};
use crate::{proof_verify, Error, Proof};

/// Domain separation of the presentation header.
const PRESENTATION_HEADER_DST: &[u8] = b"credkit-presentation-v1";

/// The BBS presentation header: `"credkit-presentation-v1" || I2OSP(len(nonce), 8) || nonce ||
/// (0x00 | 0x01 || I2OSP(len(verifier), 8) || verifier)` (SPEC.md §4.5).
pub(crate) fn presentation_header(nonce: &[u8], verifier: Option<&[u8]>) -> Vec<u8> {
    let mut ph = PRESENTATION_HEADER_DST.to_vec();
    ph.extend_from_slice(&(nonce.len() as u64).to_be_bytes());
    ph.extend_from_slice(nonce);
    match verifier {
        None => ph.push(0x00),
        Some(id) => {
            ph.push(0x01);
            ph.extend_from_slice(&(id.len() as u64).to_be_bytes());
            ph.extend_from_slice(id);
        }
    }
    ph
}

/// A presentation: the disclosed attributes of a credential and a proof that an issuer signed
/// them, bound to one verifier's nonce.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Presentation {
    issuer: IssuerPublicKey,
    schema: Schema,
    disclosed: Attributes,
    proof: Proof,
}

/// The JSON form of a presentation (SPEC.md §4.5). It names the issuer by key id only: the
/// verifier brings the issuer's public key it trusts.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PresentationDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    issuer: String,
    schema: SchemaDocument,
    disclosed: UniqueMap,
    proof: String,
}

impl Header for PresentationDocument {
    const TYPE: &'static str = "presentation";
}

/// A presentation as read from JSON, before the verifier supplies the issuer key.
struct Unverified {
    suite: SuiteId,
    kid: String,
    schema: Schema,
    disclosed: Attributes,
    proof: Proof,
}

impl Presentation {
    pub(crate) fn new(
        issuer: IssuerPublicKey,
        schema: Schema,
        disclosed: Attributes,
        proof: Proof,
    ) -> Self {
        Presentation {
            issuer,
            schema,
            disclosed,
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

    /// Verifies the presentation against the issuer key the verifier trusts, its own `nonce`
    /// and, when it has one, its `verifier` id; returns the disclosed attributes.
    ///
    /// # Errors
    /// [`Error::SuiteMismatch`], [`Error::IssuerMismatch`], [`Error::InvalidProof`].
    pub fn verify(
        &self,
        issuer: &IssuerPublicKey,
        nonce: &[u8],
        verifier: Option<&[u8]>,
    ) -> Result<Attributes, Error> {
        verify_parts(
            issuer,
            self.issuer.suite(),
            &self.issuer.kid(),
            &self.schema,
            &self.disclosed,
            &self.proof,
            nonce,
            verifier,
        )?;
        Ok(self.disclosed.clone())
    }

    /// Reads and verifies a presentation document in one step (a verifier never needs an
    /// unverified presentation).
    ///
    /// # Errors
    /// The errors of reading (as [`Presentation::from_json`]) and of [`Presentation::verify`].
    pub fn verify_json(
        json: &str,
        issuer: &IssuerPublicKey,
        nonce: &[u8],
        verifier: Option<&[u8]>,
    ) -> Result<Attributes, Error> {
        let p = Self::parse(json)?;
        verify_parts(
            issuer,
            p.suite,
            &p.kid,
            &p.schema,
            &p.disclosed,
            &p.proof,
            nonce,
            verifier,
        )?;
        Ok(p.disclosed)
    }

    /// Reads a presentation document whose issuer key is `issuer` (the document names it by
    /// key id). Nothing is verified: call [`Presentation::verify`].
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`], schema and
    /// attribute errors, [`Error::InvalidBase64`], proof decoding errors,
    /// [`Error::IssuerMismatch`], [`Error::SuiteMismatch`].
    pub fn from_json(json: &str, issuer: &IssuerPublicKey) -> Result<Self, Error> {
        let p = Self::parse(json)?;
        check_issuer(issuer, p.suite, &p.kid)?;
        Ok(Presentation {
            issuer: issuer.clone(),
            schema: p.schema,
            disclosed: p.disclosed,
            proof: p.proof,
        })
    }

    fn parse(json: &str) -> Result<Unverified, Error> {
        let doc: PresentationDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, PresentationDocument::TYPE)?;
        let schema = Schema::try_from(doc.schema)?;
        let disclosed = Attributes::from_object(&schema, &doc.disclosed.0, false)?;
        let proof = document::field("proof", &doc.proof, Proof::from_bytes)?;
        Ok(Unverified {
            suite: doc.suite,
            kid: doc.issuer,
            schema,
            disclosed,
            proof,
        })
    }

    /// The presentation document.
    pub fn to_json(&self) -> String {
        document::render(&PresentationDocument {
            version: document::VERSION,
            kind: PresentationDocument::TYPE.to_owned(),
            suite: self.issuer.suite(),
            issuer: self.issuer.kid(),
            schema: self.schema.clone().into(),
            disclosed: UniqueMap(self.disclosed.to_object()),
            proof: b64(&self.proof.to_bytes()),
        })
    }
}

pub(crate) fn check_issuer(
    issuer: &IssuerPublicKey,
    suite: SuiteId,
    kid: &str,
) -> Result<(), Error> {
    if suite != issuer.suite() {
        return Err(Error::SuiteMismatch {
            expected: issuer.suite(),
            found: suite,
        });
    }
    if kid != issuer.kid() {
        return Err(Error::IssuerMismatch);
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn verify_parts(
    issuer: &IssuerPublicKey,
    suite: SuiteId,
    kid: &str,
    schema: &Schema,
    disclosed: &Attributes,
    proof: &Proof,
    nonce: &[u8],
    verifier: Option<&[u8]>,
) -> Result<(), Error> {
    check_issuer(issuer, suite, kid)?;
    let header = credential_header(schema, kid);
    let ph = presentation_header(nonce, verifier);
    let indexes: Vec<usize> = disclosed
        .iter()
        .filter_map(|(name, _)| schema.position(name))
        .collect();
    let messages = disclosed.messages();
    // The proof must cover exactly the schema's attributes: U + R = L.
    if proof.undisclosed_count() + indexes.len() != schema.attributes().len() {
        return Err(Error::InvalidProof);
    }
    let pk = issuer.public_key();
    with_suite!(suite, C => proof_verify::<C>(pk, proof, &header, &ph, &messages, &indexes))
}
