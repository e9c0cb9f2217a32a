//! The two BLS12-381 ciphersuites of draft-irtf-cfrg-bbs-signatures, section 7.2.

use blstrs::G1Projective;
use credkit_core::expand_message::{ExpandMessage, XmdSha256, XofShake256};
use credkit_core::hash_to_curve::{hash_to_g1_xmd_sha256, hash_to_g1_xof_shake256};

/// A BBS ciphersuite (draft section 7.1): the hash-to-curve suite and the identifiers and
/// domain separation tags derived from its `ciphersuite_id`.
///
/// The two suites differ only in `expand_message` and `hash_to_curve_g1`; every constant below
/// is derived from [`Ciphersuite::ID`] at compile time by one macro, never retyped.
pub trait Ciphersuite: Copy + core::fmt::Debug + Default + Send + Sync + 'static {
    /// `ciphersuite_id`, e.g. `BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_`.
    const ID: &'static [u8];
    /// `api_id` of the BBS Signatures Interface (section 3.4): `ciphersuite_id || "H2G_HM2S_"`.
    const API_ID: &'static [u8];
    /// KeyGen's default `key_dst` (section 3.3.1): `ciphersuite_id || "KEYGEN_DST_"`.
    const KEYGEN_DST: &'static [u8];
    /// `generator_seed` of P1 (section 7.2): `ciphersuite_id || "H2G_HM2S_BP_MESSAGE_GENERATOR_SEED"`.
    const P1_GENERATOR_SEED: &'static [u8];
    /// `api_id` of the Blind BBS Interface (draft-irtf-cfrg-bbs-blind-signatures, section 4.2):
    /// `ciphersuite_id || "BLIND_H2G_HM2S_"`.
    const BLIND_API_ID: &'static [u8];
    /// `api_id` of the BBS Pseudonym Interface (draft-irtf-cfrg-bbs-per-verifier-linkability,
    /// section 7): `ciphersuite_id || "H2G_HM2S_PSEUDONYM_"`.
    const PSEUDONYM_API_ID: &'static [u8];
    /// The folder name of the suite in the published fixtures (`bls12-381-sha-256`).
    const NAME: &'static str;

    /// `expand_message` of the suite's hash-to-curve suite.
    type Expander: ExpandMessage;

    /// `hash_to_curve_g1` of the suite's hash-to-curve suite.
    fn hash_to_g1(msg: &[u8], dst: &[u8]) -> G1Projective;
}

/// Declares a ciphersuite type, deriving every identifier from the `ciphersuite_id` literal.
macro_rules! bbs_ciphersuite {
    ($(#[$doc:meta])* $name:ident, $id:literal, $folder:literal, $expander:ty, $hash:path) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
        pub struct $name;

        impl Ciphersuite for $name {
            const ID: &'static [u8] = $id.as_bytes();
            const API_ID: &'static [u8] = concat!($id, "H2G_HM2S_").as_bytes();
            const KEYGEN_DST: &'static [u8] = concat!($id, "KEYGEN_DST_").as_bytes();
            const P1_GENERATOR_SEED: &'static [u8] =
                concat!($id, "H2G_HM2S_BP_MESSAGE_GENERATOR_SEED").as_bytes();
            const BLIND_API_ID: &'static [u8] = concat!($id, "BLIND_H2G_HM2S_").as_bytes();
            const PSEUDONYM_API_ID: &'static [u8] =
                concat!($id, "H2G_HM2S_PSEUDONYM_").as_bytes();
            const NAME: &'static str = $folder;
            type Expander = $expander;

            fn hash_to_g1(msg: &[u8], dst: &[u8]) -> G1Projective {
                $hash(msg, dst)
            }
        }
    };
}

bbs_ciphersuite!(
    /// `BLS12-381-SHA-256` (section 7.2.2): `expand_message_xmd` with SHA-256, hash-to-curve
    /// suite `BLS12381G1_XMD:SHA-256_SSWU_RO_` of RFC 9380.
    Bls12381Sha256,
    "BBS_BLS12381G1_XMD:SHA-256_SSWU_RO_",
    "bls12-381-sha-256",
    XmdSha256,
    hash_to_g1_xmd_sha256
);

bbs_ciphersuite!(
    /// `BLS12-381-SHAKE-256` (section 7.2.1): `expand_message_xof` with SHAKE-256, hash-to-curve
    /// suite `BLS12381G1_XOF:SHAKE-256_SSWU_RO_` of the draft's appendix A.1.
    Bls12381Shake256,
    "BBS_BLS12381G1_XOF:SHAKE-256_SSWU_RO_",
    "bls12-381-shake-256",
    XofShake256,
    hash_to_g1_xof_shake256
);

/// Concatenates an `api_id` and a DST suffix (`api_id || "H2S_"` and the like).
pub(crate) fn dst(api_id: &[u8], suffix: &[u8]) -> Vec<u8> {
    [api_id, suffix].concat()
}
