//! Trusted dealer, partial signatures, cheater identification and combination.
//!
//! The reference for every combined signature is a plain BLS signature by the group secret,
//! which the tests recover from the shares by Lagrange interpolation over scalars (here, and
//! independently with vsss-rs).

use credkit_core::curve::{
    Curve, Field, G1Projective, G2Affine, G2Projective, Group, PrimeCurveAffine, Scalar,
};
use credkit_threshold::bls::{SecretKey, Signature};
use credkit_threshold::{
    combine, dealer, sign, Commitments, Error, GroupKey, Identifier, PartialSignature,
    PublicKeyPackage, SigningShare,
};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::SeedableRng;
use vsss_rs::{DefaultShare, IdentifierPrimeField, ReadableShareSet};

fn rng(seed: u64) -> StdRng {
    StdRng::seed_from_u64(seed)
}

fn id(i: u16) -> Identifier {
    Identifier::new(i).expect("nonzero")
}

/// `f(0)` from `min_signers` shares, by Lagrange interpolation over scalars.
fn recover_secret(shares: &[&SigningShare]) -> Scalar {
    let xs: Vec<Scalar> = shares.iter().map(|s| s.identifier().to_scalar()).collect();
    shares.iter().enumerate().fold(Scalar::ZERO, |acc, (i, s)| {
        let mut lambda = Scalar::ONE;
        for (j, x_j) in xs.iter().enumerate() {
            if i != j {
                lambda *= x_j * (x_j - xs[i]).invert().expect("distinct");
            }
        }
        acc + lambda * s.secret().expose()
    })
}

/// `f(0)` recovered by vsss-rs.
fn recover_secret_vsss(shares: &[&SigningShare]) -> Scalar {
    type Share = DefaultShare<IdentifierPrimeField<Scalar>, IdentifierPrimeField<Scalar>>;
    let shares: Vec<Share> = shares
        .iter()
        .map(|s| Share {
            identifier: IdentifierPrimeField(s.identifier().to_scalar()),
            value: IdentifierPrimeField(s.secret().expose()),
        })
        .collect();
    shares.combine().expect("vsss-rs combine").0
}

/// Every `k`-subset of `0..n`, in lexicographic order.
fn subsets(n: usize, k: usize) -> Vec<Vec<usize>> {
    fn go(start: usize, n: usize, k: usize, current: &mut Vec<usize>, out: &mut Vec<Vec<usize>>) {
        if current.len() == k {
            out.push(current.clone());
            return;
        }
        for i in start..n {
            current.push(i);
            go(i + 1, n, k, current, out);
            current.pop();
        }
    }
    let mut out = Vec::new();
    go(0, n, k, &mut Vec::new(), &mut out);
    out
}

fn partials(shares: &[SigningShare], which: &[usize], message: &[u8]) -> Vec<PartialSignature> {
    which
        .iter()
        .map(|&i| sign::sign(&shares[i], message))
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    /// Every signer subset gives the same signature bytes: the plain BLS signature by the group
    /// secret, which a standard verifier accepts.
    #[test]
    fn every_subset_gives_the_group_signature(
        (min_signers, max_signers) in (2u16..=4).prop_flat_map(|t| (Just(t), t..=6)),
        seed in any::<u64>(),
        message in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let mut rng = rng(seed);
        let (group_key, shares) = dealer::deal(&mut rng, min_signers, max_signers).unwrap();
        let t = usize::from(min_signers);
        let first: Vec<&SigningShare> = shares.iter().take(t).collect();
        let secret = recover_secret(&first);
        prop_assert_eq!(secret, recover_secret_vsss(&first));
        let group_secret = SecretKey::from_scalar(secret);
        prop_assert_eq!(group_secret.public_key(), group_key.public_key());
        let expected = group_secret.sign(&message).to_bytes();

        for subset in subsets(shares.len(), t) {
            let partials = partials(&shares, &subset, &message);
            sign::verify_partials(&mut rng, &group_key, &message, &partials).unwrap();
            let signature = combine::combine(&group_key, &partials).unwrap();
            prop_assert_eq!(signature.to_bytes(), expected, "signers {:?}", subset);
        }
        Signature::from_bytes(&expected).unwrap().verify(group_key.public_key(), &message).unwrap();
    }

    /// Random bytes never panic the partial-signature decoder; what decodes re-encodes.
    #[test]
    fn partial_signature_decoding_is_canonical(bytes in proptest::collection::vec(any::<u8>(), 0..120)) {
        if let Ok(partial) = PartialSignature::from_bytes(&bytes) {
            prop_assert_eq!(partial.to_bytes().to_vec(), bytes);
        }
    }
}

/// The dealer's shares are Shamir shares to vsss-rs too: any `min_signers` of them recover
/// the key that `split` shared, fewer recover something else.
#[test]
fn split_shares_recover_the_key_with_vsss_rs() {
    let mut rng = rng(1);
    let key = SecretKey::key_gen(&[7u8; 32], b"split").unwrap();
    let ids = [id(4), id(9), id(10), id(200), id(65535)];
    let (group_key, shares) = dealer::split(&mut rng, &key, 3, &ids).unwrap();
    assert_eq!(group_key.public_key(), key.public_key());
    assert_eq!(group_key.proof_of_possession(), &key.prove_possession());
    let order: Vec<Identifier> = shares.iter().map(SigningShare::identifier).collect();
    assert_eq!(order, ids);
    for subset in subsets(5, 3) {
        let chosen: Vec<&SigningShare> = subset.iter().map(|&i| &shares[i]).collect();
        assert_eq!(recover_secret_vsss(&chosen), key.scalar().expose());
    }
    let two = [&shares[0], &shares[1]];
    assert_ne!(recover_secret_vsss(&two), key.scalar().expose());
}

/// The package's verifying shares (Horner with small multipliers) match the commitments'
/// own Horner evaluation and `s_i * P1`.
#[test]
fn verifying_shares_match_commitments_and_shares() {
    let mut rng = rng(2);
    let ids = [id(1), id(2), id(3), id(1000), id(40000), id(65535)];
    let (group_key, shares) = dealer::deal_with_identifiers(&mut rng, 4, &ids).unwrap();
    assert_eq!(group_key.commitments().min_signers(), 4);
    for share in &shares {
        let vk = group_key.verifying_share(share.identifier()).unwrap();
        assert_eq!(
            vk,
            &group_key.commitments().verifying_share(share.identifier())
        );
        assert_eq!(vk, &share.verifying_share());
        group_key.verify_share(share).unwrap();
    }
    let members: Vec<Identifier> = group_key.members().collect();
    assert_eq!(members, ids);
}

#[test]
fn dealer_parameters_are_checked() {
    let mut rng = rng(3);
    for (min_signers, max_signers) in [(1, 5), (0, 5), (6, 5), (2, 1), (2, 0), (0, 0)] {
        assert_eq!(
            dealer::deal(&mut rng, min_signers, max_signers).unwrap_err(),
            Error::InvalidMinSigners {
                min_signers,
                max_signers
            },
            "{min_signers} of {max_signers}"
        );
    }
    assert_eq!(
        dealer::deal_with_identifiers(&mut rng, 2, &[id(1), id(5), id(1)]).unwrap_err(),
        Error::DuplicateParticipant(id(1))
    );
    let (group_key, shares) = dealer::deal(&mut rng, 2, 2).unwrap();
    assert_eq!(shares.len(), 2);
    assert_eq!(group_key.max_signers(), 2);
}

/// What a member checks on receiving its share: the threshold the commitments enforce, the
/// proof of possession, membership and the share itself.
#[test]
fn member_checks_of_the_dealers_broadcast() {
    let mut rng = rng(4);
    let (group_key, shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let members: Vec<Identifier> = group_key.members().collect();
    let commitments = group_key.commitments().clone();

    // The agreed threshold, rebuilt from the broadcast: accepted.
    let rebuilt = PublicKeyPackage::new(3, commitments.clone(), &members).unwrap();
    assert_eq!(&rebuilt, group_key.package());
    let rebuilt = GroupKey::new(rebuilt, group_key.proof_of_possession().clone()).unwrap();
    assert_eq!(rebuilt, group_key);

    // A dealer that committed to a polynomial of another degree is caught.
    let mut points = commitments.points().to_vec();
    points.push(points[1]);
    let four = Commitments::new(points).unwrap();
    assert_eq!(
        PublicKeyPackage::new(3, four, &members).unwrap_err(),
        Error::ThresholdMismatch {
            expected: 3,
            found: 4
        }
    );
    let two = Commitments::new(commitments.points()[..2].to_vec()).unwrap();
    assert_eq!(
        PublicKeyPackage::new(3, two, &members).unwrap_err(),
        Error::ThresholdMismatch {
            expected: 3,
            found: 2
        }
    );
    assert_eq!(
        PublicKeyPackage::new(3, commitments.clone(), &[id(1), id(2), id(2)]).unwrap_err(),
        Error::DuplicateParticipant(id(2))
    );
    assert_eq!(
        PublicKeyPackage::new(3, commitments, &[id(1), id(2)]).unwrap_err(),
        Error::InvalidMinSigners {
            min_signers: 3,
            max_signers: 2
        }
    );

    // A proof of possession for another key.
    let other = SecretKey::key_gen(&[9u8; 32], b"").unwrap();
    assert_eq!(
        GroupKey::new(group_key.package().clone(), other.prove_possession()).unwrap_err(),
        Error::InvalidProofOfPossession
    );

    // A share off the commitments, and one of a non-member.
    let tampered = SigningShare::new(id(2), shares[1].secret().expose() + Scalar::ONE);
    assert_eq!(
        group_key.verify_share(&tampered),
        Err(Error::InvalidShare(id(2)))
    );
    let outsider = SigningShare::new(id(6), shares[1].secret().expose());
    assert_eq!(
        group_key.verify_share(&outsider),
        Err(Error::UnknownMember(id(6)))
    );
}

#[test]
fn combine_rejects_wrong_signer_sets() {
    let mut rng = rng(5);
    let (group_key, shares) = dealer::deal(&mut rng, 3, 5).unwrap();
    let message = b"heart rate 61";
    let all = partials(&shares, &[0, 1, 2, 3, 4], message);

    assert_eq!(
        combine::combine(&group_key, &all[..2]),
        Err(Error::WrongSignerCount {
            expected: 3,
            found: 2
        })
    );
    assert_eq!(
        combine::combine(&group_key, &all[..4]),
        Err(Error::WrongSignerCount {
            expected: 3,
            found: 4
        })
    );
    assert_eq!(
        combine::combine(&group_key, &[]),
        Err(Error::WrongSignerCount {
            expected: 3,
            found: 0
        })
    );
    assert_eq!(
        combine::combine(&group_key, &[all[0], all[1], all[0]]),
        Err(Error::DuplicateParticipant(id(1)))
    );
    // A partial signature by the right secret under a duplicate identifier is still a
    // duplicate.
    let relabelled = PartialSignature::new(id(2), &all[3].signature());
    assert_eq!(
        combine::combine(&group_key, &[all[0], all[1], relabelled]),
        Err(Error::DuplicateParticipant(id(2)))
    );
    let stranger = SigningShare::new(id(9), Scalar::from(5u64));
    assert_eq!(
        combine::combine(
            &group_key,
            &[all[0], all[1], sign::sign(&stranger, message)]
        ),
        Err(Error::UnknownMember(id(9)))
    );
    // The order of the partial signatures does not matter.
    let a = combine::combine(&group_key, &[all[4], all[0], all[2]]).unwrap();
    let b = combine::combine(&group_key, &[all[0], all[2], all[4]]).unwrap();
    assert_eq!(a, b);
}

/// Four kinds of bad partial signature in one batch of 7 of 9: all four signers are named,
/// in increasing order, and the good ones alone pass.
#[test]
fn batch_verification_names_every_culprit() {
    let mut rng = rng(6);
    let (group_key, shares) = dealer::deal(&mut rng, 7, 9).unwrap();
    let message = b"SpO2 97%";
    let mut batch = partials(&shares, &[0, 1, 2, 3, 4, 5, 6, 7, 8], message);
    sign::verify_partials(&mut rng, &group_key, message, &batch).unwrap();

    // Member 8 signed another message; member 2 sent member 3's signature; member 5 sent the
    // identity; member 9 sent a random point.
    batch[7] = sign::sign(&shares[7], b"SpO2 87%");
    batch[1] = PartialSignature::new(id(2), &batch[2].signature());
    batch[4] = PartialSignature::new(id(5), &Signature::from_point(G2Affine::identity()));
    let random = (G2Projective::generator() * Scalar::random(&mut rng)).to_affine();
    batch[8] = PartialSignature::new(id(9), &Signature::from_point(random));
    assert_eq!(
        sign::verify_partials(&mut rng, &group_key, message, &batch),
        Err(Error::InvalidPartialSignatures(vec![
            id(2),
            id(5),
            id(8),
            id(9)
        ]))
    );
    for (i, partial) in batch.iter().enumerate() {
        let alone = sign::verify_partial(&group_key, message, partial);
        assert_eq!(alone.is_ok(), ![1, 4, 7, 8].contains(&i), "partial {i}");
    }

    // The honest seven still combine to a valid signature; with a culprit,
    // combine_and_verify names it.
    let honest: Vec<PartialSignature> = [0, 2, 3, 5, 6]
        .iter()
        .map(|&i| batch[i])
        .chain(partials(&shares, &[1, 4], message))
        .collect();
    sign::verify_partials(&mut rng, &group_key, message, &honest).unwrap();
    combine::combine_and_verify(&group_key, message, &honest).unwrap();
    let mut one_bad = honest.clone();
    one_bad[6] = batch[7];
    let mut one_bad_sorted = one_bad.clone();
    one_bad_sorted.swap(0, 6);
    assert_eq!(
        combine::combine_and_verify(&group_key, message, &one_bad_sorted),
        Err(Error::InvalidPartialSignatures(vec![id(8)]))
    );
    let combined = combine::combine(&group_key, &one_bad).unwrap();
    assert_eq!(
        combined.verify(group_key.public_key(), message),
        Err(Error::InvalidSignature)
    );
}

/// Structural errors come before any pairing, and an empty batch is vacuously valid.
#[test]
fn batch_verification_input_errors() {
    let mut rng = rng(7);
    let (group_key, shares) = dealer::deal(&mut rng, 2, 3).unwrap();
    let message = b"temperature 36.8";
    let p = partials(&shares, &[0, 1], message);
    sign::verify_partials(&mut rng, &group_key, message, &[]).unwrap();
    sign::verify_partials(&mut rng, &group_key, message, &p[..1]).unwrap();
    assert_eq!(
        sign::verify_partials(&mut rng, &group_key, message, &[p[0], p[1], p[0]]),
        Err(Error::DuplicateParticipant(id(1)))
    );
    let stranger = sign::sign(&SigningShare::new(id(4), Scalar::ONE), message);
    assert_eq!(
        sign::verify_partials(&mut rng, &group_key, message, &[p[0], stranger]),
        Err(Error::UnknownMember(id(4)))
    );
    assert_eq!(
        sign::verify_partial(&group_key, message, &stranger),
        Err(Error::UnknownMember(id(4)))
    );
    assert_eq!(
        sign::verify_partial(&group_key, b"other", &p[0]),
        Err(Error::InvalidPartialSignatures(vec![id(1)]))
    );
}

/// A share of zero (a member whose verifying share is the identity) signs with the identity,
/// and that verifies; batch verification handles the identity on both sides.
#[test]
fn identity_points_are_handled() {
    // f(x) = 2 - 2x: f(1) = 0.
    let two = Scalar::from(2u64);
    let a = [two, -two];
    let points: Vec<_> = a
        .iter()
        .map(|a_k| (G1Projective::generator() * a_k).to_affine())
        .collect();
    let members = [id(1), id(2), id(3)];
    let package = PublicKeyPackage::new(2, Commitments::new(points).unwrap(), &members).unwrap();
    let shares: Vec<SigningShare> = members
        .iter()
        .map(|m| SigningShare::new(*m, a[0] + a[1] * m.to_scalar()))
        .collect();
    for share in &shares {
        package.verify_share(share).unwrap();
    }
    let message = b"zero share";
    let all = partials(&shares, &[0, 1, 2], message);
    assert_eq!(all[0].signature().point(), &G2Affine::identity());
    let mut rng = rng(8);
    sign::verify_partials(&mut rng, &package, message, &all).unwrap();
    sign::verify_partials(&mut rng, &package, message, &all[..1]).unwrap();
    let signature = combine::combine_and_verify(&package, message, &all[..2]).unwrap();
    assert_eq!(signature, SecretKey::from_scalar(two).sign(message));
    // Member 1 must sign with the identity; anything else is named.
    let wrong = PartialSignature::new(id(1), &all[1].signature());
    assert_eq!(
        sign::verify_partials(&mut rng, &package, message, &[wrong, all[1], all[2]]),
        Err(Error::InvalidPartialSignatures(vec![id(1)]))
    );
}

/// The group's proof of possession by threshold signing equals the dealer's.
#[test]
fn threshold_proof_of_possession() {
    let mut rng = rng(9);
    let (group_key, shares) = dealer::deal(&mut rng, 3, 4).unwrap();
    let pk = group_key.public_key();
    let pop_partials: Vec<PartialSignature> = [3, 0, 2]
        .iter()
        .map(|&i| sign::prove_possession(&shares[i], pk))
        .collect();
    let rebuilt = combine::combine_proof_of_possession(group_key.package(), &pop_partials).unwrap();
    assert_eq!(rebuilt, group_key);

    // A share of a signature on a message is no share of the proof of possession.
    let mut bad = pop_partials.clone();
    bad[1] = sign::sign(&shares[0], &pk.to_bytes());
    assert_eq!(
        combine::combine_proof_of_possession(group_key.package(), &bad),
        Err(Error::InvalidPartialSignatures(vec![id(1)]))
    );
}

#[test]
fn partial_signature_encoding() {
    let mut rng = rng(10);
    let (_, shares) = dealer::deal(&mut rng, 2, 300).unwrap();
    let partial = sign::sign(&shares[299], b"m");
    let bytes = partial.to_bytes();
    assert_eq!(bytes.len(), PartialSignature::BYTES);
    assert_eq!(&bytes[..2], &[0x01, 0x2c]);
    assert_eq!(&bytes[2..], &partial.signature().to_bytes());
    assert_eq!(PartialSignature::from_bytes(&bytes).unwrap(), partial);

    assert_eq!(
        PartialSignature::from_bytes(&bytes[..97]),
        Err(Error::Encoding(credkit_core::Error::InvalidLength {
            expected: 98,
            found: 97
        }))
    );
    let mut zero = bytes;
    zero[..2].copy_from_slice(&[0, 0]);
    assert_eq!(
        PartialSignature::from_bytes(&zero),
        Err(Error::ZeroIdentifier)
    );
    let mut not_compressed = bytes;
    not_compressed[2] &= 0x7f;
    assert_eq!(
        PartialSignature::from_bytes(&not_compressed),
        Err(Error::Encoding(credkit_core::Error::InvalidPointEncoding))
    );
    assert!(format!("{partial:?}").starts_with("PartialSignature(300, "));
}

#[test]
fn signing_share_encoding() {
    let mut rng = rng(11);
    let (_, shares) = dealer::deal(&mut rng, 2, 3).unwrap();
    let bytes = shares[2].to_bytes();
    assert_eq!(bytes.len(), SigningShare::BYTES);
    assert_eq!(&bytes[..2], &[0, 3]);
    assert_eq!(SigningShare::from_bytes(&bytes[..]).unwrap(), shares[2]);

    let mut big = *bytes;
    big[2..].copy_from_slice(&[0xff; 32]);
    assert_eq!(
        SigningShare::from_bytes(&big),
        Err(Error::Encoding(credkit_core::Error::NonCanonicalScalar))
    );
    let mut zero = *bytes;
    zero[..2].copy_from_slice(&[0, 0]);
    assert_eq!(SigningShare::from_bytes(&zero), Err(Error::ZeroIdentifier));
    assert!(SigningShare::from_bytes(&bytes[1..]).is_err());
    assert!(!format!("{:?}", shares[2]).contains(&hex::encode(&bytes[2..])));
}

/// 67 of 100: batch verification and combination at the size of a hospital ward.
#[test]
fn sixty_seven_of_one_hundred() {
    let mut rng = rng(12);
    let (group_key, shares) = dealer::deal(&mut rng, 67, 100).unwrap();
    let message = b"ward 4 handover";
    let signers: Vec<usize> = (0..100)
        .step_by(3)
        .chain((1..100).step_by(3))
        .take(67)
        .collect();
    let mut batch = partials(&shares, &signers, message);
    sign::verify_partials(&mut rng, &group_key, message, &batch).unwrap();
    let signature = combine::combine_and_verify(&group_key, message, &batch).unwrap();
    let chosen: Vec<&SigningShare> = signers.iter().map(|&i| &shares[i]).collect();
    let secret = recover_secret_vsss(&chosen);
    assert_eq!(signature, SecretKey::from_scalar(secret).sign(message));

    batch[10] = sign::sign(&shares[signers[10]], b"ward 5 handover");
    batch[50] = sign::sign(&shares[signers[50]], b"ward 5 handover");
    let mut expected = vec![batch[10].identifier(), batch[50].identifier()];
    expected.sort();
    assert_eq!(
        sign::verify_partials(&mut rng, &group_key, message, &batch),
        Err(Error::InvalidPartialSignatures(expected))
    );
}

/// From 8 signers on, combination splits the Lagrange coefficients with the GLS
/// endomorphism: random subsets of 8, 9 and 12 still give the group signature.
#[test]
fn larger_subsets_give_the_group_signature() {
    let mut rng = rng(13);
    for (t, n) in [(8u16, 12u16), (9, 13), (12, 12)] {
        let (group_key, shares) = dealer::deal(&mut rng, t, n).unwrap();
        let message = format!("{t} of {n}");
        let first: Vec<&SigningShare> = shares.iter().take(usize::from(t)).collect();
        let expected = SecretKey::from_scalar(recover_secret(&first)).sign(message.as_bytes());
        for _ in 0..8 {
            let signers = rand::seq::index::sample(&mut rng, usize::from(n), usize::from(t));
            let partials: Vec<PartialSignature> = signers
                .iter()
                .map(|i| sign::sign(&shares[i], message.as_bytes()))
                .collect();
            let signature = combine::combine(&group_key, &partials).unwrap();
            assert_eq!(signature, expected, "signers {:?}", signers.into_vec());
        }
    }
}

/// A partial proof of possession is checked alone, and a partial signature of a message is
/// not one.
#[test]
fn partial_proofs_of_possession_are_checked_alone() {
    use credkit_threshold::sign::{prove_possession, sign, verify_partial_proof_of_possession};
    let mut rng = rand::rngs::OsRng;
    let (group, shares) = credkit_threshold::dealer::deal(&mut rng, 2, 3).unwrap();
    let package = group.package();
    let pop = prove_possession(&shares[0], group.public_key());
    verify_partial_proof_of_possession(package, &pop).unwrap();
    let not_pop = sign(&shares[0], b"message");
    assert_eq!(
        verify_partial_proof_of_possession(package, &not_pop),
        Err(credkit_threshold::Error::InvalidPartialSignatures(vec![
            shares[0].identifier()
        ]))
    );
}
