//! Chaum-Pedersen proofs that a partial decryption used the server's node share.
//!
//! Server `i` answers `Z_i = x_(N,i) * U` and proves `log_G(P_(N,i)) = log_U(Z_i)` (Chaum and
//! Pedersen, 1992), with `P_(N,i)` its verification share for node `N` from the schedule, in
//! the Fiat-Shamir form over a merlin transcript:
//!
//! ```text
//! transcript = Transcript("credkit-abe epoch DLEQ v1")
//! append "schedule" schedule digest (32)      append "node"   node id (9)
//! append "server"   identifier (2)            append "U", "P", "Z"   compressed G1 (48 each)
//! k  = nonce from transcript.build_rng(), rekeyed with x_(N,i), finalized with the caller's RNG
//! A1 = k * G      A2 = k * U                  append "A1", "A2"
//! c  = OS2IP(challenge_bytes("challenge", 48)) mod r
//! s  = k - c * x_(N,i)                        proof = c (32) || s (32)
//! ```
//!
//! Verification recomputes `A1 = s * G + c * P`, `A2 = s * U + c * Z` and the challenge. The
//! nonce is hedged: a broken RNG alone does not repeat it across different statements. The
//! prover multiplies by `k` with blst's constant-time multiplication; `s` is computed with
//! constant-time field arithmetic.
//!
//! ```
//! use credkit_abe::epoch::dleq::{DleqInstance, DleqProof};
//! use credkit_abe::epoch::NodeId;
//! use credkit_core::curve::{Curve, G1Projective, Group, Scalar};
//! use credkit_core::SecretScalar;
//! use credkit_threshold::Identifier;
//!
//! let x = SecretScalar::new(Scalar::from(1234u64));
//! let u = (G1Projective::generator() * Scalar::from(99u64)).to_affine();
//! let instance = DleqInstance {
//!     schedule: [7; 32],
//!     node: NodeId::new(3, 5)?,
//!     server: Identifier::new(2)?,
//!     u,
//!     p: (G1Projective::generator() * x.expose()).to_affine(),
//!     z: (G1Projective::from(u) * x.expose()).to_affine(),
//! };
//! let proof = DleqProof::prove(&mut rand_core::OsRng, &instance, &x);
//! proof.verify(&instance)?;
//! assert_eq!(DleqProof::from_bytes(&proof.to_bytes())?, proof);
//!
//! // Another Z (here Z + G) is refused.
//! let mut lie = instance.clone();
//! lie.z = (G1Projective::from(lie.z) + G1Projective::generator()).to_affine();
//! assert!(proof.verify(&lie).is_err());
//! # Ok::<(), credkit_abe::Error>(())
//! ```

use blstrs::{G1Affine, G1Projective, Scalar};
use credkit_core::encoding::{g1_to_bytes, scalar_from_bytes, scalar_to_bytes, SCALAR_LEN};
use credkit_core::msm::vartime_multi_exp;
use credkit_core::{scalar_from_okm, SecretScalar, HASH_TO_SCALAR_EXPAND_LEN};
use credkit_threshold::Identifier;
use ff::Field;
use group::{Curve, Group};
use merlin::Transcript;
use rand_core::{CryptoRng, RngCore};
use zeroize::Zeroizing;

use super::tree::NodeId;
use crate::Error;

/// The transcript's domain label. Bump the version with any change to what is absorbed.
pub const DLEQ_DOMAIN: &[u8] = b"credkit-abe epoch DLEQ v1";

/// What a DLEQ proof is about: `log_G(p) = log_u(z)`, in the context of a schedule, a node
/// and a server. Every field is public.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DleqInstance {
    /// The schedule digest.
    pub schedule: [u8; 32],
    /// The node whose share is used.
    pub node: NodeId,
    /// The server proving.
    pub server: Identifier,
    /// The sealer's `U = r * G`.
    pub u: G1Affine,
    /// The server's verification share `P_(N,i) = x_(N,i) * G`.
    pub p: G1Affine,
    /// The partial decryption `Z_i = x_(N,i) * U`.
    pub z: G1Affine,
}

impl DleqInstance {
    fn transcript(&self) -> Transcript {
        let mut t = Transcript::new(DLEQ_DOMAIN);
        t.append_message(b"schedule", &self.schedule);
        t.append_message(b"node", &self.node.to_bytes());
        t.append_message(b"server", &self.server.get().to_be_bytes());
        t.append_message(b"U", &g1_to_bytes(&self.u));
        t.append_message(b"P", &g1_to_bytes(&self.p));
        t.append_message(b"Z", &g1_to_bytes(&self.z));
        t
    }
}

fn challenge(mut t: Transcript, a1: &G1Affine, a2: &G1Affine) -> Scalar {
    t.append_message(b"A1", &g1_to_bytes(a1));
    t.append_message(b"A2", &g1_to_bytes(a2));
    let mut okm = [0u8; HASH_TO_SCALAR_EXPAND_LEN];
    t.challenge_bytes(b"challenge", &mut okm);
    scalar_from_okm(&okm)
}

/// A non-interactive Chaum-Pedersen proof: the challenge and the response, 64 bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DleqProof {
    challenge: Scalar,
    response: Scalar,
}

impl DleqProof {
    /// Length of the encoding: `c (32) || s (32)`, big-endian scalars.
    pub const BYTES: usize = 2 * SCALAR_LEN;

    /// Proves `log_G(instance.p) = log_(instance.u)(instance.z) = x`. The caller makes sure
    /// that `p = x * G` and `z = x * u`; otherwise the proof does not verify.
    pub fn prove(
        rng: &mut (impl RngCore + CryptoRng),
        instance: &DleqInstance,
        x: &SecretScalar,
    ) -> DleqProof {
        let t = instance.transcript();
        let witness = Zeroizing::new(scalar_to_bytes(&x.expose()));
        let mut nonce_rng = t
            .build_rng()
            .rekey_with_witness_bytes(b"x", witness.as_ref())
            .finalize(rng);
        let k = SecretScalar::new(Scalar::random(&mut nonce_rng));
        let a1 = (G1Projective::generator() * k.expose()).to_affine();
        let a2 = (G1Projective::from(instance.u) * k.expose()).to_affine();
        let c = challenge(t, &a1, &a2);
        let response = k.expose() - c * x.expose();
        DleqProof {
            challenge: c,
            response,
        }
    }

    /// Checks the proof (variable time: everything is public).
    ///
    /// # Errors
    /// [`Error::InvalidDleqProof`].
    pub fn verify(&self, instance: &DleqInstance) -> Result<(), Error> {
        let (s, c) = (self.response, self.challenge);
        let a1 = vartime_multi_exp(&[G1Projective::generator(), instance.p.into()], &[s, c])?;
        let a2 = vartime_multi_exp(&[instance.u.into(), instance.z.into()], &[s, c])?;
        if challenge(instance.transcript(), &a1.to_affine(), &a2.to_affine()) == c {
            Ok(())
        } else {
            Err(Error::InvalidDleqProof)
        }
    }

    /// `c (32) || s (32)`.
    pub fn to_bytes(&self) -> [u8; Self::BYTES] {
        let mut out = [0u8; Self::BYTES];
        out[..SCALAR_LEN].copy_from_slice(&scalar_to_bytes(&self.challenge));
        out[SCALAR_LEN..].copy_from_slice(&scalar_to_bytes(&self.response));
        out
    }

    /// Decodes [`DleqProof::to_bytes`]: two canonical scalars.
    ///
    /// # Errors
    /// [`Error::Encoding`].
    pub fn from_bytes(bytes: &[u8]) -> Result<DleqProof, Error> {
        if bytes.len() != Self::BYTES {
            return Err(Error::Encoding(credkit_core::Error::InvalidLength {
                expected: Self::BYTES,
                found: bytes.len(),
            }));
        }
        Ok(DleqProof {
            challenge: scalar_from_bytes(&bytes[..SCALAR_LEN])?,
            response: scalar_from_bytes(&bytes[SCALAR_LEN..])?,
        })
    }
}
