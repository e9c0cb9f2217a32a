//! `pseudonym::proof_verify_with_nym` (and `proof_gen_with_nym`) with a fixed, valid public key
//! and fuzzed proofs, pseudonyms, context ids, pseudonym secret counts, signer message counts
//! `L`, headers and disclosed messages and indexes of both lists: they never panic, fail only
//! with the documented errors, and a proof verifies only when the verifier sees exactly what
//! the holder proved.
//!
//! Two modes, chosen by the input:
//!
//! - *Honest*: the holder commits to 1 to 4 pseudonym secrets and 0 to 2 messages, the issuer
//!   signs 0 to 5 messages with its own entropy, the holder finalizes its secrets and proves
//!   subsets of both lists for a fuzzed `context_id`, and that proof verifies. With fuzzed
//!   indexes, `proof_gen_with_nym` succeeds exactly when both lists are strictly ascending and
//!   in range, and then gives the same pseudonym (one per context). The verifier then checks
//!   the proof and the pseudonym, each XORed with an input mask, against the honest or fuzzed
//!   `L`, secret count, context id, indexes, disclosed messages and headers:
//!   `proof_verify_with_nym` succeeds exactly when nothing changed.
//! - *Hostile*: a proof made of the three points of a real proof and `4 + U` scalars from the
//!   input, a real pseudonym XORed with a mask or 48 input bytes, checked against a fuzzed `L`
//!   (from 0 to `usize::MAX`), secret count (from 0 to `usize::MAX`), context id, headers and
//!   disclosed lists: it never panics and never verifies.
#![no_main]

use std::sync::OnceLock;

use credkit_bbs::pseudonym::{
    blind_sign_with_nym, commit_with_nym_with_rng, proof_gen_with_nym, proof_verify_with_nym,
    verify_finalize_with_nym, NymEntropy, NymSecrets, Pseudonym, MAX_NYM_SECRETS,
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
    cell.get_or_init(|| SecretKey::key_gen::<C>(&[0xc3; 32], b"credkit-fuzz").expect("key_gen"))
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

/// A count for the verifier (`L` or the number of secrets): usually `n` (always, once the
/// input runs out), sometimes one off, small, around `limit`, or huge.
fn count(u: &mut Unstructured<'_>, n: usize, limit: usize) -> Result<usize> {
    Ok(match u.int_in_range(0..=15u8)? {
        11 => usize::MAX - usize::from(u.arbitrary::<u8>()?),
        12 => limit - 2 + usize::from(u.arbitrary::<u8>()? % 4),
        13 => usize::from(u.arbitrary::<u8>()? % 16),
        14 => n + 1,
        15 => n.saturating_sub(1),
        _ => n,
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

/// The errors `proof_verify_with_nym` and the decoders document.
fn documented(e: &Error) -> bool {
    matches!(
        e,
        Error::InvalidProof
            | Error::SignerMessageCount { .. }
            | Error::NymSecretCount { .. }
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
    let context = bytes(u, 16)?;
    let l = u.int_in_range(0..=5usize)?;
    let messages: Vec<&[u8]> = (0..l).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let m = u.int_in_range(0..=2usize)?;
    let committed: Vec<&[u8]> = (0..m).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let n = u.int_in_range(1..=4usize)?;
    let mut rng = StdRng::seed_from_u64(u.arbitrary()?);
    let prover_nyms = NymSecrets::generate(&mut rng, n).expect("nym secrets");
    let (commitment, blind) =
        commit_with_nym_with_rng::<C>(&mut rng, &committed, &prover_nyms).expect("commit");
    let entropy = NymEntropy::generate(&mut rng);
    let signature = blind_sign_with_nym::<C>(sk, &commitment, n, &entropy, header, &messages)
        .expect("blind_sign_with_nym");
    let nym_secrets = verify_finalize_with_nym::<C>(
        pk,
        &signature,
        header,
        &messages,
        &committed,
        &prover_nyms,
        &entropy,
        Some(&blind),
    )
    .expect("verify_finalize_with_nym of a fresh signature");
    assert_eq!(nym_secrets.len(), n);

    // The holder's honest proof.
    let (mask, committed_mask): (u8, u8) = (u.arbitrary()?, u.arbitrary()?);
    let honest_i: Vec<usize> = (0..l).filter(|i| (mask >> i) & 1 == 1).collect();
    let honest_j: Vec<usize> = (0..m).filter(|j| (committed_mask >> j) & 1 == 1).collect();
    let (proof, nym) = proof_gen_with_nym::<C>(
        pk,
        &signature,
        header,
        ph,
        &nym_secrets,
        context,
        &messages,
        &committed,
        &honest_i,
        &honest_j,
        Some(&blind),
    )
    .expect("proof_gen_with_nym with valid indexes");
    assert_eq!(
        proof.undisclosed_count(),
        l + 1 + m + n - honest_i.len() - honest_j.len()
    );
    let honest_messages: Vec<&[u8]> = honest_i.iter().map(|&i| messages[i]).collect();
    let honest_committed: Vec<&[u8]> = honest_j.iter().map(|&j| committed[j]).collect();
    proof_verify_with_nym::<C>(
        pk,
        &proof,
        header,
        ph,
        &nym,
        context,
        n,
        l,
        &honest_messages,
        &honest_i,
        &honest_committed,
        &honest_j,
    )
    .expect("an honest proof with pseudonym verifies");

    // The verifier's view, possibly altered.
    let mut changed = false;
    let (vi, vj) = if u.ratio(1, 2)? {
        (honest_i.clone(), honest_j.clone())
    } else {
        let fi = indexes(u, l, 8)?;
        let fj = indexes(u, m, 4)?;
        let result = proof_gen_with_nym::<C>(
            pk,
            &signature,
            header,
            ph,
            &nym_secrets,
            context,
            &messages,
            &committed,
            &fi,
            &fj,
            Some(&blind),
        );
        assert_eq!(
            result.is_ok(),
            valid(&fi, l) && valid(&fj, m),
            "proof_gen_with_nym accepted bad indexes or refused good ones: {fi:?} {fj:?}"
        );
        match result {
            Ok((_, again)) => assert_eq!(again, nym, "two pseudonyms for one context"),
            Err(e) => assert!(
                matches!(
                    e,
                    Error::IndexOutOfRange { .. } | Error::IndexesNotAscending
                ),
                "proof_gen_with_nym: {e:?}"
            ),
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
    let verifier_l = count(u, l, MAX_MESSAGES)?;
    let verifier_n = count(u, n, MAX_NYM_SECRETS)?;
    changed |= verifier_l != l || verifier_n != n;
    let verifier_header = if u.ratio(1, 8)? {
        bytes(u, 16)?
    } else {
        header
    };
    let verifier_ph = if u.ratio(1, 8)? { bytes(u, 16)? } else { ph };
    let verifier_context = if u.ratio(1, 8)? {
        bytes(u, 16)?
    } else {
        context
    };
    changed |= verifier_header != header || verifier_ph != ph || verifier_context != context;

    let mut nym_bytes = nym.to_bytes();
    if u.ratio(1, 8)? {
        let xor = bytes(u, nym_bytes.len())?;
        nym_bytes.iter_mut().zip(xor).for_each(|(b, m)| *b ^= m);
    }
    changed |= nym_bytes != nym.to_bytes();
    let mut encoded = proof.to_bytes();
    let xor = bytes(u, encoded.len())?;
    encoded.iter_mut().zip(xor).for_each(|(b, m)| *b ^= m);
    match u.int_in_range(0..=7u8)? {
        0 => encoded.truncate(encoded.len().saturating_sub(32)),
        1 => encoded.extend_from_slice(bytes(u, 64)?),
        _ => {}
    }
    changed |= encoded != proof.to_bytes();

    let result = Pseudonym::from_bytes(&nym_bytes).and_then(|nym| {
        let proof = Proof::from_bytes(&encoded)?;
        let result = proof_verify_with_nym::<C>(
            pk,
            &proof,
            verifier_header,
            verifier_ph,
            &nym,
            verifier_context,
            verifier_n,
            verifier_l,
            &disclosed,
            &vi,
            &disclosed_committed,
            &vj,
        );
        if let Err(e) = &result {
            assert!(documented(e), "proof_verify_with_nym: undocumented {e:?}");
        }
        result
    });
    assert_eq!(
        result.is_ok(),
        !changed,
        "accepted a modified proof or pseudonym, or rejected an untouched one"
    );
    Ok(())
}

/// The points of a real proof with pseudonym of one suite, and its pseudonym.
struct Real {
    points: Vec<u8>,
    nym: [u8; 48],
}

fn real<C: Ciphersuite>(cell: &'static OnceLock<Real>, sk: &SecretKey) -> &'static Real {
    cell.get_or_init(|| {
        let mut rng = StdRng::seed_from_u64(5);
        let pk = sk.public_key();
        let messages = [&b"a"[..], b"b"];
        let none: &[&[u8]] = &[];
        let prover_nyms = NymSecrets::generate(&mut rng, 2).expect("nym secrets");
        let (commitment, blind) =
            commit_with_nym_with_rng::<C>(&mut rng, none, &prover_nyms).expect("commit");
        let entropy = NymEntropy::generate(&mut rng);
        let signature = blind_sign_with_nym::<C>(sk, &commitment, 2, &entropy, b"", &messages)
            .expect("blind_sign_with_nym");
        let nym_secrets = verify_finalize_with_nym::<C>(
            pk,
            &signature,
            b"",
            &messages,
            none,
            &prover_nyms,
            &entropy,
            Some(&blind),
        )
        .expect("verify_finalize_with_nym");
        let (proof, nym) = proof_gen_with_nym::<C>(
            pk,
            &signature,
            b"",
            b"",
            &nym_secrets,
            b"context",
            &messages,
            none,
            &[],
            &[],
            Some(&blind),
        )
        .expect("proof_gen_with_nym");
        Real {
            points: proof.to_bytes()[..POINTS_LEN].to_vec(),
            nym: nym.to_bytes(),
        }
    })
}

fn hostile<C: Ciphersuite>(u: &mut Unstructured<'_>, sk: &SecretKey, real: &Real) -> Result<()> {
    let mut encoded = real.points.clone();
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
    let mut nym_bytes = real.nym.to_vec();
    if u.ratio(1, 4)? {
        nym_bytes = bytes(u, 48)?.to_vec();
    } else {
        let xor = bytes(u, 48)?;
        nym_bytes.iter_mut().zip(xor).for_each(|(b, m)| *b ^= m);
    }
    let header = bytes(u, 16)?;
    let ph = bytes(u, 16)?;
    let context = if u.ratio(1, 2)? {
        &b"context"[..]
    } else {
        bytes(u, 16)?
    };
    let small = usize::from(u.arbitrary::<u8>()? % 16);
    let l = count(u, small, MAX_MESSAGES)?;
    let nym_count = count(u, 2, MAX_NYM_SECRETS)?;
    let k = u.int_in_range(0..=8usize)?;
    let disclosed: Vec<&[u8]> = (0..k).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let disclosed_indexes = indexes(u, l.min(32), 8)?;
    let k = u.int_in_range(0..=4usize)?;
    let committed: Vec<&[u8]> = (0..k).map(|_| bytes(u, 16)).collect::<Result<_>>()?;
    let committed_indexes = indexes(u, 4, 4)?;
    let (Ok(proof), Ok(nym)) = (
        Proof::from_bytes(&encoded),
        Pseudonym::from_bytes(&nym_bytes),
    ) else {
        return Ok(());
    };
    let result = proof_verify_with_nym::<C>(
        sk.public_key(),
        &proof,
        header,
        ph,
        &nym,
        context,
        nym_count,
        l,
        &disclosed,
        &disclosed_indexes,
        &committed,
        &committed_indexes,
    );
    match result {
        Ok(()) => panic!("a proof with the fuzzer's scalars verified"),
        Err(e) => assert!(documented(&e), "proof_verify_with_nym: undocumented {e:?}"),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    static SHA: OnceLock<SecretKey> = OnceLock::new();
    static SHAKE: OnceLock<SecretKey> = OnceLock::new();
    static SHA_REAL: OnceLock<Real> = OnceLock::new();
    static SHAKE_REAL: OnceLock<Real> = OnceLock::new();
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
            let real = real::<Bls12381Sha256>(&SHA_REAL, sk);
            hostile::<Bls12381Sha256>(&mut u, sk, real)
        }
        _ => {
            let sk = key::<Bls12381Shake256>(&SHAKE);
            let real = real::<Bls12381Shake256>(&SHAKE_REAL, sk);
            hostile::<Bls12381Shake256>(&mut u, sk, real)
        }
    };
});
