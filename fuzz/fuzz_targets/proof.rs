//! `Proof::from_bytes`: never panics, and a proof it accepts re-encodes to exactly the input,
//! with `U` read off its length.
//!
//! The input is also read as a selector and a mask: one of four real proofs (hiding 0 to 3
//! messages), XORed with the mask and perhaps cut or extended, must decode when untouched, and
//! must round-trip whenever it decodes.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::{proof_gen, sign, Bls12381Sha256 as Suite, Proof, SecretKey};
use libfuzzer_sys::fuzz_target;

fn round_trip(bytes: &[u8]) -> bool {
    let decoded = Proof::from_bytes(bytes);
    if let Ok(proof) = &decoded {
        assert_eq!(
            proof.to_bytes(),
            bytes,
            "accepted proof does not round-trip"
        );
        assert_eq!(bytes.len(), 3 * 48 + (4 + proof.undisclosed_count()) * 32);
    }
    decoded.is_ok()
}

/// Real proofs over three messages, disclosing all, two, one and none of them.
fn real_proofs() -> &'static [Vec<u8>] {
    static PROOFS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    PROOFS.get_or_init(|| {
        let sk = SecretKey::key_gen::<Suite>(&[9; 32], b"").expect("key_gen");
        let messages = [&b"a"[..], b"b", b"c"];
        let signature = sign::<Suite>(&sk, b"", &messages).expect("sign");
        [&[0, 1, 2][..], &[0, 2], &[1], &[]]
            .iter()
            .map(|disclosed| {
                proof_gen::<Suite>(sk.public_key(), &signature, b"", b"", &messages, disclosed)
                    .expect("proof_gen")
                    .to_bytes()
            })
            .collect()
    })
}

fuzz_target!(|data: &[u8]| {
    round_trip(data);
    let Some((&selector, mask)) = data.split_first() else {
        return;
    };
    let mut near = real_proofs()[usize::from(selector % 4)].clone();
    near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    match selector >> 2 {
        0 => near.truncate(near.len().saturating_sub(32)),
        1 => near.extend_from_slice(&[1; 32]),
        2 => near.push(0),
        _ => {}
    }
    let untouched = selector >> 2 > 2 && mask.iter().take(near.len()).all(|&m| m == 0);
    let accepted = round_trip(&near);
    if untouched {
        assert!(accepted, "a real proof was rejected");
    }
});
