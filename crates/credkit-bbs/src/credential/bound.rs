//! Holder-bound credentials: issued against a [`CredentialRequest`], presented only with the
//! [`HolderSecret`] it was requested with, and with a pseudonym for each verifier (SPEC.md
//! §4.6).

use blstrs::G1Affine;
use credkit_core::encoding::g1_to_bytes;
use rand_core::{CryptoRng, OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::attribute::Attributes;
use super::bound_presentation::{check_context, BoundPresentation};
use super::document::{self, b64, Header, UniqueMap};
use super::issued::{check_complete, credential_header, disclosed_indexes, IssuerField};
use super::keys::{with_suite, IssuerKey, IssuerPublicKey, SuiteId};
use super::presentation::presentation_header;
use super::request::{check_nym_count, point_field, CredentialRequest, HolderSecret};
use super::schema::{Schema, SchemaDocument};
use crate::pseudonym::{
    blind_sign_with_nym, proof_gen_with_nym_with_scalars, verify_finalize_with_nym, NymEntropy,
    NymSecrets,
};
use crate::utils::{calculate_random_scalars, wipe};
use crate::{Error, Signature, MAX_MESSAGES};

/// A holder-bound credential: a schema, the values of all its attributes, and the issuer's
/// blind signature over them and the holder's committed pseudonym secrets.
///
/// It carries the issuer's `signer_nym_entropy`, which the holder needs to finalize its
/// secrets. Nobody can present the credential without the [`HolderSecret`], but together
/// with it the entropy is as sensitive as the secret: the credential's document is returned
/// in a buffer wiped on drop and belongs in a file only its owner can read. `Debug` redacts the
/// entropy.
///
/// ```
/// use credkit_bbs::credential::{Attributes, BoundPresentation, CredentialRequest, IssuerKey, Schema, SuiteId};
/// use credkit_bbs::Error;
///
/// let schema = Schema::from_json(r#"{"version": 1, "type": "schema", "id": "urn:example:rx:v1",
///     "attributes": [{"name": "drug", "type": "string"}, {"name": "refills", "type": "integer"}]}"#)?;
/// let hospital = IssuerKey::generate(SuiteId::Sha256, &mut rand_core::OsRng);
/// // The patient asks for a credential; its secret stays with it.
/// let (request, secret) = CredentialRequest::new(SuiteId::Sha256, &schema, 1)?;
/// let attributes = Attributes::from_json(&schema, r#"{"drug": "digoxin", "refills": 2}"#)?;
/// let credential = hospital.issue_bound(&request, &schema, &attributes)?;
/// credential.verify(&secret)?;
///
/// // Two visits to one pharmacy: one pseudonym.
/// let visit = |nonce: &[u8]| credential.present(&secret, &["drug"], nonce, None, b"pharmacy-7");
/// let (_, first) = visit(b"n-1")?.verify(&hospital.public(), b"n-1", None, b"pharmacy-7")?;
/// let (_, second) = visit(b"n-2")?.verify(&hospital.public(), b"n-2", None, b"pharmacy-7")?;
/// assert_eq!(first, second);
///
/// // Without the holder's secret, a copy of the credential is useless.
/// let (_, stranger) = CredentialRequest::new(SuiteId::Sha256, &schema, 1)?;
/// assert_eq!(
///     credential.present(&stranger, &["drug"], b"n-3", None, b"pharmacy-7").unwrap_err(),
///     Error::HolderSecretMismatch
/// );
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BoundCredential {
    issuer: IssuerPublicKey,
    schema: Schema,
    attributes: Attributes,
    nym_count: usize,
    commitment: G1Affine,
    entropy: NymEntropy,
    signature: Signature,
}

/// The JSON form of a holder-bound credential (SPEC.md §4.6).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BoundCredentialDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    issuer: IssuerField,
    schema: SchemaDocument,
    attributes: UniqueMap,
    nym_count: usize,
    commitment: String,
    signer_nym_entropy: Zeroizing<String>,
    signature: String,
}

impl Header for BoundCredentialDocument {
    const TYPE: &'static str = "bound-credential";
}

impl IssuerKey {
    /// Issues a holder-bound credential against `request`: checks that the request is for
    /// this key's suite and for `schema`, then signs every attribute, in schema order, under
    /// the header plain credentials use (schema digest and key id), together with the
    /// holder's committed secrets and fresh entropy (`BlindSignWithNym`). Randomness from the
    /// operating system.
    ///
    /// # Errors
    /// [`Error::SuiteMismatch`]; [`Error::RequestSchemaMismatch`]; [`Error::MissingAttribute`],
    /// [`Error::UnknownAttribute`] or [`Error::AttributeType`] when `attributes` are not the
    /// schema's; [`Error::InvalidCommitment`] when the request's commitment proof does not
    /// verify; [`Error::NymSecretCount`].
    pub fn issue_bound(
        &self,
        request: &CredentialRequest,
        schema: &Schema,
        attributes: &Attributes,
    ) -> Result<BoundCredential, Error> {
        self.issue_bound_with_rng(&mut OsRng, request, schema, attributes)
    }

    /// [`IssuerKey::issue_bound`] with the caller's random number generator.
    ///
    /// # Errors
    /// As [`IssuerKey::issue_bound`].
    pub fn issue_bound_with_rng(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        request: &CredentialRequest,
        schema: &Schema,
        attributes: &Attributes,
    ) -> Result<BoundCredential, Error> {
        if request.suite() != self.suite() {
            return Err(Error::SuiteMismatch {
                expected: self.suite(),
                found: request.suite(),
            });
        }
        request.check_schema(schema)?;
        check_complete(schema, attributes)?;
        let issuer = self.public();
        let header = credential_header(schema, &issuer.kid());
        let messages = attributes.messages();
        let entropy = NymEntropy::generate(rng);
        let signature = with_suite!(self.suite(), C => blind_sign_with_nym::<C>(
            self.secret_key(),
            request.commitment(),
            request.nym_count(),
            &entropy,
            &header,
            &messages,
        ))?;
        Ok(BoundCredential {
            issuer,
            schema: schema.clone(),
            attributes: attributes.clone(),
            nym_count: request.nym_count(),
            commitment: request.commitment().commit,
            entropy,
            signature,
        })
    }
}

impl BoundCredential {
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

    /// The number `N` of pseudonym secrets the credential binds.
    pub fn nym_count(&self) -> usize {
        self.nym_count
    }

    /// Verifies the issuer's signature with the holder's secret (`VerifyFinalizeWithNym`), as
    /// the holder does on receipt.
    ///
    /// # Errors
    /// [`Error::SuiteMismatch`] or [`Error::HolderSecretMismatch`] for a secret of another
    /// request; [`Error::NymSecretCount`] when the credential names another number of secrets
    /// than the secret holds; [`Error::InvalidSignature`].
    pub fn verify(&self, secret: &HolderSecret) -> Result<(), Error> {
        self.finalize(secret).map(drop)
    }

    /// The holder's final pseudonym secrets: its own with the issuer's entropy added, once
    /// the signature verifies with them.
    fn finalize(&self, secret: &HolderSecret) -> Result<NymSecrets, Error> {
        if secret.suite() != self.issuer.suite() {
            return Err(Error::SuiteMismatch {
                expected: self.issuer.suite(),
                found: secret.suite(),
            });
        }
        if secret.commitment_bytes() != g1_to_bytes(&self.commitment) {
            return Err(Error::HolderSecretMismatch);
        }
        if secret.nym_count() != self.nym_count {
            return Err(Error::NymSecretCount {
                expected: self.nym_count,
                found: secret.nym_count(),
            });
        }
        let header = credential_header(&self.schema, &self.issuer.kid());
        let messages = self.attributes.messages();
        let pk = self.issuer.public_key();
        with_suite!(self.issuer.suite(), C => verify_finalize_with_nym::<C>(
            pk,
            &self.signature,
            &header,
            &messages,
            &[] as &[&[u8]],
            secret.nyms(),
            &self.entropy,
            Some(secret.blind()),
        ))
    }

    /// A presentation disclosing the attributes named in `disclose`, bound to the verifier's
    /// `nonce` and, when given, `verifier` id, with the holder's pseudonym for `context` (the
    /// verifier's pseudonym context, 1 to 255 bytes). The signature is verified with the
    /// secret first. Randomness from the operating system.
    ///
    /// # Errors
    /// [`Error::UnknownAttribute`] for a name not in the schema;
    /// [`Error::InvalidPseudonymContext`]; the errors of [`BoundCredential::verify`].
    pub fn present(
        &self,
        secret: &HolderSecret,
        disclose: &[&str],
        nonce: &[u8],
        verifier: Option<&[u8]>,
        context: &[u8],
    ) -> Result<BoundPresentation, Error> {
        self.present_with_rng(&mut OsRng, secret, disclose, nonce, verifier, context)
    }

    /// [`BoundCredential::present`] with the caller's random number generator.
    ///
    /// # Errors
    /// As [`BoundCredential::present`].
    pub fn present_with_rng(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        secret: &HolderSecret,
        disclose: &[&str],
        nonce: &[u8],
        verifier: Option<&[u8]>,
        context: &[u8],
    ) -> Result<BoundPresentation, Error> {
        check_context(context)?;
        let indexes = disclosed_indexes(&self.schema, disclose)?;
        let nym_secrets = self.finalize(secret)?;
        let header = credential_header(&self.schema, &self.issuer.kid());
        let ph = presentation_header(nonce, verifier);
        let messages = self.attributes.messages();
        let pk = self.issuer.public_key();
        // Messages: the L attributes, the prover's blind, the N secrets.
        let total = messages.len() + 1 + self.nym_count;
        if total > MAX_MESSAGES {
            return Err(Error::TooManyMessages(total));
        }
        let mut random_scalars = calculate_random_scalars(rng, total - indexes.len() + 5);
        let result = with_suite!(self.issuer.suite(), C => proof_gen_with_nym_with_scalars::<C>(
            pk,
            &self.signature,
            &header,
            &ph,
            &nym_secrets,
            context,
            &messages,
            &[] as &[&[u8]],
            &indexes,
            &[],
            Some(secret.blind()),
            &random_scalars,
        ));
        wipe(&mut random_scalars);
        let (proof, pseudonym) = result?;
        Ok(BoundPresentation::new(
            self.issuer.clone(),
            self.schema.clone(),
            self.attributes.select(&indexes),
            self.nym_count,
            context.to_vec(),
            pseudonym,
            proof,
        ))
    }

    /// The credential document. It holds the issuer's entropy: write it only to a file only
    /// its owner can read.
    pub fn to_json(&self) -> Zeroizing<String> {
        Zeroizing::new(document::render(&BoundCredentialDocument {
            version: document::VERSION,
            kind: BoundCredentialDocument::TYPE.to_owned(),
            suite: self.issuer.suite(),
            issuer: IssuerField::new(&self.issuer),
            schema: self.schema.clone().into(),
            attributes: UniqueMap(self.attributes.to_object()),
            nym_count: self.nym_count,
            commitment: b64(&g1_to_bytes(&self.commitment)),
            signer_nym_entropy: Zeroizing::new(b64(&self.entropy.to_bytes()[..])),
            signature: b64(&self.signature.to_bytes()),
        }))
    }

    /// Reads a holder-bound credential document: its schema, attributes (typed as the schema
    /// says), issuer key (whose `kid` must be its thumbprint), and the encodings of its
    /// commitment, entropy and signature. It does not verify the signature: call
    /// [`BoundCredential::verify`] with the holder's secret.
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`], the
    /// schema's and attributes' errors, [`Error::InvalidBase64`], [`Error::InField`],
    /// [`Error::KeyMismatch`], [`Error::NymSecretCount`] for a `nym_count` outside 1..=64.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let doc: BoundCredentialDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, BoundCredentialDocument::TYPE)?;
        let issuer = doc.issuer.read(doc.suite)?;
        let schema = Schema::try_from(doc.schema)?;
        let attributes = Attributes::from_object(&schema, &doc.attributes.0, true)?;
        check_nym_count(doc.nym_count)?;
        let commitment = point_field("commitment", &doc.commitment)?;
        let entropy = document::field(
            "signer_nym_entropy",
            &doc.signer_nym_entropy,
            NymEntropy::from_bytes,
        )?;
        let signature = document::field("signature", &doc.signature, Signature::from_bytes)?;
        Ok(BoundCredential {
            issuer,
            schema,
            attributes,
            nym_count: doc.nym_count,
            commitment,
            entropy,
            signature,
        })
    }
}
