//! `Signature::from_bytes`: never panics, and a signature it accepts re-encodes to exactly the
//! input.
//!
//! The input is also read as a message and a mask (split at the first byte's value): a real
//! signature on that message, XORed with the mask, must decode when the mask is zero, and must
//! round-trip whenever it decodes.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::{sign, Bls12381Sha256, SecretKey, Signature};
use libfuzzer_sys::fuzz_target;

fn round_trip(bytes: &[u8]) -> bool {
    let decoded = Signature::from_bytes(bytes);
    if let Ok(signature) = &decoded {
        assert_eq!(
            &signature.to_bytes()[..],
            bytes,
            "accepted signature does not round-trip"
        );
    }
    decoded.is_ok()
}

fuzz_target!(|data: &[u8]| {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    round_trip(data);
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let (message, mask) = rest.split_at(usize::from(split).min(rest.len()));
    let sk =
        KEY.get_or_init(|| SecretKey::key_gen::<Bls12381Sha256>(&[7; 32], b"").expect("key_gen"));
    let mut near = sign::<Bls12381Sha256>(sk, b"", &[message])
        .expect("sign")
        .to_bytes();
    near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    let accepted = round_trip(&near);
    if mask.iter().take(near.len()).all(|&m| m == 0) {
        assert!(accepted, "a real signature was rejected");
    }
});
