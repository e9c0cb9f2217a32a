//! `verify` with a fixed, valid public key (a deterministic `KeyGen`) and fuzzed signatures,
//! headers and messages: it never panics, and accepts only a real signature.
//!
//! Two modes, chosen by the first byte:
//! - *forged*: the signature is 80 bytes of input. If it decodes and verifies, it must be the
//!   one `sign` makes (finding any other is a forgery).
//! - *tampered*: a real signature over the fuzzed messages, XORed with an input mask, verified
//!   against messages that may be dropped, added or altered. It must verify exactly when
//!   nothing was changed.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::{
    sign, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite, SecretKey, Signature,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn key<C: Ciphersuite>(cell: &'static OnceLock<SecretKey>) -> &'static SecretKey {
    cell.get_or_init(|| SecretKey::key_gen::<C>(&[0x5a; 32], b"credkit-fuzz").expect("key_gen"))
}

/// Up to `max` bytes of input.
fn bytes<'a>(u: &mut Unstructured<'a>, max: usize) -> Result<&'a [u8]> {
    let len = u.int_in_range(0..=max)?;
    u.bytes(len.min(u.len()))
}

fn run<C: Ciphersuite>(u: &mut Unstructured<'_>, sk: &SecretKey, forged: bool) -> Result<()> {
    let header = bytes(u, 24)?;
    let count = u.int_in_range(0..=8usize)?;
    let mut messages: Vec<Vec<u8>> = (0..count)
        .map(|_| bytes(u, 24).map(<[u8]>::to_vec))
        .collect::<Result<_>>()?;
    let real = sign::<C>(sk, header, &messages).expect("sign");
    assert_eq!(
        sign::<C>(sk, header, &messages),
        Ok(real.clone()),
        "sign is deterministic"
    );
    verify::<C>(sk.public_key(), &real, header, &messages).expect("a real signature verifies");

    if forged {
        let candidate = u.bytes(Signature::LEN.min(u.len()))?;
        if let Ok(signature) = Signature::from_bytes(candidate) {
            if verify::<C>(sk.public_key(), &signature, header, &messages).is_ok() {
                assert_eq!(
                    signature, real,
                    "forgery: a signature sign() did not make verifies"
                );
            }
        }
        return Ok(());
    }

    // Tamper with the signature's bytes...
    let mut encoded = real.to_bytes();
    let mask = u.bytes(Signature::LEN.min(u.len()))?;
    for (b, m) in encoded.iter_mut().zip(mask) {
        *b ^= m;
    }
    let mut changed = encoded != real.to_bytes();
    // ...and with the messages.
    match u.int_in_range(0..=3u8)? {
        1 if !messages.is_empty() => {
            messages.pop();
            changed = true;
        }
        2 => {
            messages.push(bytes(u, 24)?.to_vec());
            changed = true;
        }
        3 if !messages.is_empty() => {
            let i = u.choose_index(messages.len())?;
            let before = messages[i].clone();
            messages[i] = bytes(u, 24)?.to_vec();
            changed |= messages[i] != before;
        }
        _ => {}
    }
    let result = Signature::from_bytes(&encoded)
        .map(|sig| verify::<C>(sk.public_key(), &sig, header, &messages));
    match result {
        Ok(Ok(())) => assert!(!changed, "a tampered signature or message list verifies"),
        Ok(Err(_)) | Err(_) => assert!(changed, "an untouched signature fails to verify"),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    static SHA: OnceLock<SecretKey> = OnceLock::new();
    static SHAKE: OnceLock<SecretKey> = OnceLock::new();
    let mut u = Unstructured::new(data);
    let Ok(mode) = u.arbitrary::<u8>() else {
        return;
    };
    let forged = mode & 2 != 0;
    let _ = if mode & 1 == 0 {
        run::<Bls12381Sha256>(&mut u, key::<Bls12381Sha256>(&SHA), forged)
    } else {
        run::<Bls12381Shake256>(&mut u, key::<Bls12381Shake256>(&SHAKE), forged)
    };
});
