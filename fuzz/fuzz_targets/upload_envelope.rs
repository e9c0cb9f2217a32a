//! `upload::Envelope::from_bytes` and `from_json`: never panic; an envelope accepted either
//! way re-encodes canonically (`to_bytes` gives back the binary input) and reads back from
//! both of its encodings unchanged.
//!
//! The input is also read as a selector and an edit of a real envelope, signed under a fixed
//! key: its binary encoding XORed with a mask (perhaps a byte short or long), or its JSON with
//! a byte range overwritten. The untouched envelope decodes and `verify` accepts it; an
//! envelope that `verify` accepts is the real one (nothing else is signed).
#![no_main]

use std::sync::OnceLock;

use credkit_threshold::bls::SecretKey;
use credkit_threshold::upload::{Envelope, GroupId, TaskId, UnsignedEnvelope};
use libfuzzer_sys::fuzz_target;

const PAYLOAD: &[u8] = br#"{"heart_rate": 72}"#;

fn key() -> &'static SecretKey {
    static KEY: OnceLock<SecretKey> = OnceLock::new();
    KEY.get_or_init(|| SecretKey::key_gen(&[8; 32], b"fuzz upload").expect("key_gen"))
}

fn real() -> &'static Envelope {
    static ENVELOPE: OnceLock<Envelope> = OnceLock::new();
    ENVELOPE.get_or_init(|| {
        let unsigned = UnsignedEnvelope::from_parts(
            GroupId::from_public_key(key().public_key()),
            TaskId::new("study-S/visit-3").expect("task id"),
            [0x5a; 32],
            1_750_000_000,
            sha256_of_payload(),
        );
        let signature = key().sign(&unsigned.signing_bytes());
        unsigned.attach(signature)
    })
}

/// The SHA-256 of `PAYLOAD`, read off an envelope the library hashes itself.
fn sha256_of_payload() -> [u8; 32] {
    let probe = UnsignedEnvelope::new(
        GroupId::from_bytes([0; 32]),
        TaskId::new("x").expect("task id"),
        0,
        PAYLOAD,
    );
    *probe.payload_sha256()
}

/// The round trips of an accepted envelope.
fn check(envelope: &Envelope) {
    let bytes = envelope.to_bytes();
    assert_eq!(
        Envelope::from_bytes(&bytes).as_ref(),
        Ok(envelope),
        "binary form does not read back"
    );
    let json = envelope.to_json();
    assert_eq!(
        Envelope::from_json(&json).as_ref(),
        Ok(envelope),
        "JSON form does not read back"
    );
    if envelope.verify(key().public_key(), PAYLOAD).is_ok() {
        assert_eq!(envelope, real(), "an envelope nobody signed verifies");
    }
}

fn from_bytes(bytes: &[u8]) -> Option<Envelope> {
    let envelope = Envelope::from_bytes(bytes).ok()?;
    assert_eq!(
        envelope.to_bytes(),
        bytes,
        "accepted envelope does not round-trip"
    );
    check(&envelope);
    Some(envelope)
}

fn from_json(text: &str) -> Option<Envelope> {
    let envelope = Envelope::from_json(text).ok()?;
    check(&envelope);
    Some(envelope)
}

fuzz_target!(|data: &[u8]| {
    from_bytes(data);
    if let Ok(text) = std::str::from_utf8(data) {
        from_json(text);
    }
    let Some((&selector, mask)) = data.split_first() else {
        return;
    };
    let envelope = real();
    let decoded = if selector % 4 < 3 {
        let mut near = envelope.to_bytes();
        near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
        match selector % 4 {
            0 => {
                near.pop();
            }
            1 => near.push(selector),
            _ => {}
        }
        let untouched = near == envelope.to_bytes();
        let decoded = from_bytes(&near);
        if untouched {
            assert!(decoded.is_some(), "the real envelope was rejected");
        }
        decoded
    } else {
        // Overwrite the JSON, from an even offset the next byte picks, with the rest.
        let Some((&offset, patch)) = mask.split_first() else {
            return;
        };
        let mut json = envelope.to_json().into_bytes();
        let at = 2 * usize::from(offset) % (json.len() + 1);
        let end = (at + patch.len()).min(json.len());
        json.splice(at..end, patch.iter().copied());
        let Ok(text) = String::from_utf8(json) else {
            return;
        };
        let decoded = from_json(&text);
        if text == envelope.to_json() {
            assert!(decoded.is_some(), "the real envelope's JSON was rejected");
        }
        decoded
    };
    // `check` made sure that whatever verifies is the real envelope; the real one verifies.
    if decoded.as_ref() == Some(envelope) {
        assert_eq!(envelope.verify(key().public_key(), PAYLOAD), Ok(()));
    }
});
