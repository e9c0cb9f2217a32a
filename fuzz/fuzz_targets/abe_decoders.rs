//! credkit-abe's FABEO decoders: `MasterPublicKey::from_bytes`, `MasterSecretKey::from_bytes`,
//! `UserKey::from_bytes` and `Ciphertext::from_bytes` never panic, and whatever they accept
//! re-encodes to exactly the input (the encodings are canonical). `decapsulate` with a fixed
//! user key never panics on an accepted ciphertext.
//!
//! Random bytes rarely reach past the first check, so the input also edits real encodings:
//! the first byte picks one of six (the master public key, the master secret key, a user key,
//! ciphertexts under an AND, an OR and a threshold policy, from a fixed seed), the next two an
//! offset, the next one a cut or an extension by a byte, and the rest is XORed in from that
//! offset. The untouched encoding decodes; a ciphertext that decodes decapsulates to the real
//! key exactly when it is the real ciphertext, byte for byte (the KEM key hashes the
//! ciphertext in), and a user key that decodes never panics `decapsulate` (of one of the
//! real ciphertexts).
#![no_main]

use std::sync::OnceLock;

use credkit_abe::fabeo::{
    decapsulate, encapsulate, setup, Ciphertext, MasterPublicKey, MasterSecretKey, SharedKey,
    UserKey,
};
use credkit_abe::policy::{Attribute, Policy};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

struct Fixture {
    public: Vec<u8>,
    secret: Vec<u8>,
    key: UserKey,
    key_bytes: Vec<u8>,
    /// Ciphertexts under the three policies, with the key each encapsulates.
    ciphertexts: Vec<(Vec<u8>, SharedKey)>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0xabe_f022);
        let (mpk, msk) = setup(&mut rng);
        let attributes =
            Attribute::parse_list("role:cardiologist, hospital:H1, unit:\"ward 3\"").unwrap();
        let key = msk.keygen(&mut rng, &attributes).unwrap();
        let ciphertexts = [
            "role:cardiologist and hospital:H1",
            "role:nurse or unit:\"ward 3\"",
            "2 of (role:cardiologist, role:nurse, hospital:H1)",
        ]
        .iter()
        .map(|text| {
            let (ciphertext, shared) =
                encapsulate(&mut rng, &mpk, &Policy::parse(text).unwrap()).unwrap();
            assert!(decapsulate(&key, &ciphertext).unwrap() == shared);
            (ciphertext.to_bytes(), shared)
        })
        .collect();
        Fixture {
            public: mpk.to_bytes(),
            secret: msk.to_bytes().to_vec(),
            key_bytes: key.to_bytes().to_vec(),
            key,
            ciphertexts,
        }
    })
}

/// Decodes `bytes` with each decoder; an accepted encoding must round-trip byte for byte.
/// Returns the ciphertext, if `bytes` is one.
fn decode_all(bytes: &[u8]) -> Option<Ciphertext> {
    if let Ok(key) = MasterPublicKey::from_bytes(bytes) {
        assert_eq!(key.to_bytes(), bytes, "master public key round trip");
    }
    if let Ok(key) = MasterSecretKey::from_bytes(bytes) {
        assert_eq!(&key.to_bytes()[..], bytes, "master secret key round trip");
        let _ = key.public_key();
    }
    if let Ok(key) = UserKey::from_bytes(bytes) {
        assert_eq!(&key.to_bytes()[..], bytes, "user key round trip");
        assert!(UserKey::from_bytes(&key.to_bytes()).unwrap() == key);
    }
    let ciphertext = Ciphertext::from_bytes(bytes).ok()?;
    assert_eq!(ciphertext.to_bytes(), bytes, "ciphertext round trip");
    assert_eq!(
        Policy::parse(&ciphertext.policy().to_string()).as_ref(),
        Ok(ciphertext.policy())
    );
    Some(ciphertext)
}

fuzz_target!(|data: &[u8]| {
    let f = fixture();
    if let Some(ciphertext) = decode_all(data) {
        let _ = decapsulate(&f.key, &ciphertext);
    }

    let [selector, high, low, cut, mask @ ..] = data else {
        return;
    };
    let (original, shared) = match selector % 6 {
        0 => (&f.public, None),
        1 => (&f.secret, None),
        2 => (&f.key_bytes, None),
        i => {
            let (bytes, shared) = &f.ciphertexts[usize::from(i - 3)];
            (bytes, Some(shared))
        }
    };
    let mut bytes = original.clone();
    let offset = usize::from(u16::from_be_bytes([*high, *low])) % bytes.len();
    for (b, m) in bytes[offset..].iter_mut().zip(mask) {
        *b ^= m;
    }
    match cut % 4 {
        1 => {
            bytes.pop();
        }
        2 => bytes.push(*cut),
        _ => {}
    }
    let decoded = decode_all(&bytes);
    let untouched = bytes == *original;
    match selector % 6 {
        0 => assert!(MasterPublicKey::from_bytes(&bytes).is_ok() || !untouched),
        1 => assert!(MasterSecretKey::from_bytes(&bytes).is_ok() || !untouched),
        2 => match UserKey::from_bytes(&bytes) {
            Ok(key) => {
                let (ciphertext, _) = &f.ciphertexts[usize::from(*cut) % f.ciphertexts.len()];
                let _ = decapsulate(&key, &Ciphertext::from_bytes(ciphertext).unwrap());
            }
            Err(_) => assert!(!untouched, "the real user key does not decode"),
        },
        _ => match (decoded, shared) {
            (Some(ciphertext), Some(shared)) => {
                let opened = decapsulate(&f.key, &ciphertext);
                assert_eq!(
                    opened.as_ref().is_ok_and(|k| k == shared),
                    untouched,
                    "a changed ciphertext decapsulates to the real key, or the real one does not"
                );
            }
            _ => assert!(!untouched, "the real ciphertext does not decode"),
        },
    }
});
