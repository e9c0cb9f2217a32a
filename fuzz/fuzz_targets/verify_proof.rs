//! `proof_gen` and `proof_verify` with a fixed, valid public key (a deterministic `KeyGen`) and
//! fuzzed messages, headers, proofs and disclosed indexes (out of range, unsorted, duplicated,
//! a count that does not match the messages): they never panic, and a proof verifies only when
//! the verifier sees exactly what the holder proved.
//!
//! The holder signs the fuzzed messages and proves a subset of them chosen by a bit mask. The
//! verifier then checks that proof, XORed with an input mask (possibly truncated or extended),
//! against the honest or fuzzed indexes, disclosed messages and headers. `proof_gen` is also
//! called with the fuzzed indexes, and must succeed exactly when they are strictly ascending and
//! in range.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::{
    proof_gen, proof_verify, sign, Bls12381Sha256, Bls12381Shake256, Ciphersuite, Proof, SecretKey,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn key<C: Ciphersuite>(cell: &'static OnceLock<SecretKey>) -> &'static SecretKey {
    cell.get_or_init(|| SecretKey::key_gen::<C>(&[0xa5; 32], b"credkit-fuzz").expect("key_gen"))
}

/// Up to `max` bytes of input.
fn bytes<'a>(u: &mut Unstructured<'a>, max: usize) -> Result<&'a [u8]> {
    let len = u.int_in_range(0..=max)?;
    u.bytes(len.min(u.len()))
}

/// An index that is often in range, sometimes just past it, and sometimes huge.
fn index(u: &mut Unstructured<'_>, count: usize) -> Result<usize> {
    Ok(match u.int_in_range(0..=7u8)? {
        0 => usize::MAX - usize::from(u.arbitrary::<u8>()?),
        1 => count + usize::from(u.arbitrary::<u8>()? % 4),
        _ => usize::from(u.arbitrary::<u8>()?) % count.max(1),
    })
}

fn run<C: Ciphersuite>(u: &mut Unstructured<'_>, sk: &SecretKey) -> Result<()> {
    let pk = sk.public_key();
    let header = bytes(u, 16)?;
    let ph = bytes(u, 16)?;
    let count = u.int_in_range(0..=10usize)?;
    let messages: Vec<&[u8]> = (0..count).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let signature = sign::<C>(sk, header, &messages).expect("sign");

    // The holder's honest proof.
    let mask: u16 = u.arbitrary()?;
    let honest: Vec<usize> = (0..count).filter(|i| (mask >> i) & 1 == 1).collect();
    let proof = proof_gen::<C>(pk, &signature, header, ph, &messages, &honest)
        .expect("proof_gen with valid indexes");
    let honest_messages: Vec<&[u8]> = honest.iter().map(|&i| messages[i]).collect();
    proof_verify::<C>(pk, &proof, header, ph, &honest_messages, &honest)
        .expect("an honest proof verifies");

    // The verifier's view, possibly altered.
    let mut changed = false;
    let indexes = if u.ratio(1, 2)? {
        honest.clone()
    } else {
        let n = u.int_in_range(0..=12usize)?;
        let fuzzed: Vec<usize> = (0..n).map(|_| index(u, count)).collect::<Result<_>>()?;
        // proof_gen checks the indexes before anything else.
        let valid = fuzzed.windows(2).all(|w| w[0] < w[1]) && fuzzed.iter().all(|&i| i < count);
        let result = proof_gen::<C>(pk, &signature, header, ph, &messages, &fuzzed);
        assert_eq!(
            result.is_ok(),
            valid,
            "proof_gen accepted bad indexes or refused good ones: {fuzzed:?}"
        );
        changed |= fuzzed != honest;
        fuzzed
    };
    let mut disclosed: Vec<&[u8]> = indexes
        .iter()
        .map(|&i| messages.get(i).copied().unwrap_or(b"none"))
        .collect();
    match u.int_in_range(0..=3u8)? {
        1 => {
            disclosed.pop();
        }
        2 => disclosed.push(bytes(u, 16)?),
        3 if !disclosed.is_empty() => {
            let i = u.choose_index(disclosed.len())?;
            disclosed[i] = bytes(u, 16)?;
        }
        _ => {}
    }
    changed |= disclosed != honest_messages;
    let verifier_header = if u.ratio(1, 8)? {
        bytes(u, 16)?
    } else {
        header
    };
    let verifier_ph = if u.ratio(1, 8)? { bytes(u, 16)? } else { ph };
    changed |= verifier_header != header || verifier_ph != ph;

    let mut encoded = proof.to_bytes();
    let xor = bytes(u, encoded.len())?;
    for (b, m) in encoded.iter_mut().zip(xor) {
        *b ^= m;
    }
    match u.int_in_range(0..=7u8)? {
        0 => encoded.truncate(encoded.len().saturating_sub(32)),
        1 => encoded.extend_from_slice(bytes(u, 64)?),
        _ => {}
    }
    changed |= encoded != proof.to_bytes();

    let accepted = Proof::from_bytes(&encoded)
        .map(|p| {
            proof_verify::<C>(pk, &p, verifier_header, verifier_ph, &disclosed, &indexes).is_ok()
        })
        .unwrap_or(false);
    assert_eq!(
        accepted, !changed,
        "accepted a modified proof, or rejected an untouched one"
    );
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
        run::<Bls12381Shake256>(&mut u, key::<Bls12381Shake256>(&SHAKE))
    } else {
        run::<Bls12381Sha256>(&mut u, key::<Bls12381Sha256>(&SHA))
    };
});
