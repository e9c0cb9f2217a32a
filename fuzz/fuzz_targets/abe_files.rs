//! The `credkit abe` files (`credkit_cli::abe_files`): the three key documents' readers and
//! `Envelope::from_bytes` never panic; an accepted document re-reads from its own JSON
//! unchanged and that JSON is a fixed point; an accepted envelope re-encodes to exactly the
//! input, and `Envelope::open` with a fixed user key never panics on it.
//!
//! The first byte picks a mode: 0, the rest as text to every key reader; 1, the rest as an
//! envelope; 2 to 4, the rest spliced into a real authority key, public key or user key
//! document (two bytes of offset, then the bytes to write there); 5, a real envelope (from a
//! fixed seed, under `role:cardiologist and hospital:H1`) with the rest XORed in at an offset
//! the next two bytes pick, perhaps a byte short or long: it opens, with the fixed key, exactly
//! when it is untouched, and then to the real file.
#![no_main]

use std::sync::OnceLock;

use credkit_abe::policy::{Attribute, Policy};
use credkit_cli::abe_files::{AuthorityKey, AuthorityPublicKey, Envelope, UserKeyFile};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

const RECORD: &[u8] = b"ECG 2025-03-14T08:00Z: sinus rhythm, 72 bpm\n";

struct Fixture {
    authority: String,
    public: String,
    user: String,
    key: UserKeyFile,
    envelope: Vec<u8>,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(0xf11e5);
        let authority = AuthorityKey::generate(&mut rng);
        let attributes = Attribute::parse_list("role:cardiologist, hospital:H1").unwrap();
        let key = authority.keygen(&mut rng, &attributes).unwrap();
        let policy = Policy::parse("role:cardiologist and hospital:H1").unwrap();
        let envelope = Envelope::seal(&mut rng, &authority.public(), &policy, RECORD).unwrap();
        Fixture {
            authority: authority.to_json().to_string(),
            public: authority.public().to_json(),
            user: key.to_json().to_string(),
            key,
            envelope: envelope.to_bytes(),
        }
    })
}

macro_rules! round_trip {
    ($ty:ty, $text:expr) => {
        if let Ok(doc) = <$ty>::from_json($text) {
            let json = doc.to_json();
            let again = <$ty>::from_json(&json).expect(concat!(stringify!($ty), " reads back"));
            assert!(
                again == doc,
                concat!(stringify!($ty), " changed on a round trip")
            );
            assert!(
                *again.to_json() == *json,
                concat!(stringify!($ty), "'s JSON is not a fixed point")
            );
        }
    };
}

fn read_keys(text: &str) {
    round_trip!(AuthorityKey, text);
    round_trip!(AuthorityPublicKey, text);
    round_trip!(UserKeyFile, text);
}

/// Reads an envelope; returns what the fixed key opens of it.
fn read_envelope(bytes: &[u8]) -> Option<Vec<u8>> {
    let envelope = Envelope::from_bytes(bytes).ok()?;
    assert_eq!(envelope.to_bytes(), bytes, "envelope round trip");
    let _ = envelope.policy().to_string();
    envelope.open(&fixture().key).ok().map(|p| p.to_vec())
}

/// `original` with `patch` written at the offset its first two bytes pick.
fn splice(original: &str, patch: &[u8]) -> Option<String> {
    let [high, low, bytes @ ..] = patch else {
        return None;
    };
    let mut text = original.as_bytes().to_vec();
    let offset = usize::from(u16::from_be_bytes([*high, *low])) % text.len();
    let end = (offset + bytes.len()).min(text.len());
    text.splice(offset..end, bytes.iter().copied());
    String::from_utf8(text).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((selector, rest)) = data.split_first() else {
        return;
    };
    let f = fixture();
    match selector % 6 {
        0 => {
            if let Ok(text) = std::str::from_utf8(rest) {
                read_keys(text);
            }
        }
        1 => {
            let _ = read_envelope(rest);
        }
        i @ 2..=4 => {
            let original = [&f.authority, &f.public, &f.user][usize::from(i - 2)];
            if let Some(text) = splice(original, rest) {
                read_keys(&text);
            }
        }
        _ => {
            let [high, low, cut, mask @ ..] = rest else {
                return;
            };
            let mut bytes = f.envelope.clone();
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
            let opened = read_envelope(&bytes);
            if bytes == f.envelope {
                assert_eq!(
                    opened.as_deref(),
                    Some(RECORD),
                    "the real envelope does not open"
                );
            } else {
                assert_eq!(opened, None, "an altered envelope opens");
            }
        }
    }
});
