//! `abe-authority-key`, `abe-public-key`, `abe-user-key`: the keys of an attribute authority
//! and of its users.

use core::fmt;

use credkit_abe::fabeo::{self, MasterPublicKey, MasterSecretKey, UserKey};
use credkit_abe::policy::Attribute;
use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::{
    b64_secret, base64url, check_header, header, in_field, parse, render, render_secret, unb64,
    AuthorityId, DocumentType, FormatError,
};

/// An attribute authority's master secret key, with its public key.
///
/// **Secret.** The CLI writes it with mode 0600, never to standard output; `Debug` shows only
/// the authority's id, and the secret is wiped on drop.
///
/// ```json
/// {
///   "version": 1,
///   "type": "abe-authority-key",
///   "kid": "<43 base64url: SHA-256 of public_key>",
///   "public_key": "<384 base64url: e(g1, g2)^alpha, compressed GT, 288 bytes>",
///   "secret_key": "<43 base64url: alpha, 32 bytes big-endian, nonzero, below r>"
/// }
/// ```
///
/// Read back, `public_key` must be the secret's, and `kid` its id.
#[derive(Clone, PartialEq, Eq)]
pub struct AuthorityKey {
    secret: MasterSecretKey,
    public: MasterPublicKey,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AuthorityKeyDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    kid: String,
    public_key: String,
    secret_key: Zeroizing<String>,
}

impl AuthorityKey {
    /// `Setup`: a fresh master key pair.
    pub fn generate(rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let (public, secret) = fabeo::setup(rng);
        AuthorityKey { secret, public }
    }

    /// The authority of the master secret key `secret` (computes its public key: a pairing).
    pub fn from_secret(secret: MasterSecretKey) -> Self {
        AuthorityKey {
            public: secret.public_key(),
            secret,
        }
    }

    /// The master secret key.
    pub fn secret(&self) -> &MasterSecretKey {
        &self.secret
    }

    /// The public key, to publish.
    pub fn public(&self) -> AuthorityPublicKey {
        AuthorityPublicKey::new(self.public.clone())
    }

    /// The authority's id.
    pub fn id(&self) -> AuthorityId {
        AuthorityId::of(&self.public)
    }

    /// `KeyGen`: a user key for `attributes`, naming this authority.
    ///
    /// # Errors
    /// As [`MasterSecretKey::keygen`]: an attribute given twice, or too many.
    pub fn keygen(
        &self,
        rng: &mut (impl RngCore + CryptoRng),
        attributes: &[Attribute],
    ) -> Result<UserKeyFile, credkit_abe::Error> {
        Ok(UserKeyFile {
            authority: self.id(),
            key: self.secret.keygen(rng, attributes)?,
        })
    }

    /// The document (see the type's documentation), in a buffer wiped on drop.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = header(DocumentType::AuthorityKey);
        render_secret(&AuthorityKeyDocument {
            version,
            kind,
            kid: self.id().to_string(),
            public_key: base64url::encode(&self.public.to_bytes()),
            secret_key: b64_secret(&self.secret.to_bytes()[..]),
        })
    }

    /// Reads the document.
    ///
    /// # Errors
    /// [`FormatError`]: the header, the fields, `secret_key` not a valid key, `public_key` or
    /// `kid` not the secret's ([`FormatError::Inconsistent`]).
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: AuthorityKeyDocument = parse(json, DocumentType::AuthorityKey)?;
        check_header(doc.version, &doc.kind, DocumentType::AuthorityKey)?;
        let secret = unb64(&doc.secret_key, "secret_key")?;
        let secret = MasterSecretKey::from_bytes(&secret).map_err(in_field("secret_key"))?;
        let public_key = unb64(&doc.public_key, "public_key")?;
        let kid = AuthorityId::from_field(&doc.kid, "kid")?;
        let key = AuthorityKey::from_secret(secret);
        if key.public.to_bytes() != public_key.as_slice() {
            return Err(FormatError::Inconsistent("public_key"));
        }
        if key.id() != kid {
            return Err(FormatError::Inconsistent("kid"));
        }
        Ok(key)
    }
}

impl fmt::Debug for AuthorityKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorityKey")
            .field("kid", &self.id())
            .field("secret", &"<redacted>")
            .finish()
    }
}

/// An attribute authority's master public key: what anyone needs to encrypt to its users.
///
/// ```json
/// {
///   "version": 1,
///   "type": "abe-public-key",
///   "kid": "<43 base64url: SHA-256 of public_key>",
///   "public_key": "<384 base64url: compressed GT, 288 bytes>"
/// }
/// ```
///
/// Read back, the key must be an element of GT's order-`r` subgroup other than 1, in its
/// canonical compression, and `kid` its id.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorityPublicKey {
    key: MasterPublicKey,
    id: AuthorityId,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicKeyDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    kid: String,
    public_key: String,
}

impl AuthorityPublicKey {
    /// The document of `key`.
    pub fn new(key: MasterPublicKey) -> Self {
        AuthorityPublicKey {
            id: AuthorityId::of(&key),
            key,
        }
    }

    /// The master public key.
    pub fn key(&self) -> &MasterPublicKey {
        &self.key
    }

    /// The authority's id.
    pub fn id(&self) -> AuthorityId {
        self.id
    }

    /// The document (see the type's documentation).
    pub fn to_json(&self) -> String {
        let (version, kind) = header(DocumentType::PublicKey);
        render(&PublicKeyDocument {
            version,
            kind,
            kid: self.id.to_string(),
            public_key: base64url::encode(&self.key.to_bytes()),
        })
    }

    /// Reads the document.
    ///
    /// # Errors
    /// [`FormatError`]: the header, the fields, `public_key` not a valid key, `kid` not its id.
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: PublicKeyDocument = parse(json, DocumentType::PublicKey)?;
        check_header(doc.version, &doc.kind, DocumentType::PublicKey)?;
        let bytes = unb64(&doc.public_key, "public_key")?;
        let key = MasterPublicKey::from_bytes(&bytes).map_err(in_field("public_key"))?;
        let kid = AuthorityId::from_field(&doc.kid, "kid")?;
        let public = AuthorityPublicKey::new(key);
        if public.id != kid {
            return Err(FormatError::Inconsistent("kid"));
        }
        Ok(public)
    }
}

/// A user's key: the attributes an authority gave it, and the authority's id.
///
/// **Secret.** The CLI writes it with mode 0600, never to standard output; `Debug` shows only
/// the attributes, and the key is wiped on drop.
///
/// ```json
/// {
///   "version": 1,
///   "type": "abe-user-key",
///   "authority": "<43 base64url: the kid of the authority that made it>",
///   "attributes": ["hospital:H1", "role:cardiologist"],
///   "key": "<base64url of credkit-abe's UserKey::to_bytes>"
/// }
/// ```
///
/// `attributes` are the key's, in canonical form and order (as `key` holds them), for people
/// to read; read back, they must be exactly the key's. `authority` lets `abe decrypt` tell a
/// key of another authority from an altered envelope; nothing binds it to the key
/// cryptographically.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserKeyFile {
    authority: AuthorityId,
    key: UserKey,
}

/// The JSON form, field for field.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct UserKeyDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    authority: String,
    attributes: Vec<String>,
    key: Zeroizing<String>,
}

impl UserKeyFile {
    /// The document of `key`, made by the authority `authority`.
    pub fn new(authority: AuthorityId, key: UserKey) -> Self {
        UserKeyFile { authority, key }
    }

    /// The authority that made the key (as the document says).
    pub fn authority(&self) -> AuthorityId {
        self.authority
    }

    /// The FABEO user key.
    pub fn key(&self) -> &UserKey {
        &self.key
    }

    /// The key's attributes, in canonical order.
    pub fn attributes(&self) -> impl Iterator<Item = &Attribute> {
        self.key.attributes()
    }

    /// The document (see the type's documentation), in a buffer wiped on drop.
    pub fn to_json(&self) -> Zeroizing<String> {
        let (version, kind) = header(DocumentType::UserKey);
        render_secret(&UserKeyDocument {
            version,
            kind,
            authority: self.authority.to_string(),
            attributes: self.key.attributes().map(Attribute::to_string).collect(),
            key: b64_secret(&self.key.to_bytes()),
        })
    }

    /// Reads the document.
    ///
    /// # Errors
    /// [`FormatError`]: the header, the fields, `key` not a valid user key, `attributes` not
    /// the key's.
    pub fn from_json(json: &str) -> Result<Self, FormatError> {
        let doc: UserKeyDocument = parse(json, DocumentType::UserKey)?;
        check_header(doc.version, &doc.kind, DocumentType::UserKey)?;
        let authority = AuthorityId::from_field(&doc.authority, "authority")?;
        let bytes = unb64(&doc.key, "key")?;
        let key = UserKey::from_bytes(&bytes).map_err(in_field("key"))?;
        if !key
            .attributes()
            .map(Attribute::to_string)
            .eq(doc.attributes.iter().cloned())
        {
            return Err(FormatError::Inconsistent("attributes"));
        }
        Ok(UserKeyFile { authority, key })
    }
}
