//! BLS public keys and signatures: the decoders never panic and accept only canonical
//! encodings; `verify` never panics, and accepts a signature under the fixed key only if it is
//! the one `sign` makes (BLS signatures are unique).
#![no_main]

use std::sync::OnceLock;

use credkit_threshold::bls::{PublicKey, SecretKey, Signature};
use libfuzzer_sys::fuzz_target;

fn key() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| SecretKey::key_gen(&[5; 32], b"fuzz").expect("key_gen"))
}

fuzz_target!(|data: &[u8]| {
    if let Ok(pk) = PublicKey::from_bytes(data) {
        assert_eq!(
            &pk.to_bytes()[..],
            data,
            "accepted public key does not round-trip"
        );
    }
    let Some((message_len, rest)) = data.split_first() else {
        return;
    };
    let (message, sig_bytes) = rest.split_at(usize::from(*message_len).min(rest.len()));
    // The real signature XORed with the remaining bytes (untouched when they are zero).
    let mut candidate = key().sign(message).to_bytes();
    candidate
        .iter_mut()
        .zip(sig_bytes)
        .for_each(|(b, m)| *b ^= m);
    for bytes in [&candidate[..], sig_bytes] {
        if let Ok(signature) = Signature::from_bytes(bytes) {
            assert_eq!(
                &signature.to_bytes()[..],
                bytes,
                "accepted signature does not round-trip"
            );
            if signature.verify(key().public_key(), message).is_ok() {
                assert_eq!(
                    signature,
                    key().sign(message),
                    "a signature sign() did not make verifies"
                );
            }
        }
    }
});
