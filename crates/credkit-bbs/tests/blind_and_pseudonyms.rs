//! Blind signatures and pseudonyms beyond the fixtures: round trips over many shapes, every
//! class of bad input with its typed error, hiding, unlinkability, and what a copied
//! credential without the holder's secrets is worth (nothing).

use credkit_bbs::blind::{
    blind_proof_gen, blind_proof_verify, blind_sign, blind_verify, commit, verify_commitment,
    Commitment, ProverBlind,
};
use credkit_bbs::pseudonym::{
    blind_sign_with_nym, commit_with_nym, proof_gen_with_nym, proof_verify_with_nym,
    verify_finalize_with_nym, NymEntropy, NymSecrets, Pseudonym,
};
use credkit_bbs::{
    proof_verify, Bls12381Sha256 as Sha, Bls12381Shake256 as Shake, Ciphersuite, Error, Proof,
    SecretKey, Signature, MAX_MESSAGES,
};
use credkit_core::Error as Enc;
use rand::rngs::OsRng;

const NONE: &[&[u8]] = &[];

fn key<C: Ciphersuite>() -> SecretKey {
    SecretKey::key_gen::<C>(&[7u8; 32], b"blind tests").unwrap()
}

fn msgs(prefix: &str, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map(|i| format!("{prefix}-{i}").into_bytes())
        .collect()
}

/// Every (L, M) up to 3 x 3 and every disclosed subset of both lists: proofs verify, and the
/// disclosed values are what the verifier checks.
fn blind_round_trips<C: Ciphersuite>() {
    let sk = key::<C>();
    let pk = sk.public_key();
    for l in 0..=3 {
        for m in 0..=3 {
            let messages = msgs("signer", l);
            let committed = msgs("holder", m);
            let (commitment, blind) = commit::<C>(&committed).unwrap();
            assert_eq!(commitment.committed_count(), m);
            assert_eq!(
                Commitment::from_bytes(&commitment.to_bytes()).unwrap(),
                commitment
            );
            verify_commitment::<C>(&commitment).unwrap();
            let sig = blind_sign::<C>(&sk, Some(&commitment), b"hdr", &messages).unwrap();
            blind_verify::<C>(pk, &sig, b"hdr", &messages, &committed, Some(&blind)).unwrap();
            for mask in 0..(1u32 << (l + m)) {
                let di: Vec<usize> = (0..l).filter(|i| mask & (1 << i) != 0).collect();
                let dci: Vec<usize> = (0..m).filter(|j| mask & (1 << (l + j)) != 0).collect();
                let proof = blind_proof_gen::<C>(
                    pk,
                    &sig,
                    b"hdr",
                    b"ph",
                    &messages,
                    &committed,
                    &di,
                    &dci,
                    Some(&blind),
                )
                .unwrap();
                let dm: Vec<&[u8]> = di.iter().map(|&i| &messages[i][..]).collect();
                let dcm: Vec<&[u8]> = dci.iter().map(|&j| &committed[j][..]).collect();
                let proof = Proof::from_bytes(&proof.to_bytes()).unwrap();
                blind_proof_verify::<C>(pk, &proof, b"hdr", b"ph", l, &dm, &di, &dcm, &dci)
                    .unwrap();
                if let Some(&j) = dci.first() {
                    // Another value for a disclosed committed message is caught.
                    let mut wrong = dcm.clone();
                    wrong[0] = b"forged";
                    assert_eq!(
                        blind_proof_verify::<C>(
                            pk, &proof, b"hdr", b"ph", l, &dm, &di, &wrong, &dci
                        ),
                        Err(Error::InvalidProof),
                        "committed message {j}"
                    );
                }
            }
        }
    }
}

#[test]
fn blind_round_trips_sha256() {
    blind_round_trips::<Sha>();
}

#[test]
fn blind_round_trips_shake256() {
    blind_round_trips::<Shake>();
}

#[test]
fn commitment_decoding_errors() {
    let (c, _) = commit::<Sha>(&[b"a", b"b"]).unwrap();
    let bytes = c.to_bytes();
    assert_eq!(bytes.len(), 48 + 4 * 32);
    for len in [0, 47, 48 + 63, 48 + 64 + 1, bytes.len() - 1] {
        assert_eq!(
            Commitment::from_bytes(&bytes[..len.min(bytes.len())]).unwrap_err(),
            Error::CommitmentLength(len),
            "length {len}"
        );
    }
    // Identity point (compressed infinity: 0xc0 then zeros).
    let mut identity = bytes.clone();
    identity[..48].copy_from_slice(&[0u8; 48]);
    identity[0] = 0xc0;
    assert_eq!(
        Commitment::from_bytes(&identity).unwrap_err(),
        Error::Encoding(Enc::IdentityPoint)
    );
    // A scalar that is zero, and one not below r.
    let mut zero = bytes.clone();
    zero[48..80].fill(0);
    assert_eq!(
        Commitment::from_bytes(&zero).unwrap_err(),
        Error::Encoding(Enc::ZeroScalar)
    );
    let mut big = bytes.clone();
    big[80..112].fill(0xff);
    assert_eq!(
        Commitment::from_bytes(&big).unwrap_err(),
        Error::Encoding(Enc::NonCanonicalScalar)
    );
    // Not a point.
    let mut off = bytes.clone();
    off[1..48].fill(0xff);
    assert!(matches!(
        Commitment::from_bytes(&off).unwrap_err(),
        Error::Encoding(Enc::InvalidPointEncoding | Enc::PointNotInSubgroup)
    ));
    // A hostile count is refused before any work.
    let huge = vec![1u8; 48 + (MAX_MESSAGES + 3) * 32];
    assert_eq!(
        Commitment::from_bytes(&huge).unwrap_err(),
        Error::TooManyMessages(MAX_MESSAGES + 1)
    );
}

#[test]
fn the_issuer_refuses_a_commitment_the_holder_cannot_open() {
    let sk = key::<Sha>();
    let (c, _) = commit::<Sha>(&[b"secret"]).unwrap();
    let mut bytes = c.to_bytes();
    // Change one response scalar: still canonical, no longer a proof.
    bytes[48 + 31] ^= 1;
    let tampered = Commitment::from_bytes(&bytes).unwrap();
    assert_eq!(
        verify_commitment::<Sha>(&tampered),
        Err(Error::InvalidCommitment)
    );
    assert_eq!(
        blind_sign::<Sha>(&sk, Some(&tampered), b"", NONE).unwrap_err(),
        Error::InvalidCommitment
    );
    // A commitment made for the other suite, or for the pseudonym Interface, is refused too.
    let (other_suite, _) = commit::<Shake>(&[b"secret"]).unwrap();
    assert_eq!(
        verify_commitment::<Sha>(&other_suite),
        Err(Error::InvalidCommitment)
    );
    let nyms = NymSecrets::generate(&mut OsRng, 1).unwrap();
    let (nym_commitment, _) = commit_with_nym::<Sha>(NONE, &nyms).unwrap();
    assert_eq!(
        verify_commitment::<Sha>(&nym_commitment),
        Err(Error::InvalidCommitment)
    );
}

#[test]
fn commitments_hide_their_messages() {
    // Two commitments to the same messages share no component.
    let (a, _) = commit::<Sha>(&[b"same"]).unwrap();
    let (b, _) = commit::<Sha>(&[b"same"]).unwrap();
    let (a, b) = (a.to_bytes(), b.to_bytes());
    for (x, y) in a.chunks(16).zip(b.chunks(16)) {
        assert_ne!(x, y);
    }
}

#[test]
fn a_blind_signature_needs_the_prover_blind() {
    let sk = key::<Shake>();
    let pk = sk.public_key();
    let committed = [b"holder key".to_vec()];
    let (c, blind) = commit::<Shake>(&committed).unwrap();
    let sig = blind_sign::<Shake>(&sk, Some(&c), b"h", &[b"role=nurse"]).unwrap();
    blind_verify::<Shake>(pk, &sig, b"h", &[b"role=nurse"], &committed, Some(&blind)).unwrap();
    // Without the blind, with another blind, or with other committed messages: invalid.
    let other = ProverBlind::from_bytes(&[3u8; 32]).unwrap();
    for (b, cm) in [
        (None, &committed[..]),
        (Some(&other), &committed[..]),
        (Some(&blind), &[b"other".to_vec()][..]),
    ] {
        assert_eq!(
            blind_verify::<Shake>(pk, &sig, b"h", &[b"role=nurse"], cm, b),
            Err(Error::InvalidSignature)
        );
    }
    // A proof made with the wrong blind does not verify.
    let proof = blind_proof_gen::<Shake>(
        pk,
        &sig,
        b"h",
        b"",
        &[b"role=nurse"],
        &committed,
        &[0],
        &[],
        Some(&other),
    )
    .unwrap();
    assert_eq!(
        blind_proof_verify::<Shake>(pk, &proof, b"h", b"", 1, &[b"role=nurse"], &[0], NONE, &[]),
        Err(Error::InvalidProof)
    );
    // Nor does a proof of the blind signature read as a plain BBS proof (another api_id).
    let good = blind_proof_gen::<Shake>(
        pk,
        &sig,
        b"h",
        b"",
        &[b"role=nurse"],
        &committed,
        &[0],
        &[],
        Some(&blind),
    )
    .unwrap();
    assert!(proof_verify::<Shake>(pk, &good, b"h", b"", &[b"role=nurse"], &[0]).is_err());
    // The blind is secret: redacted in Debug.
    assert!(!format!("{blind:?}").contains(&hex::encode(*blind.to_bytes())));
}

#[test]
fn blind_proof_argument_errors() {
    let sk = key::<Sha>();
    let pk = sk.public_key();
    let (c, blind) = commit::<Sha>(&[b"x", b"y"]).unwrap();
    let sig = blind_sign::<Sha>(&sk, Some(&c), b"", &[b"a"]).unwrap();
    let gen = |di: &[usize], dci: &[usize]| {
        blind_proof_gen::<Sha>(
            pk,
            &sig,
            b"",
            b"",
            &[b"a"],
            &[b"x", b"y"],
            di,
            dci,
            Some(&blind),
        )
    };
    assert_eq!(
        gen(&[1], &[]).unwrap_err(),
        Error::IndexOutOfRange { index: 1, count: 1 }
    );
    assert_eq!(
        gen(&[], &[2]).unwrap_err(),
        Error::IndexOutOfRange { index: 2, count: 2 }
    );
    assert_eq!(gen(&[], &[1, 0]).unwrap_err(), Error::IndexesNotAscending);
    let proof = gen(&[0], &[1]).unwrap();
    // L larger than the proof can hold.
    assert_eq!(
        blind_proof_verify::<Sha>(pk, &proof, b"", b"", 9, &[b"a"], &[0], &[b"y"], &[1]),
        Err(Error::SignerMessageCount {
            signer: 9,
            total: 4
        })
    );
    // Another L that fits shifts every index: the proof fails.
    assert_eq!(
        blind_proof_verify::<Sha>(pk, &proof, b"", b"", 2, &[b"a"], &[0], &[b"y"], &[0]),
        Err(Error::InvalidProof)
    );
    assert_eq!(
        blind_proof_verify::<Sha>(pk, &proof, b"", b"", 1, &[b"a"], &[0], &[b"y"], &[]),
        Err(Error::DisclosedCountMismatch {
            messages: 1,
            indexes: 0
        })
    );
    blind_proof_verify::<Sha>(pk, &proof, b"", b"", 1, &[b"a"], &[0], &[b"y"], &[1]).unwrap();
}

#[test]
fn blind_proofs_share_no_component() {
    let sk = key::<Sha>();
    let pk = sk.public_key();
    let (c, blind) = commit::<Sha>(&[b"k"]).unwrap();
    let sig = blind_sign::<Sha>(&sk, Some(&c), b"", &[b"a", b"b"]).unwrap();
    let show = || {
        blind_proof_gen::<Sha>(
            pk,
            &sig,
            b"",
            b"n",
            &[b"a", b"b"],
            &[b"k"],
            &[0],
            &[],
            Some(&blind),
        )
        .unwrap()
        .to_bytes()
    };
    let (p, q) = (show(), show());
    assert_eq!(p.len(), q.len());
    for (x, y) in p.chunks(32).zip(q.chunks(32)) {
        assert_ne!(x, y);
    }
}

// ---- pseudonyms ----------------------------------------------------------------------------

struct Holder {
    signature: Signature,
    nym_secrets: NymSecrets,
    blind: ProverBlind,
}

fn issue<C: Ciphersuite>(sk: &SecretKey, n: usize, messages: &[Vec<u8>]) -> Holder {
    let prover_nyms = NymSecrets::generate(&mut OsRng, n).unwrap();
    let (commitment, blind) = commit_with_nym::<C>(NONE, &prover_nyms).unwrap();
    let entropy = NymEntropy::generate(&mut OsRng);
    let signature = blind_sign_with_nym::<C>(sk, &commitment, n, &entropy, b"h", messages).unwrap();
    let nym_secrets = verify_finalize_with_nym::<C>(
        sk.public_key(),
        &signature,
        b"h",
        messages,
        NONE,
        &prover_nyms,
        &entropy,
        Some(&blind),
    )
    .unwrap();
    // The issuer's entropy changed the last secret.
    assert_ne!(nym_secrets, prover_nyms);
    Holder {
        signature,
        nym_secrets,
        blind,
    }
}

fn present<C: Ciphersuite>(
    sk: &SecretKey,
    h: &Holder,
    messages: &[Vec<u8>],
    context: &[u8],
) -> (Proof, Pseudonym) {
    proof_gen_with_nym::<C>(
        sk.public_key(),
        &h.signature,
        b"h",
        b"nonce",
        &h.nym_secrets,
        context,
        messages,
        NONE,
        &[0],
        &[],
        Some(&h.blind),
    )
    .unwrap()
}

fn check<C: Ciphersuite>(
    sk: &SecretKey,
    proof: &Proof,
    nym: &Pseudonym,
    context: &[u8],
    n: usize,
    messages: &[Vec<u8>],
) -> Result<(), Error> {
    proof_verify_with_nym::<C>(
        sk.public_key(),
        proof,
        b"h",
        b"nonce",
        nym,
        context,
        n,
        messages.len(),
        &[&messages[0]],
        &[0],
        NONE,
        &[],
    )
}

fn pseudonym_properties<C: Ciphersuite>(n: usize) {
    let sk = key::<C>();
    let messages = msgs("attr", 3);
    let alice = issue::<C>(&sk, n, &messages);
    let bob = issue::<C>(&sk, n, &messages);
    let (p1, a1) = present::<C>(&sk, &alice, &messages, b"pharmacy-1");
    let (p2, a2) = present::<C>(&sk, &alice, &messages, b"pharmacy-1");
    let (p3, a3) = present::<C>(&sk, &alice, &messages, b"pharmacy-2");
    let (p4, b1) = present::<C>(&sk, &bob, &messages, b"pharmacy-1");
    for (p, nym, ctx) in [
        (&p1, &a1, &b"pharmacy-1"[..]),
        (&p2, &a2, b"pharmacy-1"),
        (&p3, &a3, b"pharmacy-2"),
        (&p4, &b1, b"pharmacy-1"),
    ] {
        check::<C>(&sk, p, nym, ctx, n, &messages).unwrap();
    }
    // One pharmacy: the same pseudonym on every visit of one holder, another for another holder.
    assert_eq!(a1, a2);
    assert_ne!(a1, b1);
    // Two pharmacies: unrelated pseudonyms.
    assert_ne!(a1, a3);
    // The proofs themselves share no component, so only the pseudonym links visits.
    for (x, y) in p1.to_bytes().chunks(32).zip(p2.to_bytes().chunks(32)) {
        assert_ne!(x, y);
    }
    // A pseudonym claimed for another context, another holder's pseudonym, a wrong N: invalid.
    assert_eq!(
        check::<C>(&sk, &p1, &a1, b"pharmacy-2", n, &messages),
        Err(Error::InvalidProof)
    );
    assert_eq!(
        check::<C>(&sk, &p1, &b1, b"pharmacy-1", n, &messages),
        Err(Error::InvalidProof)
    );
    assert_eq!(
        check::<C>(&sk, &p1, &a3, b"pharmacy-1", n, &messages),
        Err(Error::InvalidProof)
    );
    if n > 1 {
        assert_eq!(
            check::<C>(&sk, &p1, &a1, b"pharmacy-1", n - 1, &messages),
            Err(Error::InvalidProof)
        );
    }
    assert!(check::<C>(&sk, &p1, &a1, b"pharmacy-1", n + 1, &messages).is_err());
    // A copied credential without the holder's secrets: fresh secrets of the right length give a
    // proof that does not verify, under any pseudonym.
    let thief = Holder {
        signature: alice.signature.clone(),
        nym_secrets: NymSecrets::generate(&mut OsRng, n).unwrap(),
        blind: ProverBlind::from_bytes(&alice.blind.to_bytes()[..]).unwrap(),
    };
    let (stolen, nym) = present::<C>(&sk, &thief, &messages, b"pharmacy-1");
    assert_eq!(
        check::<C>(&sk, &stolen, &nym, b"pharmacy-1", n, &messages),
        Err(Error::InvalidProof)
    );
    assert_eq!(
        check::<C>(&sk, &stolen, &a1, b"pharmacy-1", n, &messages),
        Err(Error::InvalidProof)
    );
}

#[test]
fn pseudonyms_one_secret_sha256() {
    pseudonym_properties::<Sha>(1);
}

#[test]
fn pseudonyms_ten_secrets_shake256() {
    pseudonym_properties::<Shake>(10);
}

#[test]
fn pseudonym_input_errors() {
    let sk = key::<Sha>();
    assert_eq!(
        NymSecrets::generate(&mut OsRng, 0).unwrap_err(),
        Error::NymSecretCount {
            expected: 1,
            found: 0
        }
    );
    assert_eq!(
        NymSecrets::generate(&mut OsRng, 65).unwrap_err(),
        Error::NymSecretCount {
            expected: 64,
            found: 65
        }
    );
    assert!(matches!(
        NymSecrets::from_bytes(&[1u8; 33]),
        Err(Error::NymSecretCount { .. })
    ));
    assert_eq!(
        NymSecrets::from_bytes(&[0u8; 32]).unwrap_err(),
        Error::Encoding(Enc::ZeroScalar)
    );
    let nyms = NymSecrets::generate(&mut OsRng, 2).unwrap();
    assert_eq!(NymSecrets::from_bytes(&nyms.to_bytes()).unwrap(), nyms);
    assert_eq!(format!("{nyms:?}"), "NymSecrets(2 x <redacted>)");
    assert_eq!(
        format!("{:?}", NymEntropy::generate(&mut OsRng)),
        "NymEntropy(<redacted>)"
    );
    // The issuer refuses to sign for more secrets than were committed.
    let (c, _) = commit_with_nym::<Sha>(NONE, &nyms).unwrap();
    let entropy = NymEntropy::generate(&mut OsRng);
    assert_eq!(
        blind_sign_with_nym::<Sha>(&sk, &c, 3, &entropy, b"", NONE).unwrap_err(),
        Error::NymSecretCount {
            expected: 3,
            found: 2
        }
    );
    // A plain blind commitment is not a pseudonym commitment.
    let (plain, _) = commit::<Sha>(&[b"a", b"b"]).unwrap();
    assert_eq!(
        blind_sign_with_nym::<Sha>(&sk, &plain, 2, &entropy, b"", NONE).unwrap_err(),
        Error::InvalidCommitment
    );
    // Wrong entropy when finalizing: the signature does not verify.
    let sig = blind_sign_with_nym::<Sha>(&sk, &c, 2, &entropy, b"", NONE).unwrap();
    assert_eq!(
        verify_finalize_with_nym::<Sha>(
            sk.public_key(),
            &sig,
            b"",
            NONE,
            NONE,
            &nyms,
            &NymEntropy::generate(&mut OsRng),
            None
        )
        .unwrap_err(),
        Error::InvalidSignature
    );
    // Pseudonym encodings: identity and garbage are refused; round trip and Display are hex.
    let mut identity = [0u8; 48];
    identity[0] = 0xc0;
    assert_eq!(
        Pseudonym::from_bytes(&identity).unwrap_err(),
        Error::Encoding(Enc::IdentityPoint)
    );
    assert!(Pseudonym::from_bytes(&[0u8; 47]).is_err());
}

#[test]
fn hostile_signer_counts_are_errors_not_panics() {
    let sk = key::<Sha>();
    let pk = sk.public_key();
    let (c, blind) = commit::<Sha>(&[b"x"]).unwrap();
    let sig = blind_sign::<Sha>(&sk, Some(&c), b"", &[b"a"]).unwrap();
    let proof =
        blind_proof_gen::<Sha>(pk, &sig, b"", b"", &[b"a"], &[b"x"], &[], &[], Some(&blind))
            .unwrap();
    for l in [usize::MAX, usize::MAX - 1, 1 << 40] {
        assert!(matches!(
            blind_proof_verify::<Sha>(pk, &proof, b"", b"", l, NONE, &[], NONE, &[]),
            Err(Error::SignerMessageCount { .. })
        ));
    }
    let nym = Pseudonym::from_bytes(&credkit_core::encoding::g1_to_bytes(
        &<blstrs::G1Affine as group::prime::PrimeCurveAffine>::generator(),
    ))
    .unwrap();
    for n in [0, 65, usize::MAX] {
        assert!(matches!(
            proof_verify_with_nym::<Sha>(
                pk,
                &proof,
                b"",
                b"",
                &nym,
                b"c",
                n,
                0,
                NONE,
                &[],
                NONE,
                &[]
            ),
            Err(Error::NymSecretCount { .. })
        ));
    }
    assert!(matches!(
        proof_verify_with_nym::<Sha>(
            pk,
            &proof,
            b"",
            b"",
            &nym,
            b"c",
            64,
            usize::MAX,
            NONE,
            &[],
            NONE,
            &[]
        ),
        Err(Error::SignerMessageCount { .. })
    ));
}
