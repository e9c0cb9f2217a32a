//! FABEO CP-ABE: correctness over many policies, collusion resistance, and every encoding's
//! bad input.

use credkit_abe::fabeo::{
    decapsulate, encapsulate, setup, Ciphertext, MasterPublicKey, MasterSecretKey, UserKey,
};
use credkit_abe::policy::{Attribute, Policy};
use credkit_abe::Error;
use rand::rngs::OsRng;

fn attrs(list: &[&str]) -> Vec<Attribute> {
    list.iter().map(|a| a.parse().unwrap()).collect()
}

/// A policy, attribute sets that satisfy it, and sets that do not.
type Case<'a> = (&'a str, &'a [&'a [&'a str]], &'a [&'a [&'a str]]);

#[test]
fn authorized_keys_decapsulate_and_others_do_not() {
    let (mpk, msk) = setup(&mut OsRng);
    let cases: &[Case] = &[
        (
            "role:cardiologist and hospital:H1",
            &[
                &["role:cardiologist", "hospital:H1"],
                &["role:cardiologist", "hospital:H1", "x:y"],
            ],
            &[
                &["role:cardiologist"],
                &["hospital:H1"],
                &["role:nurse", "hospital:H1"],
                &[],
            ],
        ),
        (
            "role:cardiologist or role:nurse",
            &[&["role:nurse"], &["role:cardiologist"]],
            &[&["role:porter"], &["hospital:H1"]],
        ),
        (
            "2 of (a:1, b:2, c:3)",
            &[
                &["a:1", "b:2"],
                &["a:1", "c:3"],
                &["b:2", "c:3"],
                &["a:1", "b:2", "c:3"],
            ],
            &[&["a:1"], &["b:2"], &["c:3"], &["d:4", "a:1"]],
        ),
        (
            "(role:doctor and 2 of (ward:a, ward:b, ward:c)) or role:admin",
            &[&["role:admin"], &["role:doctor", "ward:a", "ward:c"]],
            &[&["role:doctor", "ward:a"], &["ward:a", "ward:b", "ward:c"]],
        ),
        (
            r#"3 of (role:"chief of staff", hospital:H1, unit:icu, shift:night) and study:s-17"#,
            &[&[
                "role:\"chief of staff\"",
                "hospital:H1",
                "shift:night",
                "study:s-17",
            ]],
            &[
                &["role:\"chief of staff\"", "hospital:H1", "shift:night"],
                &["hospital:H1", "unit:icu", "study:s-17"],
            ],
        ),
    ];
    for (policy, yes, no) in cases {
        let policy = Policy::parse(policy).unwrap();
        let (ct, key) = encapsulate(&mut OsRng, &mpk, &policy).unwrap();
        let ct = Ciphertext::from_bytes(&ct.to_bytes()).unwrap();
        for set in *yes {
            let user = msk.keygen(&mut OsRng, &attrs(set)).unwrap();
            let user = UserKey::from_bytes(&user.to_bytes()).unwrap();
            assert_eq!(
                decapsulate(&user, &ct).unwrap(),
                key,
                "{policy} with {set:?}"
            );
        }
        for set in *no {
            let user = msk.keygen(&mut OsRng, &attrs(set)).unwrap();
            assert_eq!(
                decapsulate(&user, &ct).unwrap_err(),
                Error::PolicyNotSatisfied,
                "{policy} with {set:?}"
            );
        }
    }
}

#[test]
fn another_authority_key_gives_another_key() {
    let (mpk, _) = setup(&mut OsRng);
    let (_, other) = setup(&mut OsRng);
    let policy = Policy::parse("a:1").unwrap();
    let (ct, key) = encapsulate(&mut OsRng, &mpk, &policy).unwrap();
    let user = other.keygen(&mut OsRng, &attrs(&["a:1"])).unwrap();
    assert_ne!(decapsulate(&user, &ct).unwrap(), key);
}

/// Splices user-key encodings: `K0 || K1` of one key with `K_y` components taken elsewhere.
fn forged(k0_k1_from: &UserKey, components: &[(&str, &UserKey, &str)]) -> UserKey {
    let base = k0_k1_from.to_bytes();
    let mut out = base[..1 + 96 + 48].to_vec();
    let mut parts: Vec<(Attribute, Vec<u8>)> = components
        .iter()
        .map(|(label, source, taken)| {
            let point = component(source, taken);
            (label.parse::<Attribute>().unwrap(), point)
        })
        .collect();
    parts.sort_by(|a, b| a.0.cmp(&b.0));
    out.extend_from_slice(&(parts.len() as u16).to_be_bytes());
    for (a, p) in parts {
        let text = a.to_bytes();
        out.extend_from_slice(&(text.len() as u16).to_be_bytes());
        out.extend_from_slice(&text);
        out.extend_from_slice(&p);
    }
    UserKey::from_bytes(&out).unwrap()
}

/// The 48-byte `K_y` of attribute `name` in `key`'s encoding.
fn component(key: &UserKey, name: &str) -> Vec<u8> {
    let bytes = key.to_bytes();
    let mut at = 1 + 96 + 48 + 2;
    while at < bytes.len() {
        let len = usize::from(u16::from_be_bytes([bytes[at], bytes[at + 1]]));
        let text = &bytes[at + 2..at + 2 + len];
        let point = &bytes[at + 2 + len..at + 2 + len + 48];
        if text == name.as_bytes() {
            return point.to_vec();
        }
        at += 2 + len + 48;
    }
    panic!("{name} not in key");
}

#[test]
fn colluding_users_cannot_combine_their_keys() {
    let (mpk, msk) = setup(&mut OsRng);
    let policy = Policy::parse("role:cardiologist and hospital:H1").unwrap();
    let (ct, key) = encapsulate(&mut OsRng, &mpk, &policy).unwrap();
    let alice = msk
        .keygen(&mut OsRng, &attrs(&["role:cardiologist", "hospital:H2"]))
        .unwrap();
    let bob = msk
        .keygen(&mut OsRng, &attrs(&["role:nurse", "hospital:H1"]))
        .unwrap();
    // Neither alone.
    assert_eq!(
        decapsulate(&alice, &ct).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    assert_eq!(
        decapsulate(&bob, &ct).unwrap_err(),
        Error::PolicyNotSatisfied
    );
    // Alice's K0, K1 and K_cardiologist with Bob's K_H1, and the other way round: the
    // attributes now satisfy the policy, but the key is not the encapsulated one.
    for (base, other) in [(&alice, &bob), (&bob, &alice)] {
        let combined = forged(
            base,
            &[
                ("role:cardiologist", &alice, "role:cardiologist"),
                ("hospital:H1", &bob, "hospital:H1"),
            ],
        );
        assert_ne!(decapsulate(&combined, &ct).unwrap(), key);
        let _ = other;
    }
}

#[test]
fn key_components_cannot_be_relabelled_or_recombined() {
    let (mpk, msk) = setup(&mut OsRng);
    let policy = Policy::parse("hospital:H1").unwrap();
    let (ct, key) = encapsulate(&mut OsRng, &mpk, &policy).unwrap();
    // Several keys, none for hospital:H1: H(y) is hash-to-curve, so no component of one
    // attribute is a known multiple of another's.
    let keys: Vec<UserKey> = (2..8)
        .map(|i| {
            msk.keygen(
                &mut OsRng,
                &attrs(&[
                    &format!("hospital:H{i}"),
                    "role:x",
                    "ward:a",
                    "ward:b",
                    "ward:c",
                    "ward:d",
                ]),
            )
            .unwrap()
        })
        .collect();
    for (i, k) in (2..).zip(&keys) {
        for taken in [&format!("hospital:H{i}")[..], "role:x", "ward:a"] {
            let relabelled = forged(k, &[("hospital:H1", k, taken)]);
            assert_ne!(decapsulate(&relabelled, &ct).unwrap(), key);
        }
    }
    // Control: the same splicing with the real component does decapsulate, so the refusals
    // above are the scheme's, not the harness's.
    let honest = msk
        .keygen(&mut OsRng, &attrs(&["hospital:H1", "role:x"]))
        .unwrap();
    let spliced = forged(&honest, &[("hospital:H1", &honest, "hospital:H1")]);
    assert_eq!(decapsulate(&spliced, &ct).unwrap(), key);
    // Components of one key added together (the attack on `g * Fr(SHA3(attr))`-style hashing).
    let k = &keys[0];
    let sum = {
        let mut p = blstrs::G1Projective::from(
            blstrs::G1Affine::from_compressed(&component(k, "ward:a").try_into().unwrap()).unwrap(),
        );
        for name in ["ward:b", "ward:c", "ward:d", "role:x"] {
            p +=
                blstrs::G1Affine::from_compressed(&component(k, name).try_into().unwrap()).unwrap();
        }
        group::Curve::to_affine(&p).to_compressed().to_vec()
    };
    let mut bytes = k.to_bytes()[..1 + 96 + 48].to_vec();
    bytes.extend_from_slice(&1u16.to_be_bytes());
    bytes.extend_from_slice(&(b"hospital:H1".len() as u16).to_be_bytes());
    bytes.extend_from_slice(b"hospital:H1");
    bytes.extend_from_slice(&sum);
    let combined = UserKey::from_bytes(&bytes).unwrap();
    assert_ne!(decapsulate(&combined, &ct).unwrap(), key);
}

#[test]
fn any_changed_ciphertext_byte_changes_the_key_or_is_refused() {
    let (mpk, msk) = setup(&mut OsRng);
    let policy = Policy::parse("a:1 or 2 of (b:2, c:3, d:4)").unwrap();
    let (ct, key) = encapsulate(&mut OsRng, &mpk, &policy).unwrap();
    let user = msk
        .keygen(&mut OsRng, &attrs(&["a:1", "b:2", "c:3"]))
        .unwrap();
    let bytes = ct.to_bytes();
    // Every byte, one bit each (the whole ciphertext is ~600 bytes).
    for i in 0..bytes.len() {
        let mut t = bytes.clone();
        t[i] ^= 0x04;
        match Ciphertext::from_bytes(&t) {
            Err(_) => {}
            Ok(changed) => match decapsulate(&user, &changed) {
                Err(_) => {}
                Ok(k) => assert_ne!(k, key, "byte {i}"),
            },
        }
    }
}

#[test]
fn encodings_round_trip_and_refuse_bad_input() {
    let (mpk, msk) = setup(&mut OsRng);
    assert_eq!(MasterPublicKey::from_bytes(&mpk.to_bytes()).unwrap(), mpk);
    assert_eq!(
        MasterSecretKey::from_bytes(&msk.to_bytes()[..]).unwrap(),
        msk
    );
    assert_eq!(msk.public_key(), mpk);
    assert!(matches!(
        MasterPublicKey::from_bytes(&[0u8; 288]),
        Err(Error::MalformedMasterPublicKey(_))
    ));
    assert!(matches!(
        MasterPublicKey::from_bytes(&mpk.to_bytes()[1..]),
        Err(Error::MalformedMasterPublicKey(_))
    ));
    assert!(MasterSecretKey::from_bytes(&[0u8; 32]).is_err());
    assert_eq!(format!("{msk:?}"), "MasterSecretKey(<redacted>)");

    let user = msk.keygen(&mut OsRng, &attrs(&["b:2", "a:1"])).unwrap();
    let bytes = user.to_bytes();
    for cut in 0..bytes.len() {
        assert!(UserKey::from_bytes(&bytes[..cut]).is_err(), "cut at {cut}");
    }
    let mut long = bytes.to_vec();
    long.push(0);
    assert_eq!(
        UserKey::from_bytes(&long).unwrap_err(),
        Error::MalformedUserKey("trailing bytes")
    );
    assert!(!format!("{user:?}").contains(&hex::encode(&bytes[1..20])));
    assert_eq!(
        msk.keygen(&mut OsRng, &attrs(&["a:1", "a:1"])).unwrap_err(),
        Error::DuplicateKeyAttribute("a:1".into())
    );

    let policy = Policy::parse("a:1 and b:2").unwrap();
    let (ct, _) = encapsulate(&mut OsRng, &mpk, &policy).unwrap();
    let bytes = ct.to_bytes();
    for cut in 0..bytes.len() {
        assert!(
            Ciphertext::from_bytes(&bytes[..cut]).is_err(),
            "cut at {cut}"
        );
    }
    // A non-canonical policy text (extra spaces) is refused.
    let text = "a:1  and b:2";
    let mut noncanonical = vec![1u8];
    noncanonical.extend_from_slice(&(text.len() as u32).to_be_bytes());
    noncanonical.extend_from_slice(text.as_bytes());
    noncanonical.extend_from_slice(&bytes[1 + 4 + "a:1 and b:2".len()..]);
    assert_eq!(
        Ciphertext::from_bytes(&noncanonical).unwrap_err(),
        Error::MalformedCiphertext("policy not in canonical form")
    );
}
