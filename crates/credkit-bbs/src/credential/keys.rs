//! Issuer keys and their formats: credkit JSON, JWK and Multikey.

use core::fmt;

use rand_core::{CryptoRng, RngCore};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use super::document::{self, b64, unb64, Header};
use crate::{Error, PublicKey, SecretKey};

/// The ciphersuite a credential document names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum SuiteId {
    /// `BLS12-381-SHA-256`.
    #[serde(rename = "bls12-381-sha-256")]
    Sha256,
    /// `BLS12-381-SHAKE-256`.
    #[serde(rename = "bls12-381-shake-256")]
    Shake256,
}

impl fmt::Display for SuiteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SuiteId::Sha256 => "bls12-381-sha-256",
            SuiteId::Shake256 => "bls12-381-shake-256",
        })
    }
}

/// Runs `$body` with `$c` bound to the ciphersuite type of `$suite`.
macro_rules! with_suite {
    ($suite:expr, $c:ident => $body:expr) => {
        match $suite {
            $crate::credential::SuiteId::Sha256 => {
                type $c = $crate::Bls12381Sha256;
                $body
            }
            $crate::credential::SuiteId::Shake256 => {
                type $c = $crate::Bls12381Shake256;
                $body
            }
        }
    };
}
pub(crate) use with_suite;

/// The multicodec of a BLS12-381 G2 public key (`bls12_381-g2-pub`), as an unsigned varint.
const MULTICODEC_BLS12_381_G2_PUB: [u8; 2] = [0xeb, 0x01];

/// An issuer's secret key, with the suite it signs under.
///
/// ```
/// use credkit_bbs::credential::{IssuerKey, SuiteId};
///
/// let key = IssuerKey::generate(SuiteId::Shake256, &mut rand_core::OsRng);
/// let file = key.to_json();
/// assert_eq!(IssuerKey::from_json(&file)?.public(), key.public());
/// assert!(format!("{key:?}").contains("<redacted>"));
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct IssuerKey {
    suite: SuiteId,
    secret: SecretKey,
}

/// The JSON form of an issuer's secret key (SPEC.md §4.1).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct SecretKeyDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    kid: String,
    public_key: String,
    secret_key: Zeroizing<String>,
}

impl Header for SecretKeyDocument {
    const TYPE: &'static str = "secret-key";
}

impl IssuerKey {
    /// A fresh key from `rng`.
    pub fn generate(suite: SuiteId, rng: &mut (impl RngCore + CryptoRng)) -> Self {
        let secret = with_suite!(suite, C => SecretKey::generate::<C>(rng));
        IssuerKey { suite, secret }
    }

    /// A key from its parts.
    pub fn new(suite: SuiteId, secret: SecretKey) -> Self {
        IssuerKey { suite, secret }
    }

    /// The suite.
    pub fn suite(&self) -> SuiteId {
        self.suite
    }

    /// The BBS secret key.
    pub fn secret_key(&self) -> &SecretKey {
        &self.secret
    }

    /// The public half.
    pub fn public(&self) -> IssuerPublicKey {
        IssuerPublicKey {
            suite: self.suite,
            public: self.secret.public_key().clone(),
        }
    }

    /// The secret key document. It holds the secret: write it only to a file only its owner
    /// can read.
    pub fn to_json(&self) -> Zeroizing<String> {
        let public = self.public();
        let doc = SecretKeyDocument {
            version: document::VERSION,
            kind: SecretKeyDocument::TYPE.to_owned(),
            suite: self.suite,
            kid: public.kid(),
            public_key: b64(&public.public.to_bytes()),
            secret_key: Zeroizing::new(b64(&self.secret.to_bytes()[..])),
        };
        Zeroizing::new(document::render(&doc))
    }

    /// Reads a secret key document, checking that its public key and key id belong to it.
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`],
    /// [`Error::InvalidBase64`], [`Error::Encoding`] for a bad scalar, [`Error::KeyMismatch`].
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let doc: SecretKeyDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, SecretKeyDocument::TYPE)?;
        let secret = document::field("secret_key", &doc.secret_key, SecretKey::from_bytes)?;
        let key = IssuerKey {
            suite: doc.suite,
            secret,
        };
        let public = key.public();
        if unb64("public_key", &doc.public_key)? != public.public.to_bytes()
            || doc.kid != public.kid()
        {
            return Err(Error::KeyMismatch);
        }
        Ok(key)
    }
}

impl fmt::Debug for IssuerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuerKey")
            .field("suite", &self.suite)
            .field("secret", &"<redacted>")
            .field("kid", &self.public().kid())
            .finish()
    }
}

/// An issuer's public key, with its suite.
///
/// ```
/// use credkit_bbs::credential::{IssuerKey, IssuerPublicKey, SuiteId};
///
/// let public = IssuerKey::generate(SuiteId::Sha256, &mut rand_core::OsRng).public();
/// assert_eq!(IssuerPublicKey::from_jwk(&public.to_jwk(), SuiteId::Sha256)?, public);
/// assert!(public.to_multikey().starts_with("zUC7"));
/// assert_eq!(IssuerPublicKey::from_multikey(&public.to_multikey(), SuiteId::Sha256)?, public);
/// # Ok::<(), credkit_bbs::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IssuerPublicKey {
    suite: SuiteId,
    public: PublicKey,
}

/// The JSON form of an issuer's public key (SPEC.md §4.1).
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PublicKeyDocument {
    version: u64,
    #[serde(rename = "type")]
    kind: String,
    suite: SuiteId,
    kid: String,
    public_key: String,
}

impl Header for PublicKeyDocument {
    const TYPE: &'static str = "public-key";
}

/// A JWK of a BLS12-381 G2 public key (draft-ietf-cose-bls-key-representations). Members
/// other than these (`use`, `alg`, ...) are ignored, as RFC 7517 §4 asks.
#[derive(Serialize, Deserialize)]
struct Jwk {
    kty: String,
    crv: String,
    x: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
}

impl IssuerPublicKey {
    /// A public key from its parts.
    pub fn new(suite: SuiteId, public: PublicKey) -> Self {
        IssuerPublicKey { suite, public }
    }

    /// The suite.
    pub fn suite(&self) -> SuiteId {
        self.suite
    }

    /// The BBS public key.
    pub fn public_key(&self) -> &PublicKey {
        &self.public
    }

    /// The key id: the RFC 7638 JWK thumbprint (SHA-256, base64url) of the key's JWK,
    /// `{"crv":"BLS12381G2","kty":"OKP","x":"..."}`.
    pub fn kid(&self) -> String {
        let canonical = format!(
            r#"{{"crv":"BLS12381G2","kty":"OKP","x":"{}"}}"#,
            b64(&self.public.to_bytes())
        );
        b64(&Sha256::digest(canonical.as_bytes()))
    }

    /// The public key document.
    pub fn to_json(&self) -> String {
        document::render(&PublicKeyDocument {
            version: document::VERSION,
            kind: PublicKeyDocument::TYPE.to_owned(),
            suite: self.suite,
            kid: self.kid(),
            public_key: b64(&self.public.to_bytes()),
        })
    }

    /// Reads a public key document, checking its key id.
    ///
    /// # Errors
    /// [`Error::Json`], [`Error::WrongDocumentType`], [`Error::UnsupportedVersion`],
    /// [`Error::InvalidBase64`], [`Error::Encoding`] for a bad point, [`Error::KeyMismatch`]
    /// when `kid` is not the key's thumbprint.
    pub fn from_json(json: &str) -> Result<Self, Error> {
        let doc: PublicKeyDocument = document::parse(json)?;
        document::check_header(doc.version, &doc.kind, PublicKeyDocument::TYPE)?;
        let key = IssuerPublicKey {
            suite: doc.suite,
            public: document::field("public_key", &doc.public_key, PublicKey::from_bytes)?,
        };
        if doc.kid != key.kid() {
            return Err(Error::KeyMismatch);
        }
        Ok(key)
    }

    /// The key as a JWK: `{"kty": "OKP", "crv": "BLS12381G2", "x": ..., "kid": ...}`.
    pub fn to_jwk(&self) -> String {
        document::render(&Jwk {
            kty: "OKP".into(),
            crv: "BLS12381G2".into(),
            x: b64(&self.public.to_bytes()),
            kid: Some(self.kid()),
        })
    }

    /// Reads a JWK (a JWK names no BBS suite: the caller says which).
    ///
    /// # Errors
    /// [`Error::Json`]; [`Error::Jwk`] for another `kty` or `crv`, or a `kid` that is not the
    /// thumbprint; [`Error::InvalidBase64`]; [`Error::Encoding`] for a bad point.
    pub fn from_jwk(json: &str, suite: SuiteId) -> Result<Self, Error> {
        let jwk: Jwk = serde_json::from_str(json).map_err(|e| Error::Json(e.into()))?;
        if jwk.kty != "OKP" {
            return Err(Error::Jwk("kty must be \"OKP\""));
        }
        if jwk.crv != "BLS12381G2" {
            return Err(Error::Jwk("crv must be \"BLS12381G2\""));
        }
        let key = IssuerPublicKey {
            suite,
            public: document::field("x", &jwk.x, PublicKey::from_bytes)?,
        };
        if jwk.kid.is_some_and(|kid| kid != key.kid()) {
            return Err(Error::Jwk("kid is not the key's RFC 7638 thumbprint"));
        }
        Ok(key)
    }

    /// The key as a Multikey: multibase base58btc (`z`) of the multicodec `0xeb01` and the
    /// 96-byte compressed point.
    pub fn to_multikey(&self) -> String {
        let mut bytes = MULTICODEC_BLS12_381_G2_PUB.to_vec();
        bytes.extend_from_slice(&self.public.to_bytes());
        format!("z{}", bs58::encode(bytes).into_string())
    }

    /// Reads a Multikey.
    ///
    /// # Errors
    /// [`Error::Multikey`] for another multibase or multicodec, or bad base58;
    /// [`Error::Encoding`] for a bad point.
    pub fn from_multikey(text: &str, suite: SuiteId) -> Result<Self, Error> {
        let body = text
            .strip_prefix('z')
            .ok_or(Error::Multikey("multibase prefix must be 'z' (base58btc)"))?;
        let bytes = bs58::decode(body)
            .into_vec()
            .map_err(|_| Error::Multikey("not base58btc"))?;
        let point = bytes
            .strip_prefix(&MULTICODEC_BLS12_381_G2_PUB[..])
            .ok_or(Error::Multikey(
                "multicodec must be 0xeb01 (bls12_381-g2-pub)",
            ))?;
        Ok(IssuerPublicKey {
            suite,
            public: PublicKey::from_bytes(point)?,
        })
    }
}
