//! `g2_from_bytes` and `g2_from_bytes_allow_identity`: never panic, agree with each other
//! (the strict decoder only adds the identity check), and a point either decoder accepts
//! re-encodes to exactly the input.
//!
//! The input is also read as a scalar `k` (first 32 bytes) and a mask: the encoding of `k * G`
//! XORed with the mask must decode when the mask is zero or flips only the sign bit (that
//! encodes `-k * G`, except for the identity), and must round-trip whenever it decodes.
#![no_main]

use credkit_core::curve::{Curve, Field, G2Projective, Group, PrimeField, Scalar};
use credkit_core::encoding::{g2_from_bytes, g2_from_bytes_allow_identity, g2_to_bytes};
use credkit_core::Error;
use libfuzzer_sys::fuzz_target;

/// The compressed encoding's sign bit (the third-highest bit of the first byte).
const SIGN_BIT: u8 = 0x20;

fn round_trip(bytes: &[u8]) -> bool {
    let strict = g2_from_bytes(bytes);
    match g2_from_bytes_allow_identity(bytes) {
        Ok(p) => {
            assert_eq!(
                &g2_to_bytes(&p)[..],
                bytes,
                "accepted G2 point does not round-trip"
            );
            assert!(
                strict == Ok(p) || strict == Err(Error::IdentityPoint),
                "decoders disagree"
            );
            true
        }
        Err(e) => {
            assert_eq!(strict, Err(e), "the two G2 decoders disagree");
            false
        }
    }
}

fuzz_target!(|data: &[u8]| {
    round_trip(data);
    let Some((k, mask)) = data.split_first_chunk::<32>() else {
        return;
    };
    let mut repr = [0u8; 32];
    repr[..31].copy_from_slice(&k[..31]); // below 2^248 < r: always canonical
    let k = Option::<Scalar>::from(Scalar::from_repr(repr)).expect("canonical");
    let mut near = g2_to_bytes(&(G2Projective::generator() * k).to_affine());
    near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    let accepted = round_trip(&near);
    let mut rest = mask.iter().take(near.len()).copied();
    let first = rest.next().unwrap_or(0);
    // The identity (k = 0) has no sign: only its exact encoding is valid.
    let negation_ok = first == 0 || !bool::from(k.is_zero());
    if first & !SIGN_BIT == 0 && negation_ok && rest.all(|m| m == 0) {
        assert!(accepted, "a real point (or its negation) was rejected");
    }
});
