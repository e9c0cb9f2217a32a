//! Credentials: issuing, reading, and verifying on receipt.

use rand_core::{CryptoRng, OsRng, RngCore};
use serde::{Deserialize, Serialize};

use super::attribute::Attributes;
use super::document::{self, b64, Header, UniqueMap};
use super::keys::{with_suite, IssuerKey, IssuerPublicKey, SuiteId};
use super::presentation::{presentation_header, Presentation};
use super::schema::{Schema, SchemaDocument};
use crate::{proof_gen_with_rng, sign, verify, Error, PublicKey, Signature};

/// Domain separation of the BBS header of a credential.
const CREDENTIAL_HEADER_DST: &[u8] = b"credkit-credential-v1";

/// The BBS header of a credential: `"credkit-credential-v1" || schema digest (32) ||
/// I2OSP(len(kid), 1) || kid` (SPEC.md §4.4).
pub(crate) fn credential_header(schema: &Schema, kid: &str) -> Vec<u8> {
    let mut header = CREDENTIAL_HEADER_DST.to_vec();
    header.extend_from_slice(&schema.digest());
    // A kid is a 43-character base64url thumbprint; documents with longer ones are rejected.
    header.push(kid.len() as u8);
    header.extend_from_slice(kid.as_bytes());
    header
}

/// A credential: a schema, the values of all its attributes, and the issuer's BBS signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credential {
    issuer: IssuerPublicKey,
    schema: Schema,
    attributes: Attributes,
    signature: Signature,
}

/// The JSON form of a credential (SPEC.md §4.4).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    issuer: IssuerField,
    schema: SchemaDocument,
    attributes: UniqueMap,
    signature: String,
}

/// The issuer as a credential names it: key id and public key.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct IssuerField {
    kid: String,
    public_key: String,
}

impl IssuerField {
    pub(crate) fn new(issuer: &IssuerPublicKey) -> Self {
        IssuerField {
            kid: issuer.kid(),
            public_key: b64(&issuer.public_key().to_bytes()),
        }
    }

    /// The issuer key under `suite`, whose `kid` must be its thumbprint.
    pub(crate) fn read(&self, suite: SuiteId) -> Result<IssuerPublicKey, Error> {
        let issuer = IssuerPublicKey::new(
            suite,
            document::field("issuer.public_key", &self.public_key, PublicKey::from_bytes)?,
        );
        if self.kid != issuer.kid() {
            return Err(Error::KeyMismatch);
        }
        Ok(issuer)
    }
}

impl Header for CredentialDocument {
    const TYPE: &'static str = "credential";
}

impl IssuerKey {
    /// Issues a credential: signs every attribute of `schema`, in schema order, under the
    /// header that binds the schema digest and this key's id.
    ///
    /// # Errors
    /// [`Error::MissingAttribute`] or [`Error::UnknownAttribute`] when `attributes` are not
    /// exactly the schema's (build them with [`Attributes::from_json`]).
    pub fn issue(&self, schema: &Schema, attributes: &Attributes) -> Result<Credential, Error> {
        check_complete(schema, attributes)?;
        let issuer = self.public();
        let header = credential_header(schema, &issuer.kid());
        let messages = attributes.messages();
        let signature =
            with_suite!(self.suite(), C => sign::<C>(self.secret_key(), &header, &messages))?;
        Ok(Credential {
            issuer,
            schema: schema.clone(),
            attributes: attributes.clone(),
            signature,
        })
    }
}

/// The schema positions of the attributes named in `disclose`, ascending, each once.
pub(crate) fn disclosed_indexes(schema: &Schema, disclose: &[&str]) -> Result<Vec<usize>, Error> {
    let mut indexes = Vec::with_capacity(disclose.len());
    for name in disclose {
        indexes.push(
            schema
                .position(name)
                .ok_or_else(|| Error::UnknownAttribute((*name).to_owned()))?,
        );
    }
    indexes.sort_unstable();
    indexes.dedup();
    Ok(indexes)
}

/// Checks that `attributes` are the schema's, in order and typed as it says.
pub(crate) fn check_complete(schema: &Schema, attributes: &Attributes) -> Result<(), Error> {
    for (def, (name, value)) in schema.attributes().iter().zip(attributes.iter()) {
        if def.name != name {
            return Err(Error::UnknownAttribute(name.to_owned()));
        }
        if def.kind != value.kind() {
            return Err(Error::AttributeType {
                name: name.to_owned(),
                expected: def.kind,
            });
        }
    }
    match schema.attributes().get(attributes.len()) {
        Some(missing) => Err(Error::MissingAttribute(missing.name.clone())),
        None if attributes.len() > schema.attributes().len() => Err(Error::UnknownAttribute(
            attributes
                .iter()
                .nth(schema.attributes().len())
                .map_or("", |(n, _)| n)
                .to_owned(),
        )),
        None => Ok(()),
    }
}

impl Credential {
    /// The issuer, as the credential names it.
    pub fn issuer(&self) -> &IssuerPublicKey {
        &self.issuer
    }

    /// The schema.
    pub fn schema(&self) -> &Schema {
        &self.schema
    }

    /// All attributes, in schema order.
    pub fn attributes(&self) -> &Attributes {
        &self.attributes
    }

    /// Verifies the issuer's signature, as a holder does once on receipt.
    ///
    /// # Errors
    /// [`Error::InvalidSignature`].
    pub fn verify(&self) -> Result<(), Error> {
        let header = credential_header(&self.schema, &self.issuer.kid());
        let messages = self.attributes.messages();
        let pk: &PublicKey = self.issuer.public_key();
        with_suite!(self.issuer.suite(), C => verify::<C>(pk, &self.signature, &header, &messages))
    }

    /// A presentation disclosing the attributes named in `disclose`, bound to the verifier's
    /// `nonce` and, when given, `verifier` id. Randomness from the operating system.
    ///
    /// # Errors
    /// [`Error::UnknownAttribute`] for a name not in the schema.
    pub fn present(
        &self,
        disclose: &[&str],
        nonce: &[u8],
        verifier: Option<&[u8]>,
    ) -> Result<Presentation, Error> {
        self.present_with_rng(&mut OsRng, disclose, nonce, verifier)
    }

    /// [`Credential::present`] with the caller's random number generator.
    ///
    /// # Errors
    /// As [`Credential::present`].
    pub fn present_with_rng(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        disclose: &[&str],
        nonce: &[u8],
        verifier: Option<&[u8]>,
    ) -> Result<Presentation, Error> {
        let indexes = disclosed_indexes(&self.schema, disclose)?;
        let header = credential_header(&self.schema, &self.issuer.kid());
        let ph = presentation_header(nonce, verifier);
        let messages = self.attributes.messages();
        let pk = self.issuer.public_key();
        let proof = with_suite!(self.issuer.suite(), C =>
            proof_gen_with_rng::<C>(rng, pk, &self.signature, &header, &ph, &messages, &indexes))?;
        let disclosed = self.attributes.select(&indexes);
        Ok(Presentation::new(
            self.issuer.clone(),
            self.schema.clone(),
            disclosed,
            proof,
        ))
    }

    /// The credential document.
    pub fn to_json(&self) -> String {
        document::render(&CredentialDocument {
            version: document::VERSION,
            kind: CredentialDocument::TYPE.to_owned(),
            suite: self.issuer.suite(),
            issuer: IssuerField::new(&self.issuer),
            schema: self.schema.clone().into(),
            attributes: UniqueMap(self.attributes.to_object()),
            signature: b64(&self.signature.to_bytes()),
        })
    }

    /// Reads a credential document: its schema, attributes (typed as the schema says),
    /// issuer key (whose `kid` must be its thumbprint) and signature encoding. It does not
    /// verify the signature: call [`Credential::verify`].
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`], the
    /// schema's and attributes' errors, [`Error::InvalidBase64`], [`Error::Encoding`],
    /// [`Error::KeyMismatch`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let doc: CredentialDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, CredentialDocument::TYPE)?;
        let issuer = doc.issuer.read(doc.suite)?;
        let schema = Schema::try_from(doc.schema)?;
        let attributes = Attributes::from_object(&schema, &doc.attributes.0, true)?;
        let signature = document::field("signature", &doc.signature, Signature::from_bytes)?;
        Ok(Credential {
            issuer,
            schema,
            attributes,
            signature,
        })
    }
}
