//! `blind::Commitment::from_bytes`: never panics, fails only with the documented errors
//! (`CommitmentLength` exactly when the length is not `48 + (2 + M) * 32`), and a commitment it
//! accepts re-encodes to exactly the input, with `M` read off its length; `verify_commitment`
//! of either suite never panics on it.
//!
//! The input is also read as a selector and a mask: one of ten real commitments (both suites,
//! 0 to 3 committed messages, and a pseudonym commitment of each suite, which the Blind BBS
//! Interface must refuse), XORed with the mask and perhaps cut or extended, must decode when
//! untouched, and `verify_commitment` of each suite accepts it exactly when it is an untouched
//! blind commitment of that suite.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::blind::{commit_with_rng, verify_commitment, Commitment};
use credkit_bbs::pseudonym::{commit_with_nym_with_rng, NymSecrets};
use credkit_bbs::{Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

/// `48 + 2 * 32`: a commitment to no message.
const FLOOR: usize = 112;

/// A real commitment: its encoding, and the suite whose `verify_commitment` accepts it (none
/// for a pseudonym commitment).
struct Real {
    bytes: Vec<u8>,
    sha256: bool,
    shake256: bool,
}

fn blind<C: Ciphersuite>(m: usize, sha256: bool) -> Real {
    let messages = [&b"holder secret"[..], b"", b"third"];
    let mut rng = StdRng::seed_from_u64(m as u64);
    let (commitment, _) = commit_with_rng::<C>(&mut rng, &messages[..m]).expect("commit");
    Real {
        bytes: commitment.to_bytes(),
        sha256,
        shake256: !sha256,
    }
}

fn nym<C: Ciphersuite>() -> Real {
    let mut rng = StdRng::seed_from_u64(7);
    let secrets = NymSecrets::generate(&mut rng, 2).expect("nym secrets");
    let (commitment, _) =
        commit_with_nym_with_rng::<C>(&mut rng, &[b"holder secret"], &secrets).expect("commit");
    Real {
        bytes: commitment.to_bytes(),
        sha256: false,
        shake256: false,
    }
}

fn reals() -> &'static [Real] {
    static REALS: OnceLock<Vec<Real>> = OnceLock::new();
    REALS.get_or_init(|| {
        let mut reals: Vec<Real> = (0..4).map(|m| blind::<Bls12381Sha256>(m, true)).collect();
        reals.extend((0..4).map(|m| blind::<Bls12381Shake256>(m, false)));
        reals.extend([nym::<Bls12381Sha256>(), nym::<Bls12381Shake256>()]);
        reals
    })
}

/// Decodes, checks the round trip and the error, and runs `verify_commitment` of both suites
/// on whatever decodes: `(decoded, sha256 accepts, shake256 accepts)`.
fn check(bytes: &[u8]) -> (bool, bool, bool) {
    let well_sized = bytes.len() >= FLOOR && (bytes.len() - FLOOR).is_multiple_of(32);
    match Commitment::from_bytes(bytes) {
        Ok(commitment) => {
            assert_eq!(
                commitment.to_bytes(),
                bytes,
                "accepted commitment does not round-trip"
            );
            assert_eq!(bytes.len(), FLOOR + commitment.committed_count() * 32);
            let sha = verify_commitment::<Bls12381Sha256>(&commitment);
            let shake = verify_commitment::<Bls12381Shake256>(&commitment);
            for result in [&sha, &shake] {
                if let Err(e) = result {
                    assert_eq!(*e, Error::InvalidCommitment, "verify_commitment: {e:?}");
                }
            }
            (true, sha.is_ok(), shake.is_ok())
        }
        Err(Error::CommitmentLength(n)) => {
            assert!(
                !well_sized,
                "a well-sized commitment refused for its length"
            );
            assert_eq!(n, bytes.len());
            (false, false, false)
        }
        Err(e) => {
            assert!(well_sized, "an ill-sized commitment refused with {e:?}");
            assert!(
                matches!(e, Error::Encoding(_) | Error::TooManyMessages(_)),
                "undocumented error {e:?}"
            );
            (false, false, false)
        }
    }
}

fuzz_target!(|data: &[u8]| {
    check(data);
    let Some((&selector, mask)) = data.split_first() else {
        return;
    };
    let real = &reals()[usize::from(selector) % 10];
    let mut near = real.bytes.clone();
    near.iter_mut().zip(mask).for_each(|(b, m)| *b ^= m);
    match selector / 10 % 4 {
        0 => near.truncate(near.len().saturating_sub(32)),
        1 => near.extend_from_slice(&[1; 32]),
        2 => near.push(0),
        _ => {}
    }
    let untouched = near == real.bytes;
    let (decoded, sha, shake) = check(&near);
    if untouched {
        assert!(decoded, "a real commitment was rejected");
    }
    assert_eq!(
        (sha, shake),
        (untouched && real.sha256, untouched && real.shake256),
        "verify_commitment accepted a modified or foreign commitment, or refused a real one"
    );
});
