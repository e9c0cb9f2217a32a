//! Multi-show unlinkability: two presentations of one credential share no component.

use credkit_bbs::{
    proof_gen, proof_verify, sign, Bls12381Sha256, Bls12381Shake256, Ciphersuite, SecretKey,
};

fn two_shows<C: Ciphersuite>() {
    let sk = SecretKey::key_gen::<C>(&[9u8; 32], b"hospital H1").unwrap();
    let msgs: Vec<&[u8]> = vec![
        b"name=Ada",
        b"birth_date=1815-12-10",
        b"blood=O+",
        b"allergy=none",
    ];
    let signature = sign::<C>(&sk, b"H1", &msgs).unwrap();
    let disclosed = [2, 3];
    let first = proof_gen::<C>(
        sk.public_key(),
        &signature,
        b"H1",
        b"same nonce",
        &msgs,
        &disclosed,
    )
    .unwrap();
    let second = proof_gen::<C>(
        sk.public_key(),
        &signature,
        b"H1",
        b"same nonce",
        &msgs,
        &disclosed,
    )
    .unwrap();
    for proof in [&first, &second] {
        proof_verify::<C>(
            sk.public_key(),
            proof,
            b"H1",
            b"same nonce",
            &[msgs[2], msgs[3]],
            &disclosed,
        )
        .unwrap();
    }

    // Split both encodings into their components: 3 points of 48 bytes, then 32-byte scalars.
    let components = |bytes: &[u8]| -> Vec<Vec<u8>> {
        let (points, scalars) = bytes.split_at(3 * 48);
        points
            .chunks(48)
            .chain(scalars.chunks(32))
            .map(<[u8]>::to_vec)
            .collect()
    };
    let (a, b) = (
        components(&first.to_bytes()),
        components(&second.to_bytes()),
    );
    assert_eq!(a.len(), 3 + 3 + 2 + 1);
    for (i, x) in a.iter().enumerate() {
        assert!(
            !b.contains(x),
            "{}: component {i} of the first proof reappears in the second",
            C::NAME
        );
    }
    // Nor does any component carry the signature's A or e.
    let sig = signature.to_bytes();
    assert!(!a.iter().any(|x| sig.windows(x.len()).any(|w| w == &x[..])));
}

#[test]
fn two_presentations_share_no_component_sha256() {
    two_shows::<Bls12381Sha256>();
}

#[test]
fn two_presentations_share_no_component_shake256() {
    two_shows::<Bls12381Shake256>();
}
