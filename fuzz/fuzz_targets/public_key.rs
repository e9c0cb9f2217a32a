//! `PublicKey::from_bytes`: never panics, and a key it accepts re-encodes to exactly the input
//! (the encoding is canonical).
//!
//! Random bytes almost never encode a point of G2's subgroup, so the input is also read as
//! 32 bytes of key material and a mask: the real public key of `KeyGen(material)` XORed with the
//! mask must decode when the mask is zero, and must round-trip whenever it decodes.
#![no_main]

use credkit_bbs::{Bls12381Sha256, PublicKey, SecretKey};
use libfuzzer_sys::fuzz_target;

fn round_trip(bytes: &[u8]) -> bool {
    let decoded = PublicKey::from_bytes(bytes);
    if let Ok(pk) = &decoded {
        assert_eq!(
            &pk.to_bytes()[..],
            bytes,
            "accepted public key does not round-trip"
        );
    }
    decoded.is_ok()
}

fuzz_target!(|data: &[u8]| {
    round_trip(data);
    if let Some((material, mask)) = data.split_first_chunk::<32>() {
        let sk = SecretKey::key_gen::<Bls12381Sha256>(material, b"").expect("key_gen");
        let mut near = sk.public_key().to_bytes();
        near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
        let accepted = round_trip(&near);
        if mask.iter().take(near.len()).all(|&m| m == 0) {
            assert!(accepted, "a real public key was rejected");
        }
    }
});
