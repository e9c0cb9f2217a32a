//! `blind::blind_proof_verify` (and `blind_proof_gen`) with a fixed, valid public key (a
//! deterministic `KeyGen`) and fuzzed proofs, headers, signer message counts `L`, disclosed
//! messages and indexes of both lists (out of range, unsorted, duplicated, counts that do not
//! match the messages): they never panic, fail only with the documented errors, and a proof
//! verifies only when the verifier sees exactly what the holder proved.
//!
//! Two modes, chosen by the input:
//!
//! - *Honest*: the holder commits to 0 to 3 messages (or skips the commitment), the issuer signs
//!   0 to 6 messages with the commitment, the holder verifies the signature and proves subsets
//!   of both lists chosen by bit masks, and that proof verifies. `blind_proof_gen` with fuzzed
//!   indexes succeeds exactly when both lists are strictly ascending and in range. The
//!   verifier then checks the proof, XORed with an input mask (perhaps cut or extended),
//!   against the honest or fuzzed `L`, indexes, disclosed messages and headers:
//!   `blind_proof_verify` succeeds exactly when nothing changed.
//! - *Hostile*: a proof made of the three points of a real proof and `4 + U` scalars from the
//!   input (U up to 24), checked against a fuzzed `L` (from 0 to `usize::MAX`), header,
//!   presentation header and disclosed lists: it never panics and never verifies.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::blind::{
    blind_proof_gen, blind_proof_verify, blind_sign, blind_verify, commit_with_rng,
};
use credkit_bbs::{
    Bls12381Sha256, Bls12381Shake256, Ciphersuite, Error, Proof, SecretKey, MAX_MESSAGES,
};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use rand::rngs::StdRng;
use rand::SeedableRng;

/// The three points of a proof: `Abar`, `Bbar`, `D`.
const POINTS_LEN: usize = 3 * 48;

fn key<C: Ciphersuite>(cell: &'static OnceLock<SecretKey>) -> &'static SecretKey {
    cell.get_or_init(|| SecretKey::key_gen::<C>(&[0xb1; 32], b"credkit-fuzz").expect("key_gen"))
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
        1 => count.saturating_add(usize::from(u.arbitrary::<u8>()? % 4)),
        _ => usize::from(u.arbitrary::<u8>()?) % count.max(1),
    })
}

/// Up to `max` fuzzed indexes into a list of `count`.
fn indexes(u: &mut Unstructured<'_>, count: usize, max: usize) -> Result<Vec<usize>> {
    let n = u.int_in_range(0..=max)?;
    (0..n).map(|_| index(u, count)).collect()
}

/// Strictly ascending and below `count`: what the proof generators accept.
fn valid(indexes: &[usize], count: usize) -> bool {
    indexes.windows(2).all(|w| w[0] < w[1]) && indexes.iter().all(|&i| i < count)
}

/// A signer message count for the verifier: usually `l` (always, once the input runs out),
/// sometimes one off, small, around `MAX_MESSAGES`, or huge.
fn signer_count(u: &mut Unstructured<'_>, l: usize) -> Result<usize> {
    Ok(match u.int_in_range(0..=15u8)? {
        11 => usize::MAX - usize::from(u.arbitrary::<u8>()?),
        12 => MAX_MESSAGES - 2 + usize::from(u.arbitrary::<u8>()? % 4),
        13 => usize::from(u.arbitrary::<u8>()? % 16),
        14 => l + 1,
        15 => l.saturating_sub(1),
        _ => l,
    })
}

/// Perhaps drops, adds or replaces one disclosed message.
fn alter<'a>(u: &mut Unstructured<'a>, disclosed: &mut Vec<&'a [u8]>) -> Result<()> {
    match u.int_in_range(0..=7u8)? {
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
    Ok(())
}

/// The errors `blind_proof_verify` documents.
fn documented(e: &Error) -> bool {
    matches!(
        e,
        Error::InvalidProof
            | Error::SignerMessageCount { .. }
            | Error::DisclosedCountMismatch { .. }
            | Error::IndexOutOfRange { .. }
            | Error::IndexesNotAscending
            | Error::TooManyMessages(_)
    )
}

fn honest<C: Ciphersuite>(u: &mut Unstructured<'_>, sk: &SecretKey) -> Result<()> {
    let pk = sk.public_key();
    let header = bytes(u, 16)?;
    let ph = bytes(u, 16)?;
    let l = u.int_in_range(0..=6usize)?;
    let messages: Vec<&[u8]> = (0..l).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let m = u.int_in_range(0..=3usize)?;
    let committed: Vec<&[u8]> = (0..m).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    // Without committed messages the holder may also skip the commitment.
    let (commitment, blind) = if m == 0 && u.arbitrary()? {
        (None, None)
    } else {
        let mut rng = StdRng::seed_from_u64(u.arbitrary()?);
        let (commitment, blind) = commit_with_rng::<C>(&mut rng, &committed).expect("commit");
        (Some(commitment), Some(blind))
    };
    let signature =
        blind_sign::<C>(sk, commitment.as_ref(), header, &messages).expect("blind_sign");
    blind_verify::<C>(
        pk,
        &signature,
        header,
        &messages,
        &committed,
        blind.as_ref(),
    )
    .expect("blind_verify of a fresh signature");

    // The holder's honest proof.
    let (mask, committed_mask): (u8, u8) = (u.arbitrary()?, u.arbitrary()?);
    let honest_i: Vec<usize> = (0..l).filter(|i| (mask >> i) & 1 == 1).collect();
    let honest_j: Vec<usize> = (0..m).filter(|j| (committed_mask >> j) & 1 == 1).collect();
    let proof = blind_proof_gen::<C>(
        pk,
        &signature,
        header,
        ph,
        &messages,
        &committed,
        &honest_i,
        &honest_j,
        blind.as_ref(),
    )
    .expect("blind_proof_gen with valid indexes");
    assert_eq!(
        proof.undisclosed_count(),
        l + 1 + m - honest_i.len() - honest_j.len()
    );
    let honest_messages: Vec<&[u8]> = honest_i.iter().map(|&i| messages[i]).collect();
    let honest_committed: Vec<&[u8]> = honest_j.iter().map(|&j| committed[j]).collect();
    blind_proof_verify::<C>(
        pk,
        &proof,
        header,
        ph,
        l,
        &honest_messages,
        &honest_i,
        &honest_committed,
        &honest_j,
    )
    .expect("an honest blind proof verifies");

    // The verifier's view, possibly altered.
    let mut changed = false;
    let (vi, vj) = if u.ratio(1, 2)? {
        (honest_i.clone(), honest_j.clone())
    } else {
        let fi = indexes(u, l, 8)?;
        let fj = indexes(u, m, 5)?;
        let result = blind_proof_gen::<C>(
            pk,
            &signature,
            header,
            ph,
            &messages,
            &committed,
            &fi,
            &fj,
            blind.as_ref(),
        );
        assert_eq!(
            result.is_ok(),
            valid(&fi, l) && valid(&fj, m),
            "blind_proof_gen accepted bad indexes or refused good ones: {fi:?} {fj:?}"
        );
        if let Err(e) = result {
            assert!(
                matches!(
                    e,
                    Error::IndexOutOfRange { .. } | Error::IndexesNotAscending
                ),
                "blind_proof_gen: {e:?}"
            );
        }
        changed |= fi != honest_i || fj != honest_j;
        (fi, fj)
    };
    let mut disclosed: Vec<&[u8]> = vi
        .iter()
        .map(|&i| messages.get(i).copied().unwrap_or(b"none"))
        .collect();
    let mut disclosed_committed: Vec<&[u8]> = vj
        .iter()
        .map(|&j| committed.get(j).copied().unwrap_or(b"none"))
        .collect();
    alter(u, &mut disclosed)?;
    alter(u, &mut disclosed_committed)?;
    changed |= disclosed != honest_messages || disclosed_committed != honest_committed;
    let verifier_l = signer_count(u, l)?;
    changed |= verifier_l != l;
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

    let result = Proof::from_bytes(&encoded).and_then(|p| {
        let result = blind_proof_verify::<C>(
            pk,
            &p,
            verifier_header,
            verifier_ph,
            verifier_l,
            &disclosed,
            &vi,
            &disclosed_committed,
            &vj,
        );
        if let Err(e) = &result {
            assert!(documented(e), "blind_proof_verify: undocumented {e:?}");
        }
        result
    });
    assert_eq!(
        result.is_ok(),
        !changed,
        "accepted a modified blind proof, or rejected an untouched one"
    );
    Ok(())
}

/// The points of a real blind proof of each suite.
fn real_points<C: Ciphersuite>(cell: &'static OnceLock<Vec<u8>>, sk: &SecretKey) -> &'static [u8] {
    cell.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(3);
        let (commitment, blind) = commit_with_rng::<C>(&mut rng, &[b"secret"]).expect("commit");
        let messages = [&b"a"[..], b"b"];
        let signature = blind_sign::<C>(sk, Some(&commitment), b"", &messages).expect("blind_sign");
        let proof = blind_proof_gen::<C>(
            sk.public_key(),
            &signature,
            b"",
            b"",
            &messages,
            &[b"secret"],
            &[],
            &[],
            Some(&blind),
        )
        .expect("blind_proof_gen");
        proof.to_bytes()[..POINTS_LEN].to_vec()
    })
}

fn hostile<C: Ciphersuite>(u: &mut Unstructured<'_>, sk: &SecretKey, points: &[u8]) -> Result<()> {
    let mut encoded = points.to_vec();
    let undisclosed = u.int_in_range(0..=24usize)?;
    for _ in 0..4 + undisclosed {
        // Small scalars, always canonical: the proof decodes, and the checks after decoding run.
        encoded.extend_from_slice(&[0; 24]);
        encoded.extend_from_slice(&u.arbitrary::<u64>()?.to_be_bytes());
    }
    if u.ratio(1, 8)? {
        let xor = bytes(u, encoded.len())?;
        encoded.iter_mut().zip(xor).for_each(|(b, m)| *b ^= m);
    }
    let header = bytes(u, 16)?;
    let ph = bytes(u, 16)?;
    let small = usize::from(u.arbitrary::<u8>()? % 16);
    let l = signer_count(u, small)?;
    let n = u.int_in_range(0..=8usize)?;
    let disclosed: Vec<&[u8]> = (0..n).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let disclosed_indexes = indexes(u, l.min(32), 8)?;
    let n = u.int_in_range(0..=4usize)?;
    let committed: Vec<&[u8]> = (0..n).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let committed_indexes = indexes(u, 4, 4)?;
    if let Ok(proof) = Proof::from_bytes(&encoded) {
        let result = blind_proof_verify::<C>(
            sk.public_key(),
            &proof,
            header,
            ph,
            l,
            &disclosed,
            &disclosed_indexes,
            &committed,
            &committed_indexes,
        );
        match result {
            Ok(()) => panic!("a proof with the fuzzer's scalars verified"),
            Err(e) => assert!(documented(&e), "blind_proof_verify: undocumented {e:?}"),
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    static SHA: OnceLock<SecretKey> = OnceLock::new();
    static SHAKE: OnceLock<SecretKey> = OnceLock::new();
    static SHA_POINTS: OnceLock<Vec<u8>> = OnceLock::new();
    static SHAKE_POINTS: OnceLock<Vec<u8>> = OnceLock::new();
    let mut u = Unstructured::new(data);
    let Ok(mode) = u.int_in_range(0..=3u8) else {
        return;
    };
    let _ = match mode {
        0 => {
            let sk = key::<Bls12381Sha256>(&SHA);
            honest::<Bls12381Sha256>(&mut u, sk)
        }
        1 => {
            let sk = key::<Bls12381Shake256>(&SHAKE);
            honest::<Bls12381Shake256>(&mut u, sk)
        }
        2 => {
            let sk = key::<Bls12381Sha256>(&SHA);
            let points = real_points::<Bls12381Sha256>(&SHA_POINTS, sk);
            hostile::<Bls12381Sha256>(&mut u, sk, points)
        }
        _ => {
            let sk = key::<Bls12381Shake256>(&SHAKE);
            let points = real_points::<Bls12381Shake256>(&SHAKE_POINTS, sk);
            hostile::<Bls12381Shake256>(&mut u, sk, points)
        }
    };
});
