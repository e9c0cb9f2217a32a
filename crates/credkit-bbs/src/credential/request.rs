//! The holder's first step towards a holder-bound credential: a secret it keeps and a request
//! it sends the issuer (SPEC.md §4.6).
//!
//! The request commits to the holder's pseudonym secrets (`CommitWithNym` of
//! draft-irtf-cfrg-bbs-per-verifier-linkability over no committed messages) and names the
//! schema it asks a credential of. The secrets and the commitment's blinding factor stay in
//! the [`HolderSecret`]: without them the credential the issuer returns cannot be presented.

use core::fmt;

use blstrs::G1Affine;
use credkit_core::encoding::{g1_from_bytes, g1_to_bytes, G1_LEN};
use credkit_core::msm::ct_multi_exp;
use group::Curve;
use rand_core::{CryptoRng, OsRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::document::{self, b64, Header};
use super::keys::{with_suite, SuiteId};
use super::schema::Schema;
use crate::blind::{blind_generators, Commitment, ProverBlind};
use crate::ciphersuite::Ciphersuite;
use crate::pseudonym::{commit_with_nym_with_rng, NymSecrets, MAX_NYM_SECRETS};
use crate::utils::SecretScalars;
use crate::Error;

/// The number of pseudonym secrets a request commits to unless told otherwise: 1.
///
/// With `N` secrets a holder's pseudonyms stay unlinkable even to an adversary who can compute
/// discrete logarithms, as long as it presents to at most `N - 1` contexts; against any other
/// adversary one secret is enough. Each secret adds 32 bytes to every proof.
pub const DEFAULT_NYM_COUNT: usize = 1;

/// A holder's secret for one credential request: its pseudonym secrets (`prover_nyms`), the
/// commitment's blinding factor (`secret_prover_blind`) and, to recognise the credential it
/// belongs to, the commitment point itself.
///
/// Secret: it never leaves the holder. Zeroized on drop, redacted in `Debug`; its document is
/// returned in a buffer wiped on drop and must be stored where only its owner can read it.
///
/// ```
/// use credkit_bbs::credential::{CredentialRequest, HolderSecret, Schema, SuiteId};
///
/// let schema = Schema::from_json(r#"{"version": 1, "type": "schema", "id": "urn:x",
///     "attributes": [{"name": "role", "type": "string"}]}"#)?;
/// let (request, secret) = CredentialRequest::new(SuiteId::Sha256, &schema, 1)?;
/// assert_eq!(request.nym_count(), 1);
/// assert_eq!(HolderSecret::from_json(&secret.to_json())?, secret);
/// assert!(format!("{secret:?}").contains("<redacted>"));
/// // A request for no, or too many, secrets is refused.
/// assert!(CredentialRequest::new(SuiteId::Sha256, &schema, 0).is_err());
/// assert!(CredentialRequest::new(SuiteId::Sha256, &schema, 65).is_err());
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct HolderSecret {
    suite: SuiteId,
    commitment: G1Affine,
    nyms: NymSecrets,
    blind: ProverBlind,
}

/// A request for a holder-bound credential: the schema asked for and a commitment, with its
/// proof of correctness, to the holder's pseudonym secrets. Public: the commitment hides the
/// secrets.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CredentialRequest {
    suite: SuiteId,
    schema_id: String,
    schema_digest: [u8; 32],
    nym_count: usize,
    commitment: Commitment,
}

/// The JSON form of a holder secret (SPEC.md §4.6).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct HolderSecretDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    commitment: String,
    nym_secrets: Zeroizing<String>,
    prover_blind: Zeroizing<String>,
}

impl Header for HolderSecretDocument {
    const TYPE: &'static str = "holder-secret";
}

/// The JSON form of a credential request (SPEC.md §4.6).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RequestDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    schema_id: String,
    schema_digest: String,
    nym_count: usize,
    commitment: String,
}

impl Header for RequestDocument {
    const TYPE: &'static str = "credential-request";
}

impl CredentialRequest {
    /// A request for a credential of `schema` under `suite`, committing to `nym_count` fresh
    /// pseudonym secrets (1 to 64; [`DEFAULT_NYM_COUNT`] is the usual choice), and the secret
    /// the holder keeps. Randomness from the operating system.
    ///
    /// # Errors
    /// [`Error::NymSecretCount`] for `nym_count` outside 1..=64.
    pub fn new(
        suite: SuiteId,
        schema: &Schema,
        nym_count: usize,
    ) -> Result<(CredentialRequest, HolderSecret), Error> {
        Self::new_with_rng(&mut OsRng, suite, schema, nym_count)
    }

    /// [`CredentialRequest::new`] with the caller's random number generator.
    ///
    /// # Errors
    /// As [`CredentialRequest::new`].
    pub fn new_with_rng(
        rng: &mut (impl RngCore + CryptoRng),
        suite: SuiteId,
        schema: &Schema,
        nym_count: usize,
    ) -> Result<(CredentialRequest, HolderSecret), Error> {
        let nyms = NymSecrets::generate(rng, nym_count)?;
        let (commitment, blind) =
            with_suite!(suite, C => commit_with_nym_with_rng::<C>(rng, &[] as &[&[u8]], &nyms))?;
        let secret = HolderSecret {
            suite,
            commitment: commitment.commit,
            nyms,
            blind,
        };
        let request = CredentialRequest {
            suite,
            schema_id: schema.id().to_owned(),
            schema_digest: schema.digest(),
            nym_count,
            commitment,
        };
        Ok((request, secret))
    }

    /// The suite.
    pub fn suite(&self) -> SuiteId {
        self.suite
    }

    /// The id of the schema asked for.
    pub fn schema_id(&self) -> &str {
        &self.schema_id
    }

    /// The digest of the schema asked for (SPEC.md §4.3).
    pub fn schema_digest(&self) -> [u8; 32] {
        self.schema_digest
    }

    /// The number `N` of pseudonym secrets committed to.
    pub fn nym_count(&self) -> usize {
        self.nym_count
    }

    /// The commitment with its proof of correctness.
    pub fn commitment(&self) -> &Commitment {
        &self.commitment
    }

    /// Checks that the request asks for `schema` (its id and digest).
    ///
    /// # Errors
    /// [`Error::RequestSchemaMismatch`].
    pub fn check_schema(&self, schema: &Schema) -> Result<(), Error> {
        if self.schema_id != schema.id() || self.schema_digest != schema.digest() {
            return Err(Error::RequestSchemaMismatch);
        }
        Ok(())
    }

    /// The request document.
    pub fn to_json(&self) -> String {
        document::render(&RequestDocument {
            version: document::VERSION,
            kind: RequestDocument::TYPE.to_owned(),
            suite: self.suite,
            schema_id: self.schema_id.clone(),
            schema_digest: b64(&self.schema_digest),
            nym_count: self.nym_count,
            commitment: b64(&self.commitment.to_bytes()),
        })
    }

    /// Reads a request document. The commitment's proof is checked when the issuer signs
    /// ([`super::IssuerKey::issue_bound`]), not here.
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`],
    /// [`Error::InvalidSchemaId`], [`Error::InvalidBase64`], [`Error::InField`] for a digest
    /// that is not 32 bytes or a malformed commitment, [`Error::NymSecretCount`] for a
    /// `nym_count` outside 1..=64 or other than the number of scalars committed to.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let doc: RequestDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, RequestDocument::TYPE)?;
        // The schema id follows the schema's rule (SPEC.md §4.3).
        Schema::check_id(&doc.schema_id)?;
        let schema_digest = document::field("schema_digest", &doc.schema_digest, |b| {
            <[u8; 32]>::try_from(b).map_err(|_| {
                Error::Encoding(credkit_core::Error::InvalidLength {
                    expected: 32,
                    found: b.len(),
                })
            })
        })?;
        check_nym_count(doc.nym_count)?;
        let commitment = document::field("commitment", &doc.commitment, Commitment::from_bytes)?;
        if commitment.committed_count() != doc.nym_count {
            return Err(Error::NymSecretCount {
                expected: doc.nym_count,
                found: commitment.committed_count(),
            });
        }
        Ok(CredentialRequest {
            suite: doc.suite,
            schema_id: doc.schema_id,
            schema_digest,
            nym_count: doc.nym_count,
            commitment,
        })
    }
}

/// `nym_count` in 1..=64.
pub(crate) fn check_nym_count(n: usize) -> Result<(), Error> {
    if n == 0 || n > MAX_NYM_SECRETS {
        return Err(Error::NymSecretCount {
            expected: n.clamp(1, MAX_NYM_SECRETS),
            found: n,
        });
    }
    Ok(())
}

/// `C = Q_2 * secret_prover_blind + J_1 * nym_1 + ... + J_N * nym_N`: the commitment of
/// `CommitWithNym` over no committed messages. Constant time.
fn commitment_of<C: Ciphersuite>(
    nyms: &NymSecrets,
    blind: &ProverBlind,
) -> Result<G1Affine, Error> {
    let generators = blind_generators::<C>(nyms.len() + 1, C::PSEUDONYM_API_ID)?;
    let mut scalars = SecretScalars(Vec::with_capacity(nyms.len() + 1));
    scalars.push(blind.expose());
    scalars.extend_from_slice(&nyms.scalars());
    Ok(ct_multi_exp(generators.points(), &scalars)?.to_affine())
}

impl HolderSecret {
    /// The suite.
    pub fn suite(&self) -> SuiteId {
        self.suite
    }

    /// The number `N` of pseudonym secrets.
    pub fn nym_count(&self) -> usize {
        self.nyms.len()
    }

    /// The commitment point the request carried: what a credential issued for it names.
    pub(crate) fn commitment_bytes(&self) -> [u8; G1_LEN] {
        g1_to_bytes(&self.commitment)
    }

    pub(crate) fn nyms(&self) -> &NymSecrets {
        &self.nyms
    }

    pub(crate) fn blind(&self) -> &ProverBlind {
        &self.blind
    }

    /// The holder secret document. It holds the secret: write it only to a file only its
    /// owner can read.
    pub fn to_json(&self) -> Zeroizing<String> {
        let doc = HolderSecretDocument {
            version: document::VERSION,
            kind: HolderSecretDocument::TYPE.to_owned(),
            suite: self.suite,
            commitment: b64(&g1_to_bytes(&self.commitment)),
            nym_secrets: Zeroizing::new(b64(&self.nyms.to_bytes())),
            prover_blind: Zeroizing::new(b64(&self.blind.to_bytes()[..])),
        };
        Zeroizing::new(document::render(&doc))
    }

    /// Reads a holder secret document, checking that its commitment is the one its secrets
    /// make.
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`],
    /// [`Error::InvalidBase64`], [`Error::InField`] for a malformed point or scalar or a
    /// secret vector that is not 1 to 64 scalars, [`Error::InconsistentHolderSecret`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let doc: HolderSecretDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, HolderSecretDocument::TYPE)?;
        let commitment = point_field("commitment", &doc.commitment)?;
        let nyms = document::field("nym_secrets", &doc.nym_secrets, NymSecrets::from_bytes)?;
        let blind = document::field("prover_blind", &doc.prover_blind, ProverBlind::from_bytes)?;
        let made = with_suite!(doc.suite, C => commitment_of::<C>(&nyms, &blind))?;
        if made != commitment {
            return Err(Error::InconsistentHolderSecret);
        }
        Ok(HolderSecret {
            suite: doc.suite,
            commitment,
            nyms,
            blind,
        })
    }
}

impl fmt::Debug for HolderSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HolderSecret")
            .field("suite", &self.suite)
            .field("nym_count", &self.nyms.len())
            .field("secrets", &"<redacted>")
            .finish()
    }
}

/// Decodes the base64url field `field` holding a compressed G1 point (checked: on the curve,
/// in the subgroup, not the identity), naming the field on error.
pub(crate) fn point_field(field: &'static str, text: &str) -> Result<G1Affine, Error> {
    document::field(field, text, |b| Ok(g1_from_bytes(b)?))
}
