//! The ABE envelope: a file encrypted so that only keys whose attributes satisfy a policy can
//! open it (`credkit abe encrypt`, `credkit abe decrypt`).
//!
//! A FABEO encapsulation under the policy gives a fresh 32-byte key `K`; the file is encrypted
//! with XChaCha20-Poly1305 under `HKDF-SHA256(salt = "credkit-cli/abe-envelope/v1", ikm = K,
//! info = "XChaCha20-Poly1305 key")`, with the whole encoded header as associated data. Bytes,
//! big-endian lengths:
//!
//! | offset | length | field |
//! |---:|---:|---|
//! | 0 | 8 | magic `CKABEENV` (`43 4b 41 42 45 45 4e 56`) |
//! | 8 | 1 | version, `0x01` |
//! | 9 | 32 | the authority's id: SHA-256 of its 288-byte master public key |
//! | 41 | 24 | the XChaCha20-Poly1305 nonce, random |
//! | 65 | 4 | `n`, the length of the ABE ciphertext |
//! | 69 | `n` | the ABE ciphertext, credkit-abe's `Ciphertext::to_bytes` (it holds the policy, in canonical form) |
//! | 69 + `n` | rest | the AEAD's output: the encrypted file, then its 16-byte tag |
//!
//! The header is bytes `0 .. 69 + n`. Binding it as associated data makes every byte of the
//! envelope authenticated: a change to the ABE ciphertext also changes `K` (credkit-abe hashes
//! the ciphertext into it), a change to the id, the nonce or the body fails the tag. The KEM key
//! is fresh for every envelope, so the random nonce is a second line of defence, not a need.
//!
//! This container has no time window and no key servers: the time-bound records of
//! credkit-abe (`credkit record`) are a different format.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use credkit_abe::fabeo::{self, Ciphertext, SharedKey};
use credkit_abe::policy::Policy;
use hkdf::Hkdf;
use rand_core::{CryptoRng, RngCore};
use sha2::Sha256;
use zeroize::Zeroizing;

use super::{AuthorityId, AuthorityPublicKey, UserKeyFile};

/// The first 8 bytes of every envelope.
pub const ENVELOPE_MAGIC: [u8; 8] = *b"CKABEENV";
/// The envelope format's version, byte 8.
pub const ENVELOPE_VERSION: u8 = 1;

const NONCE_LEN: usize = 24;
const TAG_LEN: usize = 16;
/// Magic, version, authority id, nonce and the ciphertext's length.
const FIXED_LEN: usize = 8 + 1 + 32 + NONCE_LEN + 4;
/// XChaCha20-Poly1305's largest plaintext: 2^32 blocks of 64 bytes, the first for Poly1305.
const MAX_PLAINTEXT_LEN: u64 = ((1 << 32) - 1) * 64;

const HKDF_SALT: &[u8] = b"credkit-cli/abe-envelope/v1";
const HKDF_INFO: &[u8] = b"XChaCha20-Poly1305 key";

/// Why bytes are not an envelope. Untrusted files can trigger every variant.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EnvelopeError {
    /// The file does not start with [`ENVELOPE_MAGIC`].
    #[error("not an ABE envelope (it does not start with `CKABEENV`)")]
    NotAnEnvelope,
    /// A version other than [`ENVELOPE_VERSION`].
    #[error("unsupported ABE envelope version {0} (this build reads version 1)")]
    UnsupportedVersion(u8),
    /// The file ends inside the header, or before a full authentication tag.
    #[error("truncated: the file ends before the end of the envelope's {0}")]
    Truncated(&'static str),
    /// The ABE ciphertext does not decode (its policy included).
    #[error("the ABE ciphertext: {0}")]
    Ciphertext(credkit_abe::Error),
}

/// Why a file cannot be sealed in an envelope.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SealError {
    /// Longer than XChaCha20-Poly1305 can encrypt at once (256 GiB).
    #[error("the file is longer than an ABE envelope can hold (256 GiB)")]
    TooLong,
    /// The encapsulation failed (only a bug can cause this).
    #[error("the ABE encapsulation failed: {0}")]
    Encapsulation(credkit_abe::Error),
}

/// Why a user key cannot open an envelope.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OpenError {
    /// The envelope was sealed under another authority's public key than the key's.
    #[error("sealed for the authority {envelope}, and the key is from the authority {key}")]
    AuthorityMismatch {
        /// The authority the envelope names.
        envelope: AuthorityId,
        /// The authority the key names.
        key: AuthorityId,
    },
    /// The key's attributes do not satisfy the envelope's policy.
    #[error("policy not satisfied: the key's attributes do not satisfy the envelope's policy")]
    PolicyNotSatisfied,
    /// The tag does not verify: the envelope was altered (or the key's document names the
    /// wrong authority).
    #[error("authentication failed: the envelope was altered after it was sealed")]
    Authentication,
    /// The decapsulation failed otherwise (only a bug can cause this).
    #[error("the ABE decapsulation failed: {0}")]
    Decapsulation(credkit_abe::Error),
}

/// An ABE envelope (see the module documentation for the format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Envelope {
    authority: AuthorityId,
    nonce: [u8; NONCE_LEN],
    ciphertext: Ciphertext,
    /// The encoded header, the AEAD's associated data.
    header: Vec<u8>,
    /// The AEAD's output, tag included.
    body: Vec<u8>,
}

impl Envelope {
    /// Encrypts `plaintext` under `policy` for the users of the authority `public`.
    ///
    /// # Errors
    /// [`SealError::TooLong`] above 256 GiB.
    pub fn seal(
        rng: &mut (impl RngCore + CryptoRng),
        public: &AuthorityPublicKey,
        policy: &Policy,
        plaintext: &[u8],
    ) -> Result<Self, SealError> {
        if plaintext.len() as u64 > MAX_PLAINTEXT_LEN {
            return Err(SealError::TooLong);
        }
        let (ciphertext, shared) =
            fabeo::encapsulate(rng, public.key(), policy).map_err(SealError::Encapsulation)?;
        let mut nonce = [0u8; NONCE_LEN];
        rng.fill_bytes(&mut nonce);
        let header = encode_header(&public.id(), &nonce, &ciphertext.to_bytes());
        let body = cipher(&shared)
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad: &header,
                },
            )
            .map_err(|_| SealError::TooLong)?;
        Ok(Envelope {
            authority: public.id(),
            nonce,
            ciphertext,
            header,
            body,
        })
    }

    /// Decrypts the envelope with a user key.
    ///
    /// # Errors
    /// [`OpenError::AuthorityMismatch`], [`OpenError::PolicyNotSatisfied`],
    /// [`OpenError::Authentication`]; nothing is decrypted unless the tag verifies.
    pub fn open(&self, key: &UserKeyFile) -> Result<Zeroizing<Vec<u8>>, OpenError> {
        if key.authority() != self.authority {
            return Err(OpenError::AuthorityMismatch {
                envelope: self.authority,
                key: key.authority(),
            });
        }
        let shared = fabeo::decapsulate(key.key(), &self.ciphertext).map_err(|e| match e {
            credkit_abe::Error::PolicyNotSatisfied => OpenError::PolicyNotSatisfied,
            e => OpenError::Decapsulation(e),
        })?;
        cipher(&shared)
            .decrypt(
                XNonce::from_slice(&self.nonce),
                Payload {
                    msg: &self.body,
                    aad: &self.header,
                },
            )
            .map(Zeroizing::new)
            .map_err(|_| OpenError::Authentication)
    }

    /// The authority whose public key sealed the envelope.
    pub fn authority(&self) -> AuthorityId {
        self.authority
    }

    /// The policy a key must satisfy to open the envelope.
    pub fn policy(&self) -> &Policy {
        self.ciphertext.policy()
    }

    /// The ABE ciphertext.
    pub fn ciphertext(&self) -> &Ciphertext {
        &self.ciphertext
    }

    /// The length of the encrypted file.
    pub fn plaintext_len(&self) -> usize {
        self.body.len().saturating_sub(TAG_LEN)
    }

    /// The envelope's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.header.len() + self.body.len());
        out.extend_from_slice(&self.header);
        out.extend_from_slice(&self.body);
        out
    }

    /// Reads an envelope, checking its header (the ABE ciphertext with credkit-abe's decoder)
    /// but not its tag, which [`Envelope::open`] checks. An envelope read here writes back the
    /// same bytes.
    ///
    /// # Errors
    /// [`EnvelopeError`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self, EnvelopeError> {
        let magic = &bytes[..bytes.len().min(ENVELOPE_MAGIC.len())];
        if magic != &ENVELOPE_MAGIC[..magic.len()] {
            return Err(EnvelopeError::NotAnEnvelope);
        }
        if bytes.len() < FIXED_LEN {
            return Err(EnvelopeError::Truncated("header"));
        }
        if bytes[8] != ENVELOPE_VERSION {
            return Err(EnvelopeError::UnsupportedVersion(bytes[8]));
        }
        let mut authority = [0u8; 32];
        authority.copy_from_slice(&bytes[9..41]);
        let mut nonce = [0u8; NONCE_LEN];
        nonce.copy_from_slice(&bytes[41..65]);
        let mut length = [0u8; 4];
        length.copy_from_slice(&bytes[65..FIXED_LEN]);
        let header_len = usize::try_from(u32::from_be_bytes(length))
            .ok()
            .and_then(|n| n.checked_add(FIXED_LEN))
            .filter(|&end| end <= bytes.len())
            .ok_or(EnvelopeError::Truncated("ABE ciphertext"))?;
        let ciphertext = Ciphertext::from_bytes(&bytes[FIXED_LEN..header_len])
            .map_err(EnvelopeError::Ciphertext)?;
        let body = &bytes[header_len..];
        if body.len() < TAG_LEN {
            return Err(EnvelopeError::Truncated("authentication tag"));
        }
        let authority = AuthorityId::from_bytes(authority);
        let header = encode_header(&authority, &nonce, &ciphertext.to_bytes());
        if header != bytes[..header_len] {
            // credkit-abe's decoder accepts canonical encodings only; this keeps the promise
            // of a byte-exact round trip even if it did not.
            return Err(EnvelopeError::Ciphertext(
                credkit_abe::Error::MalformedCiphertext("non-canonical encoding"),
            ));
        }
        Ok(Envelope {
            authority,
            nonce,
            ciphertext,
            header,
            body: body.to_vec(),
        })
    }
}

/// The header's bytes.
fn encode_header(authority: &AuthorityId, nonce: &[u8; NONCE_LEN], ciphertext: &[u8]) -> Vec<u8> {
    let mut header = Vec::with_capacity(FIXED_LEN + ciphertext.len());
    header.extend_from_slice(&ENVELOPE_MAGIC);
    header.push(ENVELOPE_VERSION);
    header.extend_from_slice(authority.as_bytes());
    header.extend_from_slice(nonce);
    // Invariant: credkit-abe's ciphertexts are far below 4 GiB (a policy of at most 64 KiB
    // and 1024 leaves of 48 bytes).
    header.extend_from_slice(
        &u32::try_from(ciphertext.len())
            .unwrap_or(u32::MAX)
            .to_be_bytes(),
    );
    header.extend_from_slice(ciphertext);
    header
}

/// XChaCha20-Poly1305 under the key HKDF derives from the KEM key.
fn cipher(shared: &SharedKey) -> XChaCha20Poly1305 {
    let hkdf = Hkdf::<Sha256>::new(Some(HKDF_SALT), shared.as_bytes());
    let mut key = Zeroizing::new([0u8; 32]);
    // 32 bytes is far below HKDF-SHA256's limit of 8160.
    let _ = hkdf.expand(HKDF_INFO, &mut *key);
    XChaCha20Poly1305::new((&*key).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::abe_files::AuthorityKey;
    use credkit_abe::policy::Attribute;
    use rand_core::OsRng;

    #[test]
    fn seal_open_and_every_refusal() -> Result<(), Box<dyn std::error::Error>> {
        let authority = AuthorityKey::generate(&mut OsRng);
        let policy = Policy::parse("role:cardiologist and hospital:H1")?;
        let list = |text: &str| Attribute::parse_list(text);
        let doctor = authority.keygen(&mut OsRng, &list("role:cardiologist, hospital:H1")?)?;
        let nurse = authority.keygen(&mut OsRng, &list("role:nurse, hospital:H1")?)?;
        let envelope = Envelope::seal(&mut OsRng, &authority.public(), &policy, b"ECG: normal")?;
        let bytes = envelope.to_bytes();
        assert_eq!(&bytes[..8], b"CKABEENV");
        assert_eq!(
            bytes.len(),
            FIXED_LEN + envelope.ciphertext.to_bytes().len() + 11 + 16
        );
        let read = Envelope::from_bytes(&bytes)?;
        assert_eq!(read, envelope);
        assert_eq!(read.policy(), &policy);
        assert_eq!(read.plaintext_len(), 11);
        assert_eq!(read.open(&doctor)?.as_slice(), b"ECG: normal");
        assert_eq!(read.open(&nurse), Err(OpenError::PolicyNotSatisfied));

        // Every byte is authenticated: a flipped bit anywhere is refused by the decoder or
        // fails to open.
        for i in (0..bytes.len()).step_by(7) {
            let mut altered = bytes.clone();
            altered[i] ^= 0x01;
            if let Ok(envelope) = Envelope::from_bytes(&altered) {
                assert!(envelope.open(&doctor).is_err(), "byte {i}");
            }
        }
        // Cut anywhere.
        for len in [0, 3, 8, 9, 40, FIXED_LEN - 1, FIXED_LEN, FIXED_LEN + 100] {
            assert!(matches!(
                Envelope::from_bytes(&bytes[..len]),
                Err(EnvelopeError::Truncated(_))
            ));
        }
        let header_len = bytes.len() - 11 - 16;
        assert_eq!(
            Envelope::from_bytes(&bytes[..header_len + 15]),
            Err(EnvelopeError::Truncated("authentication tag"))
        );
        let cut = Envelope::from_bytes(&bytes[..header_len + 16])?;
        assert_eq!(cut.open(&doctor), Err(OpenError::Authentication));
        let mut version = bytes.clone();
        version[8] = 2;
        assert_eq!(
            Envelope::from_bytes(&version),
            Err(EnvelopeError::UnsupportedVersion(2))
        );
        assert_eq!(
            Envelope::from_bytes(b"{\"version\": 1}"),
            Err(EnvelopeError::NotAnEnvelope)
        );

        // Another authority's key is named as such.
        let other = AuthorityKey::generate(&mut OsRng)
            .keygen(&mut OsRng, &list("role:cardiologist, hospital:H1")?)?;
        assert!(matches!(
            read.open(&other),
            Err(OpenError::AuthorityMismatch { .. })
        ));
        // The same key with the authority's id: the tag fails.
        let relabelled = UserKeyFile::new(authority.id(), other.key().clone());
        assert_eq!(read.open(&relabelled), Err(OpenError::Authentication));
        Ok(())
    }
}
