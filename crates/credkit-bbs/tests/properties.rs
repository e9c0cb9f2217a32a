//! Property tests: random message counts and disclosed subsets round-trip, and every change to
//! a message, the header, the presentation header or a proof byte makes verification fail.

use credkit_bbs::{
    proof_gen_with_rng, proof_verify, sign, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite,
    Error, Proof, SecretKey, Signature,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;

/// A tweak to a presentation, with whether the tweaked presentation must still verify.
#[derive(Clone, Debug)]
enum Tweak {
    None,
    Message(usize),
    Header,
    PresentationHeader,
    ProofByte(usize),
}

fn messages(count: usize, seed: u64) -> Vec<Vec<u8>> {
    (0..count)
        .map(|i| format!("attribute {i} of holder {seed}").into_bytes())
        .collect()
}

/// Signs `count` messages, proves the subset chosen by `mask`, applies `tweak`, and checks the
/// verdict.
fn check_round_trip<C: Ciphersuite>(
    count: usize,
    mask: u64,
    seed: u64,
    tweak: Tweak,
) -> Result<(), TestCaseError> {
    let mut rng = StdRng::seed_from_u64(seed);
    let sk = SecretKey::generate::<C>(&mut rng);
    let pk = sk.public_key();
    let msgs = messages(count, seed);
    let header = b"credkit property test".to_vec();
    let signature = sign::<C>(&sk, &header, &msgs).unwrap();
    verify::<C>(pk, &signature, &header, &msgs).unwrap();

    let disclosed: Vec<usize> = (0..count).filter(|i| mask >> (i % 64) & 1 == 1).collect();
    let ph = seed.to_be_bytes().to_vec();
    let proof =
        proof_gen_with_rng::<C>(&mut rng, pk, &signature, &header, &ph, &msgs, &disclosed).unwrap();
    prop_assert_eq!(proof.undisclosed_count(), count - disclosed.len());
    let mut disclosed_msgs: Vec<Vec<u8>> = disclosed.iter().map(|&i| msgs[i].clone()).collect();
    let (mut header_v, mut ph_v, mut proof_bytes) = (header.clone(), ph.clone(), proof.to_bytes());
    let must_verify = match tweak {
        Tweak::None => true,
        Tweak::Message(i) if !disclosed_msgs.is_empty() => {
            let i = i % disclosed_msgs.len();
            disclosed_msgs[i].push(b'!');
            false
        }
        Tweak::Message(_) => true,
        Tweak::Header => {
            header_v.push(0);
            false
        }
        Tweak::PresentationHeader => {
            ph_v[0] ^= 0x80;
            false
        }
        Tweak::ProofByte(i) => {
            let i = i % proof_bytes.len();
            proof_bytes[i] ^= 1 << (i % 8);
            false
        }
    };
    let verdict = Proof::from_bytes(&proof_bytes)
        .and_then(|p| proof_verify::<C>(pk, &p, &header_v, &ph_v, &disclosed_msgs, &disclosed));
    prop_assert_eq!(
        verdict.is_ok(),
        must_verify,
        "tweak {:?}: {:?}",
        tweak,
        verdict
    );

    // The signature itself: a changed message or header must not verify either.
    if !msgs.is_empty() && !must_verify {
        let mut changed = msgs.clone();
        changed[seed as usize % count].push(b'?');
        prop_assert_eq!(
            verify::<C>(pk, &signature, &header, &changed),
            Err(Error::InvalidSignature)
        );
    }
    Ok(())
}

fn tweak() -> impl Strategy<Value = Tweak> {
    prop_oneof![
        Just(Tweak::None),
        any::<usize>().prop_map(Tweak::Message),
        Just(Tweak::Header),
        Just(Tweak::PresentationHeader),
        any::<usize>().prop_map(Tweak::ProofByte),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn sha256_round_trip(count in 0usize..=64, mask in any::<u64>(), seed in any::<u64>(), tweak in tweak()) {
        check_round_trip::<Bls12381Sha256>(count, mask, seed, tweak)?;
    }

    #[test]
    fn shake256_round_trip(count in 0usize..=64, mask in any::<u64>(), seed in any::<u64>(), tweak in tweak()) {
        check_round_trip::<Bls12381Shake256>(count, mask, seed, tweak)?;
    }
}

/// Every single-bit change to every byte of one proof, and of one signature, is rejected.
fn every_byte_matters<C: Ciphersuite>() {
    let mut rng = StdRng::seed_from_u64(7);
    let sk = SecretKey::generate::<C>(&mut rng);
    let msgs = messages(5, 7);
    let signature = sign::<C>(&sk, b"h", &msgs).unwrap();
    let proof = proof_gen_with_rng::<C>(
        &mut rng,
        sk.public_key(),
        &signature,
        b"h",
        b"ph",
        &msgs,
        &[1, 3],
    )
    .unwrap();
    let bytes = proof.to_bytes();
    let disclosed = [&msgs[1], &msgs[3]];
    for i in 0..bytes.len() {
        let mut tampered = bytes.clone();
        tampered[i] ^= 0x04;
        let verdict = Proof::from_bytes(&tampered)
            .and_then(|p| proof_verify::<C>(sk.public_key(), &p, b"h", b"ph", &disclosed, &[1, 3]));
        assert!(
            verdict.is_err(),
            "{}: proof byte {i} changed and still verified",
            C::NAME
        );
    }
    let sig_bytes = signature.to_bytes();
    for i in 0..sig_bytes.len() {
        let mut tampered = sig_bytes;
        tampered[i] ^= 0x04;
        let verdict = Signature::from_bytes(&tampered)
            .and_then(|s| verify::<C>(sk.public_key(), &s, b"h", &msgs));
        assert!(
            verdict.is_err(),
            "{}: signature byte {i} changed and still verified",
            C::NAME
        );
    }
}

#[test]
fn every_proof_and_signature_byte_matters_sha256() {
    every_byte_matters::<Bls12381Sha256>();
}

#[test]
fn every_proof_and_signature_byte_matters_shake256() {
    every_byte_matters::<Bls12381Shake256>();
}
