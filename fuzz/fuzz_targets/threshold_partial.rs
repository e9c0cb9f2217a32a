//! `PartialSignature::from_bytes`: never panics, and a partial signature it accepts re-encodes
//! to exactly the input.
//!
//! The input is also read as a selector and a mask: the real partial signature of one member
//! of a fixed 2-of-3 group on a fixed message, XORed with the mask (identifier included), must
//! decode when untouched; whatever decodes verifies under the group (`verify_partial`) only if
//! it is one of the members' real partial signatures (BLS signatures are unique).
#![no_main]

use std::sync::OnceLock;

use credkit_threshold::bls::SecretKey;
use credkit_threshold::dealer::{self, GroupKey};
use credkit_threshold::{sign, Identifier, PartialSignature};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

const MESSAGE: &[u8] = b"fuzz partial";

/// A fixed 2-of-3 group and the real partial signatures of members 1 to 3 on `MESSAGE`.
fn group() -> &'static (GroupKey, Vec<PartialSignature>) {
    static GROUP: OnceLock<(GroupKey, Vec<PartialSignature>)> = OnceLock::new();
    GROUP.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(1);
        let sk = SecretKey::key_gen(&[3; 32], b"fuzz").expect("key_gen");
        let ids: Vec<Identifier> = (1..=3).map(|i| Identifier::new(i).expect("id")).collect();
        let (group, shares) = dealer::split(&mut rng, &sk, 2, &ids).expect("split");
        let partials = shares.iter().map(|s| sign::sign(s, MESSAGE)).collect();
        (group, partials)
    })
}

fn round_trip(bytes: &[u8]) -> Option<PartialSignature> {
    let partial = PartialSignature::from_bytes(bytes).ok()?;
    assert_eq!(
        &partial.to_bytes()[..],
        bytes,
        "accepted partial signature does not round-trip"
    );
    Some(partial)
}

fuzz_target!(|data: &[u8]| {
    round_trip(data);
    let Some((&selector, mask)) = data.split_first() else {
        return;
    };
    let (group, partials) = group();
    let real = partials[usize::from(selector % 3)];
    let mut near = real.to_bytes();
    near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    let untouched = mask.iter().take(near.len()).all(|&m| m == 0);
    let Some(partial) = round_trip(&near) else {
        assert!(!untouched, "a real partial signature was rejected");
        return;
    };
    if untouched {
        assert_eq!(partial, real);
    }
    if sign::verify_partial(group, MESSAGE, &partial).is_ok() {
        assert!(
            partials.contains(&partial),
            "a partial signature no member made verifies: {partial:?}"
        );
    } else {
        assert!(
            !partials.contains(&partial),
            "a real partial signature does not verify"
        );
    }
});
