//! The credential layer: issue, present, verify; bindings; formats; every class of bad input.

use credkit_bbs::credential::{
    AttributeType, AttributeValue, Attributes, Credential, Date, IssuerKey, IssuerPublicKey,
    Presentation, Schema, SuiteId,
};
use credkit_bbs::Error;
use rand::rngs::StdRng;
use rand::SeedableRng;

const SCHEMA: &str = r#"{
  "version": 1,
  "type": "schema",
  "id": "urn:credkit:example:patient:v1",
  "attributes": [
    {"name": "name", "type": "string"},
    {"name": "birth_date", "type": "date"},
    {"name": "patient_id", "type": "bytes"},
    {"name": "organ_donor", "type": "boolean"},
    {"name": "drug", "type": "string"},
    {"name": "refills", "type": "integer"}
  ]
}"#;

const ATTRS: &str = r#"{"name": "Ada Lovelace", "birth_date": "1815-12-10", "patient_id": "AAECAw",
    "organ_donor": true, "drug": "digoxin 125ug", "refills": 2}"#;

fn setup(suite: SuiteId, seed: u64) -> (IssuerKey, Schema, Credential) {
    let key = IssuerKey::generate(suite, &mut StdRng::seed_from_u64(seed));
    let schema = Schema::from_json(SCHEMA).unwrap();
    let attrs = Attributes::from_json(&schema, ATTRS).unwrap();
    let credential = key.issue(&schema, &attrs).unwrap();
    (key, schema, credential)
}

#[test]
fn issue_present_verify_both_suites() {
    for suite in [SuiteId::Sha256, SuiteId::Shake256] {
        let (key, _, credential) = setup(suite, 1);
        credential.verify().unwrap();
        let read_back = Credential::from_json(&credential.to_json()).unwrap();
        assert_eq!(read_back, credential);
        read_back.verify().unwrap();

        let presentation = credential
            .present(&["refills", "drug"], b"n-1", Some(b"pharmacy"))
            .unwrap();
        let json = presentation.to_json();
        let seen =
            Presentation::verify_json(&json, &key.public(), b"n-1", Some(b"pharmacy")).unwrap();
        assert_eq!(
            seen.get("drug"),
            Some(&AttributeValue::String("digoxin 125ug".into()))
        );
        assert_eq!(seen.get("refills"), Some(&AttributeValue::Integer(2)));
        assert_eq!(seen.len(), 2, "only what was disclosed");
        assert!(
            !json.contains("Ada"),
            "an undisclosed attribute leaked into the presentation"
        );

        // Wrong nonce, wrong or missing verifier id: rejected.
        for (nonce, verifier) in [
            (&b"n-2"[..], Some(&b"pharmacy"[..])),
            (b"n-1", Some(b"pharmacy-2")),
            (b"n-1", None),
        ] {
            assert_eq!(
                Presentation::verify_json(&json, &key.public(), nonce, verifier),
                Err(Error::InvalidProof)
            );
        }
        // Nothing disclosed, everything disclosed.
        let none = credential.present(&[], b"n", None).unwrap();
        assert!(none.verify(&key.public(), b"n", None).unwrap().is_empty());
        let all = credential
            .present(
                &[
                    "name",
                    "birth_date",
                    "patient_id",
                    "organ_donor",
                    "drug",
                    "refills",
                ],
                b"n",
                None,
            )
            .unwrap();
        assert_eq!(
            all.verify(&key.public(), b"n", None).unwrap(),
            *credential.attributes()
        );
    }
}

#[test]
fn presentations_are_unlinkable() {
    let (key, _, credential) = setup(SuiteId::Sha256, 2);
    let a = credential.present(&["drug"], b"same", None).unwrap();
    let b = credential.present(&["drug"], b"same", None).unwrap();
    let proof = |p: &Presentation| -> Vec<u8> {
        let v: serde_json::Value = serde_json::from_str(&p.to_json()).unwrap();
        v["proof"].as_str().unwrap().as_bytes().to_vec()
    };
    let (pa, pb) = (proof(&a), proof(&b));
    assert_ne!(pa, pb);
    // Decode and compare component-wise: no 48- or 32-byte component is shared.
    use base64::Engine;
    let dec = |p: &[u8]| {
        base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(p)
            .unwrap()
    };
    let (da, db) = (dec(&pa), dec(&pb));
    let parts = |d: &[u8]| -> Vec<Vec<u8>> {
        let (pts, sc) = d.split_at(144);
        pts.chunks(48)
            .chain(sc.chunks(32))
            .map(<[u8]>::to_vec)
            .collect()
    };
    let (ca, cb) = (parts(&da), parts(&db));
    assert!(ca.iter().all(|x| !cb.contains(x)));
    // Everything else in the two documents is identical: only the disclosed value links them.
    assert_eq!(
        a.to_json().replace(std::str::from_utf8(&pa).unwrap(), ""),
        b.to_json().replace(std::str::from_utf8(&pb).unwrap(), "")
    );
    a.verify(&key.public(), b"same", None).unwrap();
    b.verify(&key.public(), b"same", None).unwrap();
}

#[test]
fn schema_and_issuer_are_bound() {
    let (key, schema, credential) = setup(SuiteId::Sha256, 3);
    let json = credential.to_json();
    // Re-read under another schema id: the signature no longer verifies.
    let other_id = Credential::from_json(&json.replace(
        "urn:credkit:example:patient:v1",
        "urn:credkit:example:patient:v2",
    ))
    .unwrap();
    assert_eq!(other_id.verify(), Err(Error::InvalidSignature));
    // Swap two attributes of the same type in the schema (drug <-> name): the values move with
    // the names, so the messages are the same, but the schema digest differs.
    let swapped = json
        .replacen(r#""name": "name""#, r#""name": "tmp""#, 1)
        .replacen(r#""name": "drug""#, r#""name": "name""#, 1)
        .replacen(r#""name": "tmp""#, r#""name": "drug""#, 1);
    assert_eq!(
        Credential::from_json(&swapped).unwrap().verify(),
        Err(Error::InvalidSignature)
    );

    // A presentation under a tampered schema does not verify.
    let p = credential.present(&["drug"], b"n", None).unwrap().to_json();
    let tampered = p.replace(
        "urn:credkit:example:patient:v1",
        "urn:credkit:example:patient:v9",
    );
    assert_eq!(
        Presentation::verify_json(&tampered, &key.public(), b"n", None),
        Err(Error::InvalidProof)
    );
    // A changed disclosed value does not verify.
    let tampered = p.replace("digoxin 125ug", "digoxin 250ug");
    assert_eq!(
        Presentation::verify_json(&tampered, &key.public(), b"n", None),
        Err(Error::InvalidProof)
    );
    // Another issuer, or the same key under the other suite: named errors.
    let other = IssuerKey::generate(SuiteId::Sha256, &mut StdRng::seed_from_u64(99)).public();
    assert_eq!(
        Presentation::verify_json(&p, &other, b"n", None),
        Err(Error::IssuerMismatch)
    );
    let other_suite = IssuerPublicKey::new(SuiteId::Shake256, key.public().public_key().clone());
    assert_eq!(
        Presentation::verify_json(&p, &other_suite, b"n", None),
        Err(Error::SuiteMismatch {
            expected: SuiteId::Shake256,
            found: SuiteId::Sha256
        })
    );
    // Disclosed claims of an attribute that is not disclosed in the proof: rejected.
    let extra = p.replace(
        r#""drug": "digoxin 125ug""#,
        r#""drug": "digoxin 125ug", "refills": 2"#,
    );
    assert_eq!(
        Presentation::verify_json(&extra, &key.public(), b"n", None),
        Err(Error::InvalidProof)
    );
    let _ = schema;
}

#[test]
fn key_formats_round_trip() {
    for suite in [SuiteId::Sha256, SuiteId::Shake256] {
        let key = IssuerKey::generate(suite, &mut StdRng::seed_from_u64(4));
        let public = key.public();
        assert_eq!(IssuerKey::from_json(&key.to_json()).unwrap(), key);
        assert_eq!(
            IssuerPublicKey::from_json(&public.to_json()).unwrap(),
            public
        );
        assert_eq!(
            IssuerPublicKey::from_jwk(&public.to_jwk(), suite).unwrap(),
            public
        );
        assert_eq!(
            IssuerPublicKey::from_multikey(&public.to_multikey(), suite).unwrap(),
            public
        );
        assert_eq!(public.kid().len(), 43);
        let debug = format!("{key:?}");
        assert!(debug.contains("<redacted>"));
        let secret_b64 = serde_json::from_str::<serde_json::Value>(&key.to_json()).unwrap()
            ["secret_key"]
            .as_str()
            .unwrap()
            .to_owned();
        assert!(!debug.contains(&secret_b64));
    }
}

#[test]
fn key_format_errors() {
    let key = IssuerKey::generate(SuiteId::Sha256, &mut StdRng::seed_from_u64(5));
    let public = key.public();
    let pj = public.to_json();
    assert!(matches!(
        IssuerPublicKey::from_json(&pj.replace("\"version\": 1", "\"version\": 2")),
        Err(Error::UnsupportedVersion { found: 2, .. })
    ));
    assert!(matches!(
        IssuerPublicKey::from_json(&key.to_json()),
        Err(Error::WrongDocumentType {
            expected: "public-key",
            ..
        })
    ));
    assert!(matches!(
        IssuerPublicKey::from_json(&pj.replace("\"suite\"", "\"extra\": 0, \"suite\"")),
        Err(Error::Json(_))
    ));
    assert!(matches!(
        IssuerPublicKey::from_json(&pj.replace("bls12-381-sha-256", "bls12-381-sha-512")),
        Err(Error::Json(_))
    ));
    assert_eq!(
        IssuerPublicKey::from_json(&pj.replace(&public.kid(), &"A".repeat(43))),
        Err(Error::KeyMismatch)
    );
    let x = serde_json::from_str::<serde_json::Value>(&pj).unwrap()["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        IssuerPublicKey::from_json(&pj.replace(&x, &format!("{x}="))),
        Err(Error::InvalidBase64 {
            field: "public_key"
        })
    );
    assert!(matches!(
        IssuerPublicKey::from_json(&pj.replace(&x, &x[..x.len() - 4])),
        Err(Error::InField { field: "public_key", error })
            if *error == Error::Encoding(credkit_core::Error::InvalidLength { expected: 96, found: 93 })
    ));
    // Another secret key with this public key: mismatch.
    let other = IssuerKey::generate(SuiteId::Sha256, &mut StdRng::seed_from_u64(6)).to_json();
    let other_pub = serde_json::from_str::<serde_json::Value>(&other).unwrap()["public_key"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        IssuerKey::from_json(&key.to_json().replace(&x, &other_pub)),
        Err(Error::KeyMismatch)
    );
    // JWK and Multikey.
    let jwk = public.to_jwk();
    assert_eq!(
        IssuerPublicKey::from_jwk(&jwk.replace("OKP", "EC"), SuiteId::Sha256),
        Err(Error::Jwk("kty must be \"OKP\""))
    );
    assert_eq!(
        IssuerPublicKey::from_jwk(&jwk.replace("BLS12381G2", "BLS12381G1"), SuiteId::Sha256),
        Err(Error::Jwk("crv must be \"BLS12381G2\""))
    );
    assert!(matches!(
        IssuerPublicKey::from_jwk(&jwk.replace(&public.kid(), "x"), SuiteId::Sha256),
        Err(Error::Jwk(_))
    ));
    let mk = public.to_multikey();
    assert!(matches!(
        IssuerPublicKey::from_multikey(&mk[1..], SuiteId::Sha256),
        Err(Error::Multikey(_))
    ));
    assert!(matches!(
        IssuerPublicKey::from_multikey("z0OIl", SuiteId::Sha256),
        Err(Error::Multikey(_))
    ));
    assert!(matches!(
        IssuerPublicKey::from_multikey("z11111", SuiteId::Sha256),
        Err(Error::Multikey(_))
    ));
}

#[test]
fn schema_errors() {
    let with = |attrs: &str| {
        format!(r#"{{"version": 1, "type": "schema", "id": "urn:x", "attributes": [{attrs}]}}"#)
    };
    assert_eq!(Schema::from_json(&with("")), Err(Error::EmptySchema));
    assert_eq!(
        Schema::from_json(&with(r#"{"name": "Name", "type": "string"}"#)),
        Err(Error::InvalidAttributeName("Name".into()))
    );
    assert_eq!(
        Schema::from_json(&with(r#"{"name": "", "type": "string"}"#)),
        Err(Error::InvalidAttributeName("".into()))
    );
    assert_eq!(
        Schema::from_json(&with(
            r#"{"name": "a", "type": "string"}, {"name": "a", "type": "bytes"}"#
        )),
        Err(Error::DuplicateAttribute("a".into()))
    );
    assert!(matches!(
        Schema::from_json(&with(r#"{"name": "a", "type": "float"}"#)),
        Err(Error::Json(_))
    ));
    assert!(matches!(
        Schema::from_json(&with(r#"{"name": "a", "type": "string", "x": 1}"#)),
        Err(Error::Json(_))
    ));
    assert_eq!(
        Schema::from_json(&with(r#"{"name": "a", "type": "string"}"#).replace("urn:x", "")),
        Err(Error::InvalidSchemaId)
    );
    assert!(matches!(Schema::from_json("{"), Err(Error::Json(_))));
    assert!(matches!(
        Schema::from_json(r#"{"type": "credential"}"#),
        Err(Error::WrongDocumentType {
            expected: "schema",
            ..
        })
    ));
}

#[test]
fn attribute_errors() {
    let schema = Schema::from_json(SCHEMA).unwrap();
    let attrs = |patch: &dyn Fn(&mut serde_json::Value)| {
        let mut v: serde_json::Value = serde_json::from_str(ATTRS).unwrap();
        patch(&mut v);
        Attributes::from_json(&schema, &v.to_string())
    };
    assert_eq!(
        attrs(&|v| {
            v.as_object_mut().unwrap().remove("drug");
        }),
        Err(Error::MissingAttribute("drug".into()))
    );
    assert_eq!(
        attrs(&|v| {
            v["ward"] = "x".into();
        }),
        Err(Error::UnknownAttribute("ward".into()))
    );
    assert_eq!(
        attrs(&|v| {
            v["refills"] = "2".into();
        }),
        Err(Error::AttributeType {
            name: "refills".into(),
            expected: AttributeType::Integer
        })
    );
    assert_eq!(
        attrs(&|v| {
            v["refills"] = 2.5.into();
        }),
        Err(Error::AttributeType {
            name: "refills".into(),
            expected: AttributeType::Integer
        })
    );
    assert_eq!(
        attrs(&|v| {
            v["organ_donor"] = 1.into();
        }),
        Err(Error::AttributeType {
            name: "organ_donor".into(),
            expected: AttributeType::Boolean
        })
    );
    assert_eq!(
        attrs(&|v| {
            v["patient_id"] = "AAECAw==".into();
        }),
        Err(Error::AttributeType {
            name: "patient_id".into(),
            expected: AttributeType::Bytes
        })
    );
    for bad in [
        "1815-02-29",
        "2023-13-01",
        "1815-12-1",
        "18151210",
        "1815-12-10T00:00",
        "abcd-ef-gh",
    ] {
        assert_eq!(
            attrs(&|v| {
                v["birth_date"] = bad.into();
            }),
            Err(Error::InvalidDate("birth_date".into())),
            "{bad}"
        );
    }
    assert!(attrs(&|v| {
        v["birth_date"] = "2000-02-29".into();
    })
    .is_ok());
    assert!(matches!(
        Attributes::from_json(&schema, "[1, 2]"),
        Err(Error::Json(_))
    ));
}

#[test]
fn credential_document_errors() {
    let (_, _, credential) = setup(SuiteId::Shake256, 7);
    let json = credential.to_json();
    assert!(matches!(
        Credential::from_json(&json.replace("\"signature\"", "\"signature2\"")),
        Err(Error::Json(_))
    ));
    assert!(matches!(
        Credential::from_json(
            &json.replace("\"type\": \"credential\"", "\"type\": \"presentation\"")
        ),
        Err(Error::WrongDocumentType {
            expected: "credential",
            ..
        })
    ));
    let sig = serde_json::from_str::<serde_json::Value>(&json).unwrap()["signature"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(matches!(
        Credential::from_json(&json.replace(&sig, &sig[..sig.len() - 3])),
        Err(Error::InField { field: "signature", error })
            if *error == Error::Encoding(credkit_core::Error::InvalidLength { expected: 80, found: 78 })
    ));
    assert_eq!(
        Credential::from_json(&json.replace(&sig, "!!")),
        Err(Error::InvalidBase64 { field: "signature" })
    );
    assert_eq!(
        Credential::from_json(&json.replace("\"refills\": 2", "\"refills\": \"2\"")),
        Err(Error::AttributeType {
            name: "refills".into(),
            expected: AttributeType::Integer
        })
    );
    // A credential whose attribute was changed reads, but does not verify.
    assert_eq!(
        Credential::from_json(&json.replace("\"refills\": 2", "\"refills\": 20"))
            .unwrap()
            .verify(),
        Err(Error::InvalidSignature)
    );
    // A presentation cannot disclose an attribute the schema lacks.
    assert_eq!(
        credential.present(&["ward"], b"n", None).unwrap_err(),
        Error::UnknownAttribute("ward".into())
    );
}

#[test]
fn attribute_encoding_is_fixed() {
    assert_eq!(Date::parse("1970-01-01").unwrap().days_since_epoch(), 0);
    assert_eq!(Date::parse("1969-12-31").unwrap().days_since_epoch(), -1);
    assert_eq!(
        Date::parse("2000-03-01").unwrap().days_since_epoch(),
        11_017
    );
    assert_eq!(
        Date::parse("0000-01-01").unwrap().days_since_epoch(),
        -719_528
    );
    assert_eq!(
        AttributeValue::String("hé".into()).to_message(),
        b"\x01h\xc3\xa9"
    );
    assert_eq!(
        AttributeValue::Integer(-1).to_message(),
        [2, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    );
    assert_eq!(
        AttributeValue::Integer(0).to_message(),
        [2, 0x80, 0, 0, 0, 0, 0, 0, 0]
    );
    assert_eq!(
        AttributeValue::Date(Date::parse("1970-01-02").unwrap()).to_message(),
        [3, 0x80, 0, 0, 0, 0, 0, 0, 1]
    );
    assert_eq!(AttributeValue::Boolean(true).to_message(), [4, 1]);
    assert_eq!(AttributeValue::Bytes(vec![9, 9]).to_message(), [5, 9, 9]);
    // The schema digest is pinned: a change of encoding is a change of format.
    let schema = Schema::from_json(SCHEMA).unwrap();
    assert_eq!(hex::encode(schema.digest()), SCHEMA_DIGEST);
}

/// SHA-256 of the schema encoding of SPEC.md §4.3 for `SCHEMA`, computed independently (Python hashlib).
const SCHEMA_DIGEST: &str = "6a2a6844fc54f2e455ebcf2004d413ea32569e6802cbb1f472ae2f95d0f5f9c4";

#[test]
fn documents_that_are_not_objects_name_no_internal_type() {
    for junk in ["\"x\"", "[]", "3", "null"] {
        let err = Schema::from_json(junk).unwrap_err().to_string();
        assert!(
            !err.contains("Peek") && !err.contains("struct"),
            "{junk}: {err}"
        );
        let err = Credential::from_json(junk).unwrap_err().to_string();
        assert!(
            !err.contains("Peek") && !err.contains("struct"),
            "{junk}: {err}"
        );
    }
}

#[test]
fn jwk_ignores_members_it_does_not_know() {
    let public = IssuerKey::generate(SuiteId::Sha256, &mut StdRng::seed_from_u64(8)).public();
    let jwk = public
        .to_jwk()
        .replacen('{', r#"{"use": "sig", "alg": "BBS", "#, 1);
    assert_eq!(
        IssuerPublicKey::from_jwk(&jwk, SuiteId::Sha256).unwrap(),
        public
    );
}

/// Repeated keys in attribute objects are refused: two JSON readers must never see different
/// attribute values behind one signature or proof.
#[test]
fn repeated_attribute_keys_are_refused() {
    let (key, schema, credential) = setup(SuiteId::Sha256, 10);
    let doubled = ATTRS.replacen("\"refills\": 2", "\"refills\": 20, \"refills\": 2", 1);
    assert!(matches!(
        Attributes::from_json(&schema, &doubled),
        Err(Error::Json(_))
    ));
    let json =
        credential
            .to_json()
            .replacen("\"refills\": 2", "\"refills\": 20,\n    \"refills\": 2", 1);
    assert!(
        matches!(Credential::from_json(&json), Err(Error::Json(_))),
        "{json}"
    );
    let p = credential
        .present(&["refills"], b"n", None)
        .unwrap()
        .to_json();
    let doubled = p.replacen("\"refills\": 2", "\"refills\": 20,\n    \"refills\": 2", 1);
    assert!(
        matches!(
            Presentation::verify_json(&doubled, &key.public(), b"n", None),
            Err(Error::Json(_))
        ),
        "{doubled}"
    );
}
