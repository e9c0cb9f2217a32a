//! A fixed issuer key signs with a hostile commitment: `blind::blind_sign` and
//! `pseudonym::blind_sign_with_nym` with an arbitrary commitment byte string (or none),
//! arbitrary messages (a few, or as many as the limit allows and one more), an arbitrary
//! header, secret count and entropy. They never panic and return exactly the documented answer:
//!
//! - the decoder fails only with `CommitmentLength`, `TooManyMessages` or `Encoding`;
//! - `blind_sign` gives `TooManyMessages` when `L + M + 1` exceeds `MAX_MESSAGES`, a signature
//!   when the commitment is a real blind commitment of the issuer's suite (or there is none),
//!   and `InvalidCommitment` otherwise (modified, truncated, extended, of the other suite or of
//!   the pseudonym interface); the holder's `blind_verify` accepts the signature on a real
//!   commitment;
//! - `blind_sign_with_nym` gives `NymSecretCount` for a secret count outside 1..=64 or above the
//!   commitment's `M`, then `TooManyMessages`, a signature exactly when the commitment is a real
//!   pseudonym commitment of the issuer's suite, `InvalidCommitment` otherwise; the holder's
//!   `verify_finalize_with_nym` accepts that signature exactly when it states the holder's own
//!   number of secrets.
//!
//! The commitment is either raw input bytes or one of sixteen real commitments (both suites,
//! both interfaces, 0 to 3 committed messages, 1 to 3 pseudonym secrets), XORed with a mask and
//! perhaps cut or extended.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::blind::{blind_sign, blind_verify, commit_with_rng, Commitment, ProverBlind};
use credkit_bbs::pseudonym::{
    blind_sign_with_nym, commit_with_nym_with_rng, verify_finalize_with_nym, NymEntropy,
    NymSecrets, MAX_NYM_SECRETS,
};
use credkit_bbs::{Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, SecretKey, MAX_MESSAGES};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

const COMMITTED: [&[u8]; 3] = [b"holder secret", b"", b"third"];

/// A real commitment, with what its holder kept.
struct Real {
    bytes: Vec<u8>,
    sha256: bool,
    committed: usize,
    /// The pseudonym secrets, for a pseudonym commitment.
    nyms: Option<NymSecrets>,
    blind: ProverBlind,
}

fn blind_real<C: Ciphersuite>(m: usize, sha256: bool) -> Real {
    let mut rng = StdRng::seed_from_u64(m as u64);
    let (commitment, blind) = commit_with_rng::<C>(&mut rng, &COMMITTED[..m]).expect("commit");
    Real {
        bytes: commitment.to_bytes(),
        sha256,
        committed: m,
        nyms: None,
        blind,
    }
}

fn nym_real<C: Ciphersuite>(n: usize, m: usize, sha256: bool) -> Real {
    let mut rng = StdRng::seed_from_u64(100 + n as u64);
    let nyms = NymSecrets::generate(&mut rng, n).expect("nym secrets");
    let (commitment, blind) =
        commit_with_nym_with_rng::<C>(&mut rng, &COMMITTED[..m], &nyms).expect("commit");
    Real {
        bytes: commitment.to_bytes(),
        sha256,
        committed: m,
        nyms: Some(nyms),
        blind,
    }
}

/// The real commitments of one suite: blind with 0 to 3 messages, pseudonym with 1 to 3 secrets.
fn suite_reals<C: Ciphersuite>(sha256: bool) -> Vec<Real> {
    let mut reals: Vec<Real> = (0..4).map(|m| blind_real::<C>(m, sha256)).collect();
    reals.extend([(1, 0), (2, 1), (3, 2), (1, 3)].map(|(n, m)| nym_real::<C>(n, m, sha256)));
    reals
}

fn reals() -> &'static [Real] {
    static REALS: OnceLock<Vec<Real>> = OnceLock::new();
    REALS.get_or_init(|| {
        let mut reals = suite_reals::<Bls12381Sha256>(true);
        reals.extend(suite_reals::<Bls12381Shake256>(false));
        reals
    })
}

fn key<C: Ciphersuite>(cell: &'static OnceLock<SecretKey>) -> &'static SecretKey {
    cell.get_or_init(|| SecretKey::key_gen::<C>(&[0xd7; 32], b"credkit-fuzz").expect("key_gen"))
}

/// Up to `max` bytes of input.
fn bytes<'a>(u: &mut Unstructured<'a>, max: usize) -> Result<&'a [u8]> {
    let len = u.int_in_range(0..=max)?;
    u.bytes(len.min(u.len()))
}

fn run<C: Ciphersuite>(u: &mut Unstructured<'_>, sk: &SecretKey, sha256: bool) -> Result<()> {
    let pk = sk.public_key();
    // The commitment: raw bytes, or a real one, perhaps modified.
    let (encoded, real) = if u.ratio(1, 4)? {
        (bytes(u, 400)?.to_vec(), None)
    } else {
        let reals = reals();
        let real = &reals[u.choose_index(reals.len())?];
        let mut near = real.bytes.clone();
        if u.ratio(1, 2)? {
            let xor = bytes(u, near.len())?;
            near.iter_mut().zip(xor).for_each(|(b, m)| *b ^= m);
        }
        match u.int_in_range(0..=7u8)? {
            0 => near.truncate(near.len().saturating_sub(32)),
            1 => near.extend_from_slice(&[1; 32]),
            2 => near.push(0),
            _ => {}
        }
        (near, Some(real))
    };
    // A real commitment is one whose bytes are untouched (or that the fuzzer rebuilt).
    let real = real
        .filter(|r| r.bytes == encoded)
        .or_else(|| reals().iter().find(|r| r.bytes == encoded));
    let commitment = match Commitment::from_bytes(&encoded) {
        Ok(c) => Some(c),
        Err(e) => {
            assert!(
                matches!(
                    e,
                    Error::CommitmentLength(_) | Error::TooManyMessages(_) | Error::Encoding(_)
                ),
                "Commitment::from_bytes: undocumented {e:?}"
            );
            assert!(real.is_none(), "a real commitment does not decode");
            None
        }
    };
    let m = commitment.as_ref().map_or(0, Commitment::committed_count);

    let header = bytes(u, 16)?;
    // A few messages, or as many as fit with the commitment, and one more.
    // (The costly case is not the one an exhausted input picks: that is 0.)
    let l = match u.int_in_range(0..=31u8)? {
        31 => (MAX_MESSAGES - 1).saturating_sub(m) + usize::from(u.arbitrary::<bool>()?),
        _ => u.int_in_range(0..=8usize)?,
    };
    let mut messages: Vec<&[u8]> = vec![&b""[..]; l];
    for message in messages.iter_mut().take(8) {
        *message = bytes(u, 16)?;
    }
    let too_many = l + m + 1 > MAX_MESSAGES;

    // Blind BBS: with the decoded commitment, or with none at all.
    let result = blind_sign::<C>(sk, commitment.as_ref(), header, &messages);
    let real_blind = real.filter(|r| r.sha256 == sha256 && r.nyms.is_none());
    match (&result, too_many, real_blind) {
        (Err(Error::TooManyMessages(_)), true, _) => {}
        (Ok(signature), false, Some(r)) => {
            blind_verify::<C>(
                pk,
                signature,
                header,
                &messages,
                &COMMITTED[..r.committed],
                Some(&r.blind),
            )
            .expect("the holder's blind_verify of a signature on its commitment");
        }
        (Ok(signature), false, None) if commitment.is_none() => {
            let none: &[&[u8]] = &[];
            blind_verify::<C>(pk, signature, header, &messages, none, None)
                .expect("blind_verify of a signature without commitment");
        }
        (Err(Error::InvalidCommitment), false, None) if commitment.is_some() => {}
        _ => panic!(
            "blind_sign: {result:?} with {l} messages, {m} committed, decoded: {}, real: {}",
            commitment.is_some(),
            real_blind.is_some()
        ),
    }

    // Pseudonyms: only with a commitment.
    let Some(commitment) = commitment else {
        return Ok(());
    };
    let nym_count = match u.int_in_range(0..=7u8)? {
        5 => usize::MAX - usize::from(u.arbitrary::<u8>()?),
        6 => MAX_NYM_SECRETS - 1 + usize::from(u.arbitrary::<u8>()? % 3),
        7 => 0,
        _ => u.int_in_range(1..=4usize)?,
    };
    let entropy = match NymEntropy::from_bytes(bytes(u, 32)?) {
        Ok(entropy) => entropy,
        Err(e) => {
            assert!(
                matches!(e, Error::Encoding(_)),
                "NymEntropy: undocumented {e:?}"
            );
            NymEntropy::from_bytes(&[0; 32]).expect("zero entropy")
        }
    };
    let result = blind_sign_with_nym::<C>(sk, &commitment, nym_count, &entropy, header, &messages);
    let real_nym = real.filter(|r| r.sha256 == sha256 && r.nyms.is_some());
    let count_ok = (1..=MAX_NYM_SECRETS).contains(&nym_count) && nym_count <= m;
    match (&result, count_ok, too_many, real_nym) {
        (Err(Error::NymSecretCount { .. }), false, _, _) => {}
        (Err(Error::TooManyMessages(_)), true, true, _) => {}
        (Ok(signature), true, false, Some(r)) => {
            let nyms = r.nyms.as_ref().expect("a pseudonym commitment");
            let finalized = verify_finalize_with_nym::<C>(
                pk,
                signature,
                header,
                &messages,
                &COMMITTED[..r.committed],
                nyms,
                &entropy,
                Some(&r.blind),
            );
            assert_eq!(
                finalized.is_ok(),
                nym_count == nyms.len(),
                "verify_finalize_with_nym: {finalized:?} for {nym_count} secrets stated, {} held",
                nyms.len()
            );
            if let Err(e) = finalized {
                assert_eq!(e, Error::InvalidSignature);
            }
        }
        (Err(Error::InvalidCommitment), true, false, None) => {}
        _ => panic!(
            "blind_sign_with_nym: {result:?} with {nym_count} secrets stated, {l} messages, \
             {m} committed, real: {}",
            real_nym.is_some()
        ),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    static SHA: OnceLock<SecretKey> = OnceLock::new();
    static SHAKE: OnceLock<SecretKey> = OnceLock::new();
    let mut u = Unstructured::new(data);
    let Ok(suite) = u.arbitrary::<bool>() else {
        return;
    };
    let _ = if suite {
        run::<Bls12381Shake256>(&mut u, key::<Bls12381Shake256>(&SHAKE), false)
    } else {
        run::<Bls12381Sha256>(&mut u, key::<Bls12381Sha256>(&SHA), true)
    };
});
