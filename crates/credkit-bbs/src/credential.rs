//! Credentials: BBS signatures over typed attributes, as a hospital issues them, a patient
//! holds them, and a pharmacy or a research portal verifies them.
//!
//! - A [`Schema`] names and types an ordered list of attributes; each attribute value becomes
//!   one BBS message by a fixed rule ([`AttributeValue::to_message`]).
//! - The BBS header of a credential binds the schema's digest and the issuer's key id, so a
//!   credential cannot be re-read under another schema or issuer.
//! - A [`Presentation`] discloses a chosen subset of attributes with a BBS proof bound to the
//!   verifier's nonce and, when given, the verifier's id; verifying it returns the disclosed
//!   attributes typed as the schema says. Two presentations of one credential cannot be
//!   linked by their proofs.
//! - A holder-bound credential ([`BoundCredential`]) is issued against a holder's
//!   [`CredentialRequest`], a commitment to secrets that stay in the holder's
//!   [`HolderSecret`]: a copy of the credential without them cannot be presented. Its
//!   presentations ([`BoundPresentation`]) carry the holder's pseudonym for the verifier's
//!   context: one pharmacy recognises a returning patient, two pharmacies cannot link their
//!   visits (draft-irtf-cfrg-bbs-per-verifier-linkability, in [`crate::pseudonym`]).
//!
//! Every document has a versioned JSON form (SPEC.md §4) that names the ciphersuite and
//! rejects unknown fields; issuer public keys also travel as JWK and Multikey.
//!
//! ```
//! use credkit_bbs::credential::{Attributes, IssuerKey, Schema, SuiteId};
//!
//! let schema = Schema::from_json(r#"{"version": 1, "type": "schema", "id": "urn:example:patient:v1",
//!     "attributes": [{"name": "name", "type": "string"}, {"name": "birth_date", "type": "date"},
//!                    {"name": "drug", "type": "string"}, {"name": "refills", "type": "integer"}]}"#)?;
//! let hospital = IssuerKey::generate(SuiteId::Sha256, &mut rand_core::OsRng);
//! let attributes = Attributes::from_json(&schema,
//!     r#"{"name": "Ada", "birth_date": "1815-12-10", "drug": "digoxin", "refills": 2}"#)?;
//! let credential = hospital.issue(&schema, &attributes)?;
//!
//! // The patient shows the pharmacy only the prescription, bound to the pharmacy's nonce.
//! let presentation = credential.present(&["drug", "refills"], b"nonce-1", Some(b"pharmacy-7"))?;
//! let seen = presentation.verify(&hospital.public(), b"nonce-1", Some(b"pharmacy-7"))?;
//! assert_eq!(seen.to_json(), r#"{"drug":"digoxin","refills":2}"#);
//!
//! // Replayed to another verifier, or with another nonce, it fails.
//! assert!(presentation.verify(&hospital.public(), b"nonce-1", Some(b"pharmacy-8")).is_err());
//! # Ok::<(), credkit_bbs::Error>(())
//! ```

mod attribute;
mod bound;
mod bound_presentation;
mod document;
mod issued;
mod keys;
mod presentation;
mod request;
mod schema;

pub use attribute::{AttributeValue, Attributes, Date};
pub use bound::BoundCredential;
pub use bound_presentation::{BoundPresentation, MAX_CONTEXT_LEN};
pub use document::JsonError;
pub use issued::Credential;
pub use keys::{IssuerKey, IssuerPublicKey, SuiteId};
pub use presentation::Presentation;
pub use request::{CredentialRequest, HolderSecret, DEFAULT_NYM_COUNT};
pub use schema::{AttributeDef, AttributeType, Schema};
