//! The pseudonym and blind-signature value decoders: `pseudonym::Pseudonym::from_bytes`,
//! `NymSecrets::from_bytes`, `NymEntropy::from_bytes` and `blind::ProverBlind::from_bytes`.
//! They never panic, accept exactly what their documentation says (checked against a model of
//! the scalar encoding written here: 32 big-endian bytes below the group order `r`, nonzero for
//! pseudonym secrets), fail with the documented error, and re-encode what they accept to
//! exactly the input. `Pseudonym` prints as lowercase hex; the secrets never print their bytes.
//!
//! The input is also read as a selector and a mask: a real pseudonym (from a proof with
//! pseudonym) or the encoding of 1 to 3 real pseudonym secrets, XORed with the mask, must decode
//! when untouched; a pseudonym with only its sign bit flipped (its negation) must decode too.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::blind::ProverBlind;
use credkit_bbs::pseudonym::{
    blind_sign_with_nym, commit_with_nym_with_rng, proof_gen_with_nym, verify_finalize_with_nym,
    NymEntropy, NymSecrets, Pseudonym, MAX_NYM_SECRETS,
};
use credkit_bbs::{Bls12381Sha256 as Suite, Error, SecretKey};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The order `r` of the BLS12-381 groups, big-endian.
const R: [u8; 32] = [
    0x73, 0xed, 0xa7, 0x53, 0x29, 0x9d, 0x7d, 0x48, 0x33, 0x39, 0xd8, 0x08, 0x09, 0xa1, 0xd8, 0x05,
    0x53, 0xbd, 0xa4, 0x02, 0xff, 0xfe, 0x5b, 0xfe, 0xff, 0xff, 0xff, 0xff, 0x00, 0x00, 0x00, 0x01,
];

/// The compressed encoding's sign bit (the third-highest bit of the first byte).
const SIGN_BIT: u8 = 0x20;

/// The model: a canonical scalar is 32 bytes below `r` (big-endian compares as bytes do).
fn canonical(chunk: &[u8]) -> bool {
    chunk.len() == 32 && chunk < &R[..]
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `Pseudonym::from_bytes`: returns whether it decoded.
fn pseudonym(bytes: &[u8]) -> bool {
    match Pseudonym::from_bytes(bytes) {
        Ok(nym) => {
            assert_eq!(&nym.to_bytes()[..], bytes, "pseudonym does not round-trip");
            assert_eq!(nym.to_string(), hex(bytes), "Display is not lowercase hex");
            assert_eq!(format!("{nym:?}"), format!("Pseudonym({})", hex(bytes)));
            assert_eq!(Pseudonym::from_bytes(&nym.to_bytes()), Ok(nym));
            true
        }
        Err(e) => {
            assert!(matches!(e, Error::Encoding(_)), "undocumented error {e:?}");
            false
        }
    }
}

/// `NymSecrets::from_bytes` against the model: returns whether it decoded.
fn nym_secrets(bytes: &[u8]) -> bool {
    let n = bytes.len() / 32;
    let counted = bytes.len().is_multiple_of(32) && (1..=MAX_NYM_SECRETS).contains(&n);
    let model = counted && bytes.chunks(32).all(|c| canonical(c) && c != [0; 32]);
    match NymSecrets::from_bytes(bytes) {
        Ok(secrets) => {
            assert!(model, "NymSecrets accepted what the model refuses");
            assert_eq!(secrets.len(), n);
            assert!(!secrets.is_empty());
            assert_eq!(
                &secrets.to_bytes()[..],
                bytes,
                "NymSecrets does not round-trip"
            );
            let debug = format!("{secrets:?}");
            assert!(debug.contains("redacted"), "Debug shows secrets: {debug}");
            assert!(
                !debug.contains(&hex(&bytes[..8])),
                "Debug shows secrets: {debug}"
            );
            true
        }
        Err(e) => {
            assert!(!model, "NymSecrets refused what the model accepts: {e:?}");
            if counted {
                assert!(matches!(e, Error::Encoding(_)), "undocumented error {e:?}");
            } else {
                assert!(
                    matches!(e, Error::NymSecretCount { found, .. } if found == n),
                    "expected NymSecretCount for {} bytes, got {e:?}",
                    bytes.len()
                );
            }
            false
        }
    }
}

/// `NymEntropy::from_bytes` and `ProverBlind::from_bytes`: both are any scalar below `r`,
/// zero included.
fn single_scalars(bytes: &[u8]) {
    let model = canonical(bytes);
    match NymEntropy::from_bytes(bytes) {
        Ok(entropy) => {
            assert!(model, "NymEntropy accepted what the model refuses");
            assert_eq!(
                &entropy.to_bytes()[..],
                bytes,
                "NymEntropy does not round-trip"
            );
            assert_eq!(format!("{entropy:?}"), "NymEntropy(<redacted>)");
        }
        Err(e) => {
            assert!(!model, "NymEntropy refused a canonical scalar: {e:?}");
            assert!(matches!(e, Error::Encoding(_)), "undocumented error {e:?}");
        }
    }
    match ProverBlind::from_bytes(bytes) {
        Ok(blind) => {
            assert!(model, "ProverBlind accepted what the model refuses");
            assert_eq!(
                &blind.to_bytes()[..],
                bytes,
                "ProverBlind does not round-trip"
            );
            let debug = format!("{blind:?}");
            assert!(debug.contains("redacted"), "Debug shows the blind: {debug}");
        }
        Err(e) => {
            assert!(!model, "ProverBlind refused a canonical scalar: {e:?}");
            assert!(matches!(e, Error::Encoding(_)), "undocumented error {e:?}");
        }
    }
}

/// A real pseudonym, and the encodings of 1, 2 and 3 real pseudonym secrets.
struct Reals {
    pseudonym: [u8; 48],
    secrets: Vec<Vec<u8>>,
}

fn reals() -> &'static Reals {
    static REALS: OnceLock<Reals> = OnceLock::new();
    REALS.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(11);
        let sk = SecretKey::key_gen::<Suite>(&[0x5a; 32], b"credkit-fuzz").expect("key_gen");
        let pk = sk.public_key();
        let messages = [b"role=patient"];
        let prover_nyms = NymSecrets::generate(&mut rng, 2).expect("nym secrets");
        let none: &[&[u8]] = &[];
        let (commitment, blind) =
            commit_with_nym_with_rng::<Suite>(&mut rng, none, &prover_nyms).expect("commit");
        let entropy = NymEntropy::generate(&mut rng);
        let signature = blind_sign_with_nym::<Suite>(&sk, &commitment, 2, &entropy, b"", &messages)
            .expect("blind_sign_with_nym");
        let nym_secrets = verify_finalize_with_nym::<Suite>(
            pk,
            &signature,
            b"",
            &messages,
            none,
            &prover_nyms,
            &entropy,
            Some(&blind),
        )
        .expect("verify_finalize_with_nym");
        let (_, nym) = proof_gen_with_nym::<Suite>(
            pk,
            &signature,
            b"",
            b"",
            &nym_secrets,
            b"context",
            &messages,
            none,
            &[0],
            &[],
            Some(&blind),
        )
        .expect("proof_gen_with_nym");
        Reals {
            pseudonym: nym.to_bytes(),
            secrets: (1..=3)
                .map(|n| {
                    let secrets = NymSecrets::generate(&mut rng, n).expect("nym secrets");
                    secrets.to_bytes().to_vec()
                })
                .collect(),
        }
    })
}

fuzz_target!(|data: &[u8]| {
    pseudonym(data);
    nym_secrets(data);
    single_scalars(data);
    let Some((&selector, mask)) = data.split_first() else {
        return;
    };
    let reals = reals();
    match selector % 4 {
        0 => {
            let mut near = reals.pseudonym;
            near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
            let accepted = pseudonym(&near);
            let first = mask.first().copied().unwrap_or(0);
            if first & !SIGN_BIT == 0 && mask.iter().skip(1).take(47).all(|&m| m == 0) {
                assert!(accepted, "a real pseudonym (or its negation) was rejected");
            }
        }
        k => {
            let real = &reals.secrets[usize::from(k) - 1];
            let mut near = real.clone();
            near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
            let accepted = nym_secrets(&near);
            if near == *real {
                assert!(accepted, "real pseudonym secrets were rejected");
            }
            single_scalars(&near[..32]);
        }
    }
});
