//! Generators are hashed once per (ciphersuite, api_id) and reused. This file holds a single
//! test so that no other test in its process hashes generators concurrently.

use credkit_bbs::hazmat::{create_generators, hash_to_curve_count};
use credkit_bbs::{sign, verify, Bls12381Sha256, Bls12381Shake256, Ciphersuite, SecretKey};

fn cache_for<C: Ciphersuite>() {
    let sk = SecretKey::key_gen::<C>(&[3u8; 32], b"").unwrap();
    let msgs: Vec<Vec<u8>> = (0..10).map(|i| vec![i]).collect();

    let before = hash_to_curve_count();
    let signature = sign::<C>(&sk, b"", &msgs[..5]).unwrap();
    let after_first = hash_to_curve_count();
    // P1 and Q_1, H_1..H_5 were hashed once each.
    assert_eq!(after_first - before, 1 + 6, "{}", C::NAME);

    for _ in 0..3 {
        verify::<C>(sk.public_key(), &signature, b"", &msgs[..5]).unwrap();
        sign::<C>(&sk, b"", &msgs[..5]).unwrap();
    }
    assert_eq!(
        hash_to_curve_count(),
        after_first,
        "{}: repeated calls rehashed generators",
        C::NAME
    );

    // Asking for more extends the chain by exactly the missing points...
    sign::<C>(&sk, b"", &msgs).unwrap();
    assert_eq!(hash_to_curve_count(), after_first + 5, "{}", C::NAME);
    // ...and a prefix is the same points as before.
    let long = create_generators::<C>(11, C::API_ID).unwrap();
    let short = create_generators::<C>(6, C::API_ID).unwrap();
    assert_eq!(&long.affine()[..6], short.affine());
    assert_eq!(hash_to_curve_count(), after_first + 5, "{}", C::NAME);
}

#[test]
fn generators_are_hashed_once() {
    cache_for::<Bls12381Sha256>();
    cache_for::<Bls12381Shake256>();
}
